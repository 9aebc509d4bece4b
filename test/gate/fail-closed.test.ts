import { describe, expect, it } from "vitest";
import { GITHUB_ACTIONS_APP } from "../harness/github-sim/index.ts";
import { finishJobs, gateScenario, workflowWithJobs } from "./scenario.ts";

const CI = { name: "CI", path: ".github/workflows/ci.yml" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("checks mode never turns an unknown or an error into green (against the simulator)", () => {
  it("counts a red Actions check run that no listed workflow run owns, instead of calling it superseded", async () => {
    await using s = await gateScenario({
      rules: 'rules:\n  - id: tests\n    check: "test-*"\n',
      files: { "src/main.rs": "x\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { "test-unit": "success" });
    // A check run a job created with its GITHUB_TOKEN (a test reporter) sits in a suite of its own.
    const suite = s.github.addCheckSuite(s.head, GITHUB_ACTIONS_APP);
    s.github.addCheckRun({
      name: "test-report",
      headSha: s.head,
      conclusion: "failure",
      app: GITHUB_ACTIONS_APP,
      checkSuiteId: suite.id,
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.failed)).toEqual(["tests"]);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /test-report: failure/,
    );
  });

  it("replaces its own earlier green verdict check with a red one when a re-run stops on an error", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const green = await s.gate({ inputs: { "verdict-check": "status-gate" } });
    expect(green.outputs.result).toBe("success");
    // The pull request is retargeted to a base whose rules file is broken; the head is the same.
    const broken = s.git.commit({
      message: "broken rules",
      files: { ".github/status-gate.yml": "rules: [\n" },
    });
    const event = s.pullRequestEvent() as {
      name: string;
      payload: { pull_request: { base: { sha: string; ref: string } } };
    };
    event.payload.pull_request.base = { sha: broken, ref: "main" };
    const rerun = await s.gate({ event, inputs: { "verdict-check": "status-gate" } });
    expect(rerun.exitCode).toBe(1);
    const verdicts = s.github.checkRuns.filter((check) => check.name === "status-gate");
    const newest = verdicts.reduce((a, b) => (b.id > a.id ? b : a));
    expect(verdicts).toHaveLength(2);
    expect(newest).toMatchObject({ headSha: s.head, status: "completed", conclusion: "failure" });
  });

  it("refuses a zero poll interval, which would poll without pause on free 304s", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: null });
    const run = await s.gate({ inputs: { "poll-interval": "0", timeout: "1s" } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /input 'poll-interval' is '0'; use a duration above zero/,
    );
    expect(s.sim.count("checks/list-for-ref")).toBe(0);
  });
});

describe("the verdict check run's output (against the simulator)", () => {
  it("escapes a hostile check name in the verdict's markdown summary", async () => {
    await using s = await gateScenario({
      rules: 'rules:\n  - id: tests\n    check: "test*"\n',
      files: { "src/main.rs": "x\n" },
    });
    const hostile = "test ![pixel](https://evil.example/p.png) <b>x</b>";
    workflowWithJobs(s.github, s.head, CI, { [hostile]: "failure" });
    const run = await s.gate({ inputs: { "verdict-check": "status-gate" } });
    expect(run.outputs.result).toBe("failure");
    const verdict = s.github.checkRuns.find((check) => check.name === "status-gate");
    const summary = String(verdict?.output?.summary ?? "");
    expect(summary).toContain("pixel");
    expect(summary).not.toContain("![pixel](");
    expect(summary).not.toContain("<b>");
  });
});

describe("push events read the rules from the default branch (against the simulator)", () => {
  it("does not let a branch's earlier push loosen the rules its next push is judged by", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    s.git.checkout("feature");
    const loosened = s.git.commit({
      message: "drop every rule",
      files: { ".github/status-gate.yml": "rules: []\n" },
    });
    const next = s.git.commit({ message: "more", files: { "src/lib.rs": "y\n" } });
    s.git.checkout("main");
    s.github.addCommit({ sha: loosened, branch: "feature", parents: [s.head] });
    s.github.addCommit({ sha: next, branch: "feature", parents: [loosened] });
    const event = {
      name: "push",
      payload: {
        ref: "refs/heads/feature",
        before: loosened,
        after: next,
        forced: false,
        repository: { default_branch: "main", full_name: s.github.fullName },
      },
    };
    const run = await s.gate({ event, inputs: { timeout: "1s" } });
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.required)).toEqual(["lint", "coverage"]);
  });
});

describe("more check runs than one page (against the simulator)", () => {
  it("reads every page: a red check run on the last page is red", async () => {
    await using s = await gateScenario({
      rules: 'rules:\n  - id: tests\n    check: "test *"\n',
      files: { "src/main.rs": "x\n" },
    });
    const jobs: Record<string, string> = { "test 0": "failure" };
    for (let leg = 1; leg < 150; leg++) jobs[`test ${leg}`] = "success";
    workflowWithJobs(s.github, s.head, CI, jobs);
    const run = await s.gate();
    expect(run.outputs.result).toBe("failure");
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(/test 0: failure/);
    expect(s.sim.requestsFor("checks/list-for-ref").some((r) => r.url.includes("page=2"))).toBe(
      true,
    );
  });
});

describe("re-runs and the gate's own check (against the simulator)", () => {
  it("is red when a re-run turns a green first attempt red", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    const { run } = workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.github.rerunWorkflowRun(run.id);
    finishJobs(s.github, "failure");
    const red = await s.gate();
    expect(red.outputs.result).toBe("failure");
    expect(ids(red.outputs.failed)).toEqual(["lint"]);
  });

  it("waits for, and is never satisfied by, its own running check when it cannot tell it apart", async () => {
    await using s = await gateScenario({
      rules: 'rules:\n  - id: all\n    check: "*"\n',
      files: { "src/main.rs": "x\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { build: "success", gate: null });
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.missing)).toEqual(["all"]);
  });
});
