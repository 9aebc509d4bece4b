import { describe, expect, it } from "vitest";
import { gateScenario, settleRuns, workflowWithJobs } from "./scenario.ts";

const WASH = { name: "wash", path: ".github/workflows/wash.yml" };
const CI = { name: "CI", path: ".github/workflows/ci.yml" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("checks mode: polling, events and the verdict (against the simulator)", () => {
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
    expect(readOnly.annotations.find((a) => a.level === "notice")?.message).toMatch(
      /needs checks: write/,
    );
  });

  it("says the verdict is stale when the pull request's head moves while it waits", async () => {
    await using s = await gateScenario();
    s.onPoll((poll) => {
      if (poll === 2)
        s.github.setBranch(
          "feature",
          s.github.addCommit({ branch: "feature", message: "newer" }).sha,
        );
    });
    // The event came a while before the push that moves the head (the simulator counts seconds).
    const earlier = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    const run = await s.gate({ event: s.pullRequestEvent({ updatedAt: earlier }) });
    expect(run.outputs.result).toBe("stale");
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /head moved from [0-9a-f]{7} to [0-9a-f]{7}/,
    );
  });

  it("polls with conditional requests: 3 charged requests in the first cycle, then free 304s", async () => {
    await using s = await gateScenario();
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const { jobs } = workflowWithJobs(s.github, s.head, WASH, { "check (ubuntu)": null });
    s.onPoll((poll) => {
      if (poll === 6) {
        s.github.updateJob(jobs[0]?.id as number, { conclusion: "success" });
        settleRuns(s.github);
      }
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    const conditional = s.sim.requests.filter((r) => r.conditional).length;
    expect(conditional).toBeGreaterThanOrEqual(8);
    // The first evaluation is every request before the first head check (pulls/get).
    const firstHeadCheck = s.sim.requests.findIndex((r) => r.operationId === "pulls/get");
    expect(firstHeadCheck).toBe(3);
    const first = s.sim.requests.slice(0, firstHeadCheck);
    expect(first.map((r) => r.operationId).sort()).toEqual([
      "actions/list-workflow-runs-for-repo",
      "checks/list-for-ref",
      "repos/get-combined-status-for-ref",
    ]);
    // A poll cycle starts with the workflow runs. The first one is charged for its three lists
    // only: the head check asks whether the pull request changed since the event (a free 304).
    const starts = s.sim.requests
      .map((r, index) => (r.operationId === "actions/list-workflow-runs-for-repo" ? index : -1))
      .filter((index) => index >= 0);
    const cycles = starts.map((start, n) => s.sim.requests.slice(start, starts[n + 1]));
    const charged = (cycle: typeof s.sim.requests) => cycle.filter((r) => !r.conditional);
    // The workflow runs first; the statuses and check runs side by side once they have answered.
    const [runs, ...rest] = charged(cycles[0] ?? []).map((r) => r.operationId);
    expect(runs).toBe("actions/list-workflow-runs-for-repo");
    expect(rest.sort()).toEqual(["checks/list-for-ref", "repos/get-combined-status-for-ref"]);
    expect(cycles[0]?.find((r) => r.operationId === "pulls/get")?.conditional).toBe(true);
    for (const cycle of cycles.slice(1, 5)) expect(charged(cycle)).toEqual([]);
  });

  it("retries a failed API call and, when it keeps failing, is red with the reason", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.sim.faults.inject({
      route: "checks/list-for-ref",
      kind: "server-error",
      status: 502,
      times: 2,
    });
    const recovered = await s.gate({ inputs: { "api-retries": "2" } });
    expect(recovered.outputs.result).toBe("success");
    s.sim.faults.inject({
      route: "checks/list-for-ref",
      kind: "server-error",
      status: 503,
      times: Number.POSITIVE_INFINITY,
    });
    const broken = await s.gate({ inputs: { "api-retries": "1" } });
    expect(broken.outputs.result).toBe("failure");
    expect(broken.annotations.find((a) => a.level === "error")?.message).toMatch(
      /GitHub API failed.*HTTP 503.*after 2 attempts/,
    );
    s.sim.faults.clear();
  });

  it("honours retry-after on a secondary rate limit", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.sim.faults.inject({
      route: "checks/list-for-ref",
      kind: "secondary-rate-limit",
      retryAfterSeconds: 1,
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    const checks = s.sim.requestsFor("checks/list-for-ref");
    expect((checks[1]?.timestamp ?? 0) - (checks[0]?.timestamp ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("evaluates merge_group.head_sha with the whole group's changes", async () => {
    await using s = await gateScenario();
    workflowWithJobs(
      s.github,
      s.head,
      { ...WASH, event: "merge_group" },
      { "check (ubuntu)": "success" },
    );
    workflowWithJobs(s.github, s.head, { ...CI, event: "merge_group" }, { lint: "success" });
    const run = await s.gate({
      event: {
        name: "merge_group",
        payload: {
          action: "checks_requested",
          merge_group: { head_sha: s.head, base_sha: s.base, base_ref: "refs/heads/main" },
        },
      },
    });
    expect(run.outputs.result).toBe("success");
    expect(ids(run.outputs.required)).toEqual(["wash", "lint", "coverage"]);
    expect(s.sim.requests.every((r) => !r.url.includes("e".repeat(40)))).toBe(true);
  });

  it("stops at its request budget and is red with the reason, never green", async () => {
    await using s = await gateScenario({ files: { "src/main.rs": "x\n" } });
    workflowWithJobs(s.github, s.head, CI, { lint: null });
    const run = await s.gate({ inputs: { "max-requests": "3" } });
    expect(run.outputs.result).toBe("failure");
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /request budget of 3 spent \(input 'max-requests'\)/,
    );
    expect(s.sim.requests.filter((r) => !r.conditional).length).toBeLessThanOrEqual(3);
  });
});
