import { describe, expect, test } from "vitest";
import { GITHUB_ACTIONS_APP, startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const REPO = "/repos/octo-org/app";
const OTHER_APP = {
  id: 77,
  slug: "codecov",
  name: "Codecov",
  owner: { login: "codecov", id: 8226205, type: "Organization" as const },
};

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  const sha = repo.addCommit({ branch: "feature", parents: [repo.branch("main")!] }).sha;
  return { sim, repo, sha };
}

const names = (body: { check_runs: Array<{ name: string }> }) =>
  body.check_runs.map((run) => run.name);

describe("check runs", () => {
  test("lists check runs for a ref with the check_name, status and app_id filters", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    repo.addCheckRun({ name: "build", headSha: sha, conclusion: "success" });
    repo.addCheckRun({ name: "test", headSha: sha, status: "in_progress" });
    repo.addCheckRun({ name: "coverage", headSha: sha, app: OTHER_APP, conclusion: "neutral" });
    const list = (query: string) => call(sim, "GET", `${REPO}/commits/feature/check-runs${query}`);
    expect((await list("")).body.total_count).toBe(3);
    expect(names((await list("?check_name=test")).body)).toEqual(["test"]);
    expect(names((await list("?status=completed")).body).sort()).toEqual(["build", "coverage"]);
    expect(names((await list(`?app_id=${OTHER_APP.id}`)).body)).toEqual(["coverage"]);
    const run = (await list("?check_name=coverage")).body.check_runs[0];
    expect(run.app).toMatchObject({ slug: "codecov", id: 77 });
  });

  test("returns only the newest run of each name unless filter=all", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const first = repo.addCheckRun({ name: "build", headSha: sha, conclusion: "failure" });
    const rerun = repo.rerunCheckRun(first.id);
    const latest = await call(sim, "GET", `${REPO}/commits/${sha}/check-runs`);
    expect(latest.body.check_runs.map((run: { id: number }) => run.id)).toEqual([rerun.id]);
    const all = await call(sim, "GET", `${REPO}/commits/${sha}/check-runs?filter=all`);
    expect(all.body.total_count).toBe(2);
  });

  test("creates and completes a check run; a conclusion implies completed", async () => {
    const { sim, sha } = await seeded();
    await using _ = sim;
    const created = await call(sim, "POST", `${REPO}/check-runs`, {
      body: { name: "lint", head_sha: sha, status: "in_progress", external_id: "lint-1" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: "in_progress",
      conclusion: null,
      external_id: "lint-1",
      app: { id: GITHUB_ACTIONS_APP.id },
    });
    expect(created.body.started_at).not.toBeNull();

    const completed = await call(sim, "PATCH", `${REPO}/check-runs/${created.body.id}`, {
      body: { conclusion: "failure", output: { title: "2 problems", summary: "See annotations" } },
    });
    expect(completed.body).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "2 problems", summary: "See annotations", annotations_count: 0 },
    });
    expect(completed.body.completed_at).not.toBeNull();
  });

  test("refuses to complete a check run without a conclusion, storing nothing", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const created = await call(sim, "POST", `${REPO}/check-runs`, {
      body: { name: "lint", head_sha: sha, status: "completed" },
    });
    expect(created.status).toBe(422);
    expect(created.body.message).toContain("conclusion is required");
    const stale = await call(sim, "POST", `${REPO}/check-runs`, {
      body: { name: "lint", head_sha: sha, conclusion: "stale" },
    });
    expect(stale.status).toBe(422);
    expect(repo.checkRuns).toEqual([]);

    const run = repo.addCheckRun({ name: "lint", headSha: sha, status: "in_progress" });
    const stamped = await call(sim, "PATCH", `${REPO}/check-runs/${run.id}`, {
      body: { completed_at: "2026-01-01T00:00:00Z" },
    });
    expect(stamped.status).toBe(422);
    expect(repo.checkRuns.map((stored) => stored.status)).toEqual(["in_progress"]);
  });

  test("refuses a check run for a commit that does not exist", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const response = await call(sim, "POST", `${REPO}/check-runs`, {
      body: { name: "lint", head_sha: "0".repeat(40) },
    });
    expect(response.status).toBe(422);
  });

  test("accepts annotations in batches of at most 50 per request and appends them", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const run = repo.addCheckRun({ name: "lint", headSha: sha, status: "in_progress" });
    const batch = (count: number, offset = 0) =>
      Array.from({ length: count }, (_, index) => ({
        path: "src/a.ts",
        start_line: offset + index + 1,
        end_line: offset + index + 1,
        annotation_level: "warning",
        message: `problem ${offset + index + 1}`,
      }));
    const output = (annotations: unknown[]) => ({
      output: { title: "Lint", summary: "s", annotations },
    });

    const tooMany = await call(sim, "PATCH", `${REPO}/check-runs/${run.id}`, {
      body: output(batch(51)),
    });
    expect(tooMany.status).toBe(422);
    expect(sim.takeViolations()[0]?.message).toContain("must NOT have more than 50 items");
    expect(run.annotations).toHaveLength(0);

    await call(sim, "PATCH", `${REPO}/check-runs/${run.id}`, { body: output(batch(50)) });
    const second = await call(sim, "PATCH", `${REPO}/check-runs/${run.id}`, {
      body: output(batch(10, 50)),
    });
    expect(second.body.output.annotations_count).toBe(60);
    const page = await call(sim, "GET", `${REPO}/check-runs/${run.id}/annotations?per_page=100`);
    expect(page.body).toHaveLength(60);
    expect(page.body[59]).toMatchObject({ message: "problem 60", annotation_level: "warning" });
  });

  test("lists check suites for a ref with their rolled-up status", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    repo.addCheckRun({ name: "build", headSha: sha, conclusion: "success" });
    repo.addCheckRun({ name: "test", headSha: sha, conclusion: "failure" });
    repo.addCheckRun({ name: "coverage", headSha: sha, app: OTHER_APP, status: "in_progress" });
    const { body } = await call(sim, "GET", `${REPO}/commits/${sha}/check-suites`);
    expect(body.total_count).toBe(2);
    const [actions, codecov] = body.check_suites;
    expect(actions).toMatchObject({
      status: "completed",
      conclusion: "failure",
      latest_check_runs_count: 2,
    });
    expect(codecov).toMatchObject({
      status: "in_progress",
      conclusion: null,
      app: { slug: "codecov" },
    });
    const single = await call(sim, "GET", `${REPO}/check-suites/${actions.id}`);
    expect(single.body.head_sha).toBe(sha);
    const filtered = await call(sim, "GET", `${REPO}/commits/${sha}/check-suites?app_id=77`);
    expect(filtered.body.total_count).toBe(1);
  });

  test("scripts a timeline: a check appears late, completes, then is re-run", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const route = "checks/list-for-ref";
    let build: ReturnType<typeof repo.addCheckRun> | undefined;
    sim.onRequest(() => {
      const polls = sim.count(route);
      if (polls === 1) build = repo.addCheckRun({ name: "build", headSha: sha });
      if (polls === 2 && build) repo.updateCheckRun(build.id, { status: "in_progress" });
      if (polls === 3 && build) repo.updateCheckRun(build.id, { conclusion: "failure" });
      if (polls === 4 && build)
        repo.updateCheckRun(repo.rerunCheckRun(build.id).id, { conclusion: "success" });
    });
    const seen: string[] = [];
    for (let poll = 0; poll < 5; poll++) {
      const { body } = await call(sim, "GET", `${REPO}/commits/${sha}/check-runs`);
      const run = body.check_runs[0];
      seen.push(run ? `${run.status}/${run.conclusion}` : "none");
    }
    expect(seen).toEqual([
      "none",
      "queued/null",
      "in_progress/null",
      "completed/failure",
      "completed/success",
    ]);
  });
});

describe("commit statuses", () => {
  test("creates statuses and lists every one, newest first", async () => {
    const { sim, sha } = await seeded();
    await using _ = sim;
    for (const state of ["pending", "success"]) {
      const created = await call(sim, "POST", `${REPO}/statuses/${sha}`, {
        body: {
          state,
          context: "ci/deploy",
          target_url: "https://ci.example/1",
          description: state,
        },
      });
      expect(created.status).toBe(201);
      expect(created.body.creator.login).toBe("github-actions[bot]");
    }
    const { body } = await call(sim, "GET", `${REPO}/commits/feature/statuses`);
    expect(body.map((status: { state: string }) => status.state)).toEqual(["success", "pending"]);
  });

  test("combines the newest status of each context: failure beats pending beats success", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const combined = async () => (await call(sim, "GET", `${REPO}/commits/${sha}/status`)).body;
    expect(await combined()).toMatchObject({ state: "pending", total_count: 0, sha });
    repo.addStatus({ sha, context: "a", state: "success" });
    repo.addStatus({ sha, context: "b", state: "pending" });
    expect((await combined()).state).toBe("pending");
    repo.addStatus({ sha, context: "b", state: "success" });
    expect(await combined()).toMatchObject({ state: "success", total_count: 2 });
    repo.addStatus({ sha, context: "a", state: "error" });
    expect((await combined()).state).toBe("failure");
  });

  test("refuses a status for an unknown commit", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const response = await call(sim, "POST", `${REPO}/statuses/${"9".repeat(40)}`, {
      body: { state: "success" },
    });
    expect(response.status).toBe(422);
  });
});
