import { describe, expect, it } from "vitest";
import { GITHUB_ACTIONS_APP, type RecordedRequest } from "../harness/github-sim/index.ts";
import { finishJobs, gateScenario, settleRuns, workflowWithJobs } from "./scenario.ts";

// Issue 12: every way the gate once went green before the checks had earned it, each run through
// the built bundle against the simulator.

const CI = { name: "CI", path: ".github/workflows/ci.yml" };
const DOCS = { name: "Docs", path: ".github/workflows/docs.yml" };
const FILES = { "src/main.rs": "x\n" };
/** A run id no simulated run has, so no run is taken for the gate's own. */
const ELSEWHERE = { GITHUB_RUN_ID: "999999" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];
const errorOf = (run: { annotations: { level: string; message: string }[] }) =>
  run.annotations.find((a) => a.level === "error")?.message ?? "";

describe("a literal check name is green only once no run can still create it", () => {
  it("waits for a running workflow whose lint is behind needs:, and is red when that lint fails", async () => {
    await using s = await gateScenario({ rules: "rules:\n  - check: lint\n", files: FILES });
    workflowWithJobs(s.github, s.head, DOCS, { lint: "success" });
    const { run } = workflowWithJobs(s.github, s.head, CI, { build: null }, { running: true });
    s.onPoll((poll) => {
      if (poll === 3) {
        finishJobs(s.github);
        s.github.addJob({ runId: run.id, name: "lint", conclusion: "failure" });
        settleRuns(s.github);
      }
    });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(gate.log).toMatch(/running: lint \[waiting for CI #1 \(in_progress\) to finish/);
    expect(errorOf(gate)).toMatch(/lint \(lint: success; lint: failure\)|lint: failure/);
  });

  it("pinned to a workflow, waits for that workflow's push run too, not only the pull_request one", async () => {
    await using s = await gateScenario({
      rules: "rules:\n  - check: lint\n    workflow: .github/workflows/ci.yml\n",
      files: FILES,
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const push = workflowWithJobs(
      s.github,
      s.head,
      { ...CI, event: "push" },
      { build: null },
      { running: true },
    );
    s.onPoll((poll) => {
      if (poll === 3) {
        finishJobs(s.github);
        s.github.addJob({ runId: push.run.id, name: "lint", conclusion: "failure" });
        settleRuns(s.github);
      }
    });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.failed)).toEqual(["lint"]);
  });
});

describe("a red run is explained only by red checks the rule itself matches", () => {
  const tests =
    'rules:\n  - id: tests\n    check: "test (*)"\n    workflow: .github/workflows/ci.yml\n';

  it("is red when a cancelled run left its matrix unexpanded", async () => {
    await using s = await gateScenario({ rules: tests, files: FILES });
    const { run } = workflowWithJobs(
      s.github,
      s.head,
      CI,
      { "test (unit)": "success", [`test (${"$"}{{ matrix.target }})`]: "cancelled" },
      { running: true },
    );
    s.github.updateWorkflowRun(run.id, { conclusion: "cancelled" });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.failed)).toEqual(["tests"]);
  });

  it("is red when a cancelled run's only red job is one the rule does not match", async () => {
    await using s = await gateScenario({ rules: tests, files: FILES });
    const { run } = workflowWithJobs(
      s.github,
      s.head,
      CI,
      { "test (unit)": "success", "deploy-preview": "cancelled" },
      { running: true },
    );
    s.github.updateWorkflowRun(run.id, { conclusion: "cancelled" });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(errorOf(gate)).toMatch(
      /CI #1 \(cancelled\), yet no check this rule matches failed: a job the gate cannot see/,
    );
  });
});

describe("runs, suites and pages the gate once read too little of", () => {
  it("keys runs by pull request: a second pull request from the same head does not hide the first's red", async () => {
    await using s = await gateScenario({ rules: "rules:\n  - check: lint\n", files: FILES });
    s.github.addBranch("release");
    const other = s.github.addPullRequest({ head: "feature", base: "release", number: 8 });
    s.github.addWorkflow({ name: CI.name, path: CI.path });
    const mine = s.github.addWorkflowRun({
      workflow: CI.path,
      headSha: s.head,
      event: "pull_request",
      pullRequests: [7],
      status: "in_progress",
    });
    s.github.addJob({ runId: mine.id, name: "lint", conclusion: "failure" });
    const theirs = s.github.addWorkflowRun({
      workflow: CI.path,
      headSha: s.head,
      event: "pull_request",
      pullRequests: [other.number],
      status: "in_progress",
    });
    s.github.addJob({ runId: theirs.id, name: "lint", conclusion: "success" });
    settleRuns(s.github);
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(errorOf(gate)).toMatch(/lint: failure/);
  });

  it("does not let a same-named green check created later in the run's suite hide a red job", async () => {
    await using s = await gateScenario({ rules: "rules:\n  - check: lint\n", files: FILES });
    const { run } = workflowWithJobs(s.github, s.head, CI, { lint: "failure" });
    // A job with checks: write posts a green `lint` through the API; it lands in the same suite.
    s.github.addCheckRun({
      name: "lint",
      headSha: s.head,
      conclusion: "success",
      app: GITHUB_ACTIONS_APP,
      checkSuiteId: run.checkSuiteId,
    });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(errorOf(gate)).toMatch(/lint: failure/);
  });

  it("reads past a short page while total_count says more: a red check on the next page is red", async () => {
    await using s = await gateScenario({
      rules: 'rules:\n  - id: tests\n    check: "test *"\n',
      files: FILES,
    });
    const jobs: Record<string, string> = { "test 0": "failure" };
    for (let leg = 1; leg < 150; leg++) jobs[`test ${leg}`] = "success";
    workflowWithJobs(s.github, s.head, CI, jobs);
    // The newest 100 come first; the red one, the oldest, is on page 2.
    s.sim.faults.inject({ route: "checks/list-for-ref", kind: "short-page", times: 1 });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(errorOf(gate)).toMatch(/test 0: failure/);
  });

  it("is not green on a list read short of its total_count, and is once a poll reads it whole", async () => {
    await using s = await gateScenario({
      rules: 'rules:\n  - id: tests\n    check: "test *"\n',
      files: FILES,
    });
    const jobs: Record<string, string> = {};
    for (let leg = 0; leg < 150; leg++) jobs[`test ${leg}`] = "success";
    workflowWithJobs(s.github, s.head, CI, jobs);
    // Both pages are cut short on the first poll: 148 of 150 are all the gate can read then.
    s.sim.faults.inject({ route: "checks/list-for-ref", kind: "short-page", times: 2 });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("success");
    expect(gate.log).toMatch(/listed 148 of 150 results; reading them again on the next poll/);
    s.sim.faults.inject({
      route: "checks/list-for-ref",
      kind: "short-page",
      times: Number.POSITIVE_INFINITY,
    });
    const never = await s.gate({ env: ELSEWHERE, inputs: { timeout: "1s" } });
    expect(never.outputs.result).toBe("failure");
    expect(errorOf(never)).toMatch(/listed \d+ of 150 results until the timeout/);
  });

  it("finds its own job on the second page of a 150-job run, instead of waiting for itself", async () => {
    await using s = await gateScenario({ rules: 'rules:\n  - check: "*"\n', files: FILES });
    const jobs: Record<string, string | null> = {};
    for (let index = 0; index < 149; index++) jobs[`build ${index}`] = "success";
    jobs.gate = null;
    const { run } = workflowWithJobs(s.github, s.head, CI, jobs, { running: true });
    const gate = await s.gate({
      inputs: { timeout: "5s" },
      env: { GITHUB_RUN_ID: String(run.id), RUNNER_NAME: "GitHub Actions 1" },
    });
    expect(gate.outputs.result).toBe("success");
    expect(
      s.sim
        .requestsFor("actions/list-jobs-for-workflow-run-attempt")
        .some((r) => r.url.includes("page=2")),
    ).toBe(true);
  });

  it("looks for its own job again on a later poll when the first look did not find it", async () => {
    await using s = await gateScenario({ rules: 'rules:\n  - check: "*"\n', files: FILES });
    const { run } = workflowWithJobs(s.github, s.head, CI, { build: "success" }, { running: true });
    // Queued, the job has no runner yet, so the first look cannot tell it is this one.
    const own = s.github.addJob({ runId: run.id, name: "gate", status: "queued" });
    s.onPoll((poll) => {
      if (poll === 2) s.github.updateJob(own.id, { status: "in_progress" });
    });
    const gate = await s.gate({
      inputs: { timeout: "5s" },
      env: { GITHUB_RUN_ID: String(run.id), RUNNER_NAME: "GitHub Actions 1" },
    });
    expect(gate.outputs.result).toBe("success");
    expect(s.sim.count("actions/list-jobs-for-workflow-run-attempt")).toBeGreaterThanOrEqual(2);
  });
});

describe("the verdict check never shows an earlier green while the gate works", () => {
  it("is in_progress from the start of a re-evaluation and completes red when lint then fails", async () => {
    await using s = await gateScenario({ rules: "rules:\n  - check: lint\n", files: FILES });
    const { run } = workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const green = await s.gate({ inputs: { "verdict-check": "status-gate" }, env: ELSEWHERE });
    expect(green.outputs.result).toBe("success");
    // The pull request is retargeted (an `edited` event); lint runs again and fails.
    s.github.rerunWorkflowRun(run.id);
    const newest = () =>
      s.github.checkRuns
        .filter((check) => check.name === "status-gate")
        .reduce((a, b) => (b.id > a.id ? b : a));
    const seen: string[] = [];
    let polls = 0;
    s.sim.onRequest((request: RecordedRequest) => {
      if (request.operationId !== "checks/list-for-ref" || request.url.includes("page=2")) return;
      polls++;
      seen.push(`${newest().status}/${newest().conclusion ?? ""}`);
      if (polls === 3) finishJobs(s.github, "failure");
    });
    const event = s.pullRequestEvent() as { name: string; payload: { action: string } };
    event.payload.action = "edited";
    const red = await s.gate({ event, inputs: { "verdict-check": "status-gate" }, env: ELSEWHERE });
    expect(red.outputs.result).toBe("failure");
    // From the second poll on (the first may race the creation), no earlier green stands.
    expect(seen.slice(1).every((state) => state === "in_progress/")).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(newest()).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(s.github.checkRuns.filter((check) => check.name === "status-gate")).toHaveLength(2);
  });
});
