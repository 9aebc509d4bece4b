import { describe, expect, it } from "vitest";
import { GITHUB_ACTIONS_APP } from "../harness/github-sim/index.ts";
import { finishJobs, gateScenario, workflowWithJobs } from "./scenario.ts";

const WASH = { name: "wash", path: ".github/workflows/wash.yml" };
const CI = { name: "CI", path: ".github/workflows/ci.yml" };
const EVIL_APP = { ...GITHUB_ACTIONS_APP, id: 4242, slug: "evil-ci", name: "Evil CI" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("checks mode: which results count (against the simulator)", () => {
  it("waits for checks that appear late and is green only once each required one passed", async () => {
    await using s = await gateScenario();
    s.onPoll((poll) => {
      if (poll === 2)
        workflowWithJobs(s.github, s.head, WASH, { "check (ubuntu)": null, "check (macos)": null });
      if (poll === 3) workflowWithJobs(s.github, s.head, CI, { lint: "success" });
      if (poll === 5) finishJobs(s.github);
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    expect(run.exitCode).toBe(0);
    expect(ids(run.outputs.required)).toEqual(["wash", "lint", "coverage"]);
    expect(ids(run.outputs.satisfied)).toEqual(["wash", "lint"]);
    expect(ids(run.outputs.missing)).toEqual(["coverage"]);
    expect(run.log).toMatch(/0\/3 satisfied; not started: wash, lint, coverage/);
    expect(run.log).toMatch(
      /running: wash \[check \(macos\) running \d+s, check \(ubuntu\) running/,
    );
    expect(run.summary).toContain(
      "| <code>wash</code> | crates/api/src/lib\\.rs matches crates/\\*\\* |",
    );
    expect(run.summary).toContain(
      "<code>check \\(ubuntu\\)</code> success <sub>\\.github/workflows/wash\\.yml, pull\\_request, github\\-actions</sub>",
    );
  });

  it("is red at the deadline when an expected check never appears, naming it and the likely cause", async () => {
    await using s = await gateScenario();
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.missing)).toEqual(["wash", "coverage"]);
    const error = run.annotations.find((a) => a.level === "error")?.message ?? "";
    expect(error).toMatch(
      /Still missing at the 1s timeout: wash \(never appeared: no run of \.github\/workflows\/wash\.yml on this commit \(a branch or paths filter, \[skip ci\], a disabled workflow, or a YAML error\)\)/,
    );
  });

  it("reports 'awaiting approval' for fork runs with action_required instead of timing out", async () => {
    await using s = await gateScenario();
    s.github.addWorkflow({ name: "wash", path: WASH.path });
    s.github.addWorkflowRun({
      workflow: WASH.path,
      headSha: s.head,
      event: "pull_request",
      conclusion: "action_required",
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ inputs: { timeout: "30s", "approval-timeout": "1s" } });
    expect(run.outputs.result).toBe("awaiting-approval");
    expect(run.log).toContain("polling up to 1s more (input 'approval-timeout')");
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /approve the workflow runs of wash/,
    );
  });

  it("keys results by workflow: a red lint in one workflow is not hidden by a green one elsewhere", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    workflowWithJobs(
      s.github,
      s.head,
      { name: "Other", path: ".github/workflows/other.yml" },
      { lint: "failure" },
    );
    const run = await s.gate();
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.failed)).toEqual(["lint"]);
    expect(run.summary).toMatch(/lint<\/code> failure <sub>\\\.github\/workflows\/other\\\.yml/);
  });

  it("counts only the latest attempt after a re-run: a failed first attempt is superseded", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    const { run } = workflowWithJobs(s.github, s.head, CI, { lint: "failure" });
    s.github.rerunWorkflowRun(run.id);
    s.onPoll((poll) => {
      if (poll === 2) finishJobs(s.github);
    });
    const green = await s.gate();
    expect(green.outputs.result).toBe("success");
  });

  it("does not let a same-named check from another app or a status satisfy a rule pinned to a workflow", async () => {
    await using s = await gateScenario();
    s.github.addCheckRun({
      name: "check (ubuntu)",
      headSha: s.head,
      conclusion: "success",
      app: EVIL_APP,
    });
    s.github.addStatus({ sha: s.head, context: "check (ubuntu)", state: "success" });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.missing)).toContain("wash");
  });

  it("considers a commit status and a check run of the same name, and one red is red", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.github.addStatus({
      sha: s.head,
      context: "lint",
      state: "error",
      description: "external lint failed",
    });
    const run = await s.gate();
    expect(ids(run.outputs.failed)).toEqual(["lint"]);
  });

  it("reports an advisory check that never finishes without blocking", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.github.addStatus({ sha: s.head, context: "codecov/patch", state: "pending" });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    expect(run.summary).toMatch(/<code>coverage<\/code> \(advisory\).*⏳ pending/);
  });

  it("excludes itself by check run id, given or looked up, and does not wait for another gate", async () => {
    await using s = await gateScenario({
      rules: 'ignore: ["gate"]\nrules:\n  - check: "*"\n',
      files: { "src/main.rs": "x\n" },
    });
    const { run, jobs } = workflowWithJobs(s.github, s.head, CI, {
      build: "success",
      "my gate": null,
    });
    workflowWithJobs(
      s.github,
      s.head,
      { name: "Other", path: ".github/workflows/other.yml" },
      { gate: null },
    );
    const given = await s.gate({ inputs: { "check-run-id": String(jobs[1]?.checkRunId) } });
    expect(given.outputs.result).toBe("success");
    expect(given.summary).not.toContain("my gate");
    const lookedUp = await s.gate({
      env: { GITHUB_RUN_ID: String(run.id), RUNNER_NAME: "GitHub Actions 1" },
    });
    expect(lookedUp.outputs.result).toBe("success");
    expect(s.sim.count("actions/list-jobs-for-workflow-run-attempt")).toBe(1);
  });
});
