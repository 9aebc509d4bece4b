import { describe, expect, it } from "vitest";
import { GITHUB_ACTIONS_APP } from "../harness/github-sim/index.ts";
import { gateScenario, workflowWithJobs } from "./scenario.ts";

const WASH = { name: "wash", path: ".github/workflows/wash.yml" };
const CI = { name: "CI", path: ".github/workflows/ci.yml" };
const EVIL_APP = { ...GITHUB_ACTIONS_APP, id: 4242, slug: "evil-ci", name: "Evil CI" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("checks mode against the simulator", () => {
  it("waits for checks that appear late and is green only once each required one passed", async () => {
    await using s = await gateScenario();
    s.onPoll((poll) => {
      if (poll === 2) workflowWithJobs(s.github, s.head, WASH, { "check (ubuntu)": null, "check (macos)": null });
      if (poll === 3) workflowWithJobs(s.github, s.head, CI, { lint: "success" });
      if (poll === 5) {
        for (const job of s.github.jobs) if (job.status !== "completed") s.github.updateJob(job.id, { conclusion: "success" });
      }
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    expect(run.exitCode).toBe(0);
    expect(ids(run.outputs.required)).toEqual(["wash", "lint", "coverage"]);
    expect(ids(run.outputs.satisfied)).toEqual(["wash", "lint"]);
    expect(ids(run.outputs.missing)).toEqual(["coverage"]);
    expect(run.log).toMatch(/0\/3 satisfied; not started: wash, lint, coverage/);
    expect(run.log).toMatch(/running: wash \[check \(macos\) running \d+s, check \(ubuntu\) running/);
    expect(run.summary).toContain("| <code>wash</code> | crates/api/src/lib\\.rs matches crates/\\*\\* |");
    expect(run.summary).toContain("<code>check \\(ubuntu\\)</code> success <sub>\\.github/workflows/wash\\.yml, pull\\_request, github\\-actions</sub>");
  });

  it("is red at the deadline when an expected check never appears, naming it and the likely cause", async () => {
    await using s = await gateScenario();
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.missing)).toEqual(["wash", "coverage"]);
    const error = run.annotations.find((a) => a.level === "error")?.message ?? "";
    expect(error).toMatch(/Still missing at the 1s timeout: wash \(never appeared: no run of \.github\/workflows\/wash\.yml on this commit \(a branch or paths filter, \[skip ci\], a disabled workflow, or a YAML error\)\)/);
  });

  it("reports 'awaiting approval' for fork runs with action_required instead of timing out", async () => {
    await using s = await gateScenario();
    s.github.addWorkflow({ name: "wash", path: WASH.path });
    s.github.addWorkflowRun({ workflow: WASH.path, headSha: s.head, event: "pull_request", conclusion: "action_required" });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ inputs: { timeout: "30s" } });
    expect(run.outputs.result).toBe("awaiting-approval");
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(/approve the workflow runs of wash/);
  });

  it("keys results by workflow: a red lint in one workflow is not hidden by a green one elsewhere", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    workflowWithJobs(s.github, s.head, { name: "Other", path: ".github/workflows/other.yml" }, { lint: "failure" });
    const run = await s.gate();
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.failed)).toEqual(["lint"]);
    expect(run.summary).toMatch(/lint<\/code> failure <sub>\\\.github\/workflows\/other\\\.yml/);
  });

  it("counts only the latest attempt after a re-run, and is red when a re-run fails", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    const { run } = workflowWithJobs(s.github, s.head, CI, { lint: "failure" });
    s.github.rerunWorkflowRun(run.id);
    s.onPoll((poll) => {
      if (poll === 2) for (const job of s.github.jobs) if (job.status !== "completed") s.github.updateJob(job.id, { conclusion: "success" });
    });
    const green = await s.gate();
    expect(green.outputs.result).toBe("success");
  });

  it("does not let a same-named check from another app or a status satisfy a rule pinned to a workflow", async () => {
    await using s = await gateScenario();
    s.github.addCheckRun({ name: "check (ubuntu)", headSha: s.head, conclusion: "success", app: EVIL_APP });
    s.github.addStatus({ sha: s.head, context: "check (ubuntu)", state: "success" });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.missing)).toContain("wash");
  });

  it("considers a commit status and a check run of the same name, and one red is red", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.github.addStatus({ sha: s.head, context: "lint", state: "error", description: "external lint failed" });
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

  it("excludes itself by check run id and does not wait for another gate", async () => {
    await using s = await gateScenario({ rules: "ignore: [\"gate\"]\nrules:\n  - check: \"*\"\n", files: { "src/main.rs": "x\n" } });
    const { jobs } = workflowWithJobs(s.github, s.head, CI, { build: "success", "my gate": null });
    workflowWithJobs(s.github, s.head, { name: "Other", path: ".github/workflows/other.yml" }, { gate: null });
    const run = await s.gate({ inputs: { "check-run-id": String(jobs[1]?.checkRunId) } });
    expect(run.outputs.result).toBe("success");
    expect(run.summary).not.toContain("my gate");
  });

  it("posts its verdict as a check run, and degrades to a notice on a read-only token", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const posted = await s.gate({ inputs: { "verdict-check": "status-gate" } });
    expect(posted.outputs.result).toBe("success");
    const verdict = s.github.checkRuns.find((check) => check.name === "status-gate");
    expect(verdict).toMatchObject({ headSha: s.head, status: "completed", conclusion: "success" });
    s.sim.faults.inject({ route: "checks/create", kind: "server-error", status: 403 });
    const readOnly = await s.gate({ inputs: { "verdict-check": "status-gate" } });
    expect(readOnly.exitCode).toBe(0);
    expect(readOnly.annotations.find((a) => a.level === "notice")?.message).toMatch(/needs checks: write/);
  });

  it("says the verdict is stale when the pull request's head moves while it waits", async () => {
    await using s = await gateScenario();
    s.onPoll((poll) => {
      if (poll === 2) s.github.setBranch("feature", s.github.addCommit({ branch: "feature", message: "newer" }).sha);
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("stale");
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(/head moved from [0-9a-f]{7} to [0-9a-f]{7}/);
  });

  it("polls with conditional requests: unchanged answers are free 304s", async () => {
    await using s = await gateScenario();
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const { jobs } = workflowWithJobs(s.github, s.head, WASH, { "check (ubuntu)": null });
    s.onPoll((poll) => {
      if (poll === 6) s.github.updateJob(jobs[0]?.id as number, { conclusion: "success" });
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    const conditional = s.sim.requests.filter((r) => r.conditional).length;
    expect(conditional).toBeGreaterThanOrEqual(8);
    const first = s.sim.requests.filter((r) => r.index <= 3);
    expect(first.map((r) => r.operationId).sort()).toEqual(["actions/list-workflow-runs-for-repo", "checks/list-for-ref", "repos/get-combined-status-for-ref"]);
  });

  it("retries a failed API call and, when it keeps failing, is red with the reason", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.sim.faults.inject({ route: "checks/list-for-ref", kind: "server-error", status: 502, times: 2 });
    const recovered = await s.gate({ inputs: { "api-retries": "2" } });
    expect(recovered.outputs.result).toBe("success");
    s.sim.faults.inject({ route: "checks/list-for-ref", kind: "server-error", status: 503, times: Number.POSITIVE_INFINITY });
    const broken = await s.gate({ inputs: { "api-retries": "1" } });
    expect(broken.outputs.result).toBe("failure");
    expect(broken.annotations.find((a) => a.level === "error")?.message).toMatch(/GitHub API failed.*HTTP 503.*after 2 attempts/);
    s.sim.faults.clear();
  });

  it("honours retry-after on a secondary rate limit", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.sim.faults.inject({ route: "checks/list-for-ref", kind: "secondary-rate-limit", retryAfterSeconds: 1 });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    const checks = s.sim.requestsFor("checks/list-for-ref");
    expect((checks[1]?.timestamp ?? 0) - (checks[0]?.timestamp ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("evaluates merge_group.head_sha with the whole group's changes", async () => {
    await using s = await gateScenario();
    workflowWithJobs(s.github, s.head, { ...WASH, event: "merge_group" }, { "check (ubuntu)": "success" });
    workflowWithJobs(s.github, s.head, { ...CI, event: "merge_group" }, { lint: "success" });
    const run = await s.gate({
      event: { name: "merge_group", payload: { action: "checks_requested", merge_group: { head_sha: s.head, base_sha: s.base, base_ref: "refs/heads/main" } } },
    });
    expect(run.outputs.result).toBe("success");
    expect(ids(run.outputs.required)).toEqual(["wash", "lint", "coverage"]);
    expect(s.sim.requests.every((r) => !r.url.includes("e".repeat(40)))).toBe(true);
  });
});
