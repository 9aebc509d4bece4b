import { describe, expect, test } from "vitest";
import { startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const REPO = "/repos/octo-org/app";

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  const sha = repo.branch("main")!;
  return { sim, repo, sha };
}

const ids = (body: { workflow_runs: Array<{ id: number }> }) =>
  body.workflow_runs.map((run) => run.id);

describe("workflow runs and jobs", () => {
  test("lists runs for the repository filtered by head_sha, event and status", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const other = repo.addCommit({ branch: "feature" }).sha;
    const push = repo.addWorkflowRun({ headSha: sha, headBranch: "main", conclusion: "success" });
    const pr = repo.addWorkflowRun({
      headSha: other,
      event: "pull_request",
      status: "in_progress",
    });
    const nightly = repo.addWorkflowRun({
      workflow: "Nightly",
      headSha: sha,
      event: "schedule",
      conclusion: "failure",
    });
    const list = async (query: string) =>
      ids((await call(sim, "GET", `${REPO}/actions/runs${query}`)).body);
    expect(await list("")).toEqual([nightly.id, pr.id, push.id]);
    expect(await list(`?head_sha=${sha}`)).toEqual([nightly.id, push.id]);
    expect(await list("?event=pull_request")).toEqual([pr.id]);
    expect(await list("?status=in_progress")).toEqual([pr.id]);
    expect(await list("?status=failure")).toEqual([nightly.id]);
    expect(await list("?branch=main")).toEqual([push.id]);
    const byWorkflow = await call(sim, "GET", `${REPO}/actions/workflows/nightly.yml/runs`);
    expect(ids(byWorkflow.body)).toEqual([nightly.id]);
  });

  test("serves a run with its pull requests, check suite and workflow links", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const pull = repo.addPullRequest({ head: "feature" });
    const run = repo.addWorkflowRun({
      headSha: pull.head.sha,
      headBranch: "feature",
      event: "pull_request",
      pullRequests: [pull.number],
    });
    const { body } = await call(sim, "GET", `${REPO}/actions/runs/${run.id}`);
    expect(body).toMatchObject({
      id: run.id,
      name: "CI",
      path: ".github/workflows/ci.yml",
      run_attempt: 1,
      check_suite_id: run.checkSuiteId,
      pull_requests: [{ number: pull.number }],
      head_commit: { id: pull.head.sha },
    });
    const withoutPulls = await call(
      sim,
      "GET",
      `${REPO}/actions/runs/${run.id}?exclude_pull_requests=true`,
    );
    expect(withoutPulls.body.pull_requests).toEqual([]);
  });

  test("keeps every attempt of a re-run readable, with the jobs of each", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const run = repo.addWorkflowRun({ headSha: sha });
    const job = repo.addJob({ runId: run.id, name: "test", steps: [{ name: "Run tests" }] });
    repo.updateJob(job.id, { conclusion: "failure" });
    repo.updateWorkflowRun(run.id, { conclusion: "failure" });

    const rerun = await call(sim, "POST", `${REPO}/actions/runs/${run.id}/rerun`);
    expect(rerun.status).toBe(201);
    const current = await call(sim, "GET", `${REPO}/actions/runs/${run.id}`);
    expect(current.body).toMatchObject({ run_attempt: 2, status: "queued", conclusion: null });
    expect(current.body.previous_attempt_url).toBe(
      `${sim.url}${REPO}/actions/runs/${run.id}/attempts/1`,
    );
    const first = await call(sim, "GET", `${REPO}/actions/runs/${run.id}/attempts/1`);
    expect(first.body).toMatchObject({
      run_attempt: 1,
      status: "completed",
      conclusion: "failure",
    });
    expect((await call(sim, "GET", `${REPO}/actions/runs/${run.id}/attempts/3`)).status).toBe(404);

    const latestJobs = await call(sim, "GET", `${REPO}/actions/runs/${run.id}/jobs`);
    expect(latestJobs.body.jobs).toMatchObject([
      { name: "test", run_attempt: 2, status: "queued" },
    ]);
    const allJobs = await call(sim, "GET", `${REPO}/actions/runs/${run.id}/jobs?filter=all`);
    expect(allJobs.body.total_count).toBe(2);
    const attemptJobs = await call(sim, "GET", `${REPO}/actions/runs/${run.id}/attempts/1/jobs`);
    expect(attemptJobs.body.jobs).toMatchObject([
      { conclusion: "failure", steps: [{ name: "Run tests", number: 1 }] },
    ]);
  });

  test("moves a job and its check run together", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const run = repo.addWorkflowRun({ headSha: sha });
    const job = repo.addJob({ runId: run.id, name: "build" });
    repo.updateCheckRun(job.checkRunId, { status: "in_progress" });
    expect(job.status).toBe("in_progress");
    repo.updateJob(job.id, { conclusion: "success" });
    const { body } = await call(sim, "GET", `${REPO}/commits/${sha}/check-runs?check_name=build`);
    expect(body.check_runs[0]).toMatchObject({ status: "completed", conclusion: "success" });
    expect(body.check_runs[0].html_url).toContain(`/actions/runs/${run.id}/job/${job.id}`);
  });

  test("refuses to re-run a run that is still in progress", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const run = repo.addWorkflowRun({ headSha: sha, status: "in_progress" });
    expect((await call(sim, "POST", `${REPO}/actions/runs/${run.id}/rerun`)).status).toBe(403);
  });
});

describe("workflow dispatch", () => {
  test("answers 204, records the dispatch and queues a run", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const workflow = repo.addWorkflow({ name: "Release", path: ".github/workflows/release.yml" });
    const response = await call(sim, "POST", `${REPO}/actions/workflows/release.yml/dispatches`, {
      body: { ref: "main", inputs: { version: "1.2.3" } },
    });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect(sim.state.dispatches).toMatchObject([
      {
        repository: "octo-org/app",
        workflowId: workflow.id,
        ref: "main",
        inputs: { version: "1.2.3" },
      },
    ]);
    const runs = await call(sim, "GET", `${REPO}/actions/runs?event=workflow_dispatch`);
    expect(runs.body.workflow_runs).toMatchObject([
      { head_sha: sha, status: "queued", head_branch: "main" },
    ]);
  });

  test("returns the run when asked with return_run_details", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const workflow = repo.addWorkflow({ name: "Release" });
    const response = await call(
      sim,
      "POST",
      `${REPO}/actions/workflows/${workflow.id}/dispatches`,
      {
        body: { ref: "main", return_run_details: true },
      },
    );
    expect(response.status).toBe(200);
    expect(response.body.workflow_run_id).toBe(sim.state.dispatches[0]?.runId);
  });

  test("answers 404 for an unknown workflow and 422 for an unknown ref", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    repo.addWorkflow({ name: "Release" });
    const unknownWorkflow = await call(
      sim,
      "POST",
      `${REPO}/actions/workflows/deploy.yml/dispatches`,
      {
        body: { ref: "main" },
      },
    );
    expect(unknownWorkflow.status).toBe(404);
    const unknownRef = await call(sim, "POST", `${REPO}/actions/workflows/release.yml/dispatches`, {
      body: { ref: "nope" },
    });
    expect(unknownRef.status).toBe(422);
    expect(unknownRef.body.message).toBe("No ref found for: nope");
    expect(sim.state.dispatches).toEqual([]);
  });
});
