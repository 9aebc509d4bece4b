import { describe, expect, it } from "vitest";
import { doubleScenario, errors } from "./double/scenario.ts";

// Round-2 review: the gate's promises attacked through the built bundle against a GitHub double
// written apart from the shared simulator (test/gate/double), as a hostile pull request would.

const CI = ".github/workflows/ci.yml";
const CHANGE = { "src/main.rs": "fn main() {}\n" };
const LINT = `rules:\n  - check: lint\n    workflow: ${CI}\n`;
const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("the gate against an independent GitHub double", () => {
  it("is green once the pinned job passed, and posts its verdict in_progress first", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    s.finishedPullRun(CI, { lint: "success" });
    const gate = await s.gate({ inputs: { "verdict-check": "status-gate" } });
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
    const posted = s.github.requests.filter(
      (r) => r.path.endsWith("/check-runs") && r.method === "POST",
    );
    expect(posted[0]?.body).toMatchObject({ name: "status-gate", status: "in_progress" });
    expect(s.github.checks.find((c) => c.name === "status-gate")?.conclusion).toBe("success");
  });

  it("a commit status of the same name cannot hide a red check", async () => {
    await using s = await doubleScenario({ rules: "rules:\n  - check: lint\n", change: CHANGE });
    s.finishedPullRun(CI, { lint: "failure" });
    s.github.addStatus(s.head, "lint", "success");
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/lint: failure/);
  });

  it("another app's green check of the same name cannot satisfy a rule pinned to the workflow", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    s.github.addCheck({ name: "lint", headSha: s.head, app: { id: 99, slug: "spoofer" } });
    s.github.addStatus(s.head, "lint", "success");
    const gate = await s.gate({ inputs: { timeout: "2s" } });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.missing)).toEqual(["lint"]);
  });

  it("a re-run attempt replaces the red job it re-ran", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    const run = s.finishedPullRun(CI, { lint: "failure" });
    run.attempt = 2;
    run.runStartedAt = s.github.tick();
    s.github.addJob(run, "lint", "success");
    s.github.conclude(run);
    const gate = await s.gate();
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });

  it("a persistent API error is red with the reason, never green", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    s.finishedPullRun(CI, { lint: "success" });
    s.github.beforeAnswer = (_method, path) =>
      path.endsWith("/status") ? { status: 502, body: { message: "Server Error" } } : undefined;
    const gate = await s.gate({ inputs: { "api-retries": "1" } });
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/HTTP 502/);
  });

  it("a rate limit whose reset is past the timeout is red, not green", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    const reset = String(Math.floor(Date.now() / 1000) + 7200);
    s.github.beforeAnswer = (_method, path) =>
      path.endsWith("/check-runs")
        ? {
            status: 403,
            headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset },
            body: { message: "API rate limit exceeded" },
          }
        : undefined;
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/rate limited/);
  });

  it("a list whose pages run short of its total_count is never green", async () => {
    await using s = await doubleScenario({
      rules: 'rules:\n  - check: "test (*)"\n',
      change: CHANGE,
    });
    const run = s.pullRun(CI);
    for (let leg = 0; leg < 150; leg++)
      s.github.addJob(run, `test (${leg})`, leg === 3 ? "failure" : "success");
    s.github.conclude(run, "success");
    // GitHub answers the second page empty, though the count says 150.
    s.github.beforeAnswer = (_method, path, query) =>
      path.endsWith("/check-runs") && query.get("page") === "2"
        ? { status: 200, body: { total_count: 150, check_runs: [] } }
        : undefined;
    const gate = await s.gate({ inputs: { timeout: "2s" } });
    expect(gate.outputs.result).toBe("failure");
  });
});

describe("events, labels and the rules file, against the double", () => {
  const mergeGroup = (s: { head: string; base: string; github: { repository: string } }) => ({
    name: "merge_group",
    payload: {
      action: "checks_requested",
      merge_group: {
        head_sha: s.head,
        head_ref: `refs/heads/gh-readonly-queue/main/pr-7-${s.base}`,
        base_sha: s.base,
        base_ref: "refs/heads/main",
      },
      repository: { default_branch: "main", full_name: s.github.repository },
    },
  });

  it("merge_group: a skip allowed on pull requests only is red in the queue", async () => {
    const rules = `rules:\n  - check: lint\n    workflow: ${CI}\n    allow: { pull_request: [skipped] }\n`;
    await using s = await doubleScenario({ rules, change: CHANGE });
    const run = s.github.addRun({
      path: CI,
      event: "merge_group",
      headSha: s.head,
      headBranch: "gh-readonly-queue/main/pr-7",
    });
    s.github.addJob(run, "lint", "skipped");
    s.github.conclude(run);
    const queued = await s.gate({ event: mergeGroup(s) });
    expect(queued.outputs.result).toBe("failure");
    expect(errors(queued)).toMatch(/lint: skipped/);
    s.finishedPullRun(CI, { lint: "skipped" });
    const proposed = await s.gate();
    expect(errors(proposed)).toBe("");
    expect(proposed.outputs.result).toBe("success");
  });

  it("merge_group: a rule required only in the queue is waited for there", async () => {
    const rules = `rules:\n  - id: e2e\n    check: e2e\n    events: [merge_group]\n`;
    await using s = await doubleScenario({ rules, change: CHANGE });
    const queued = await s.gate({ event: mergeGroup(s), inputs: { timeout: "2s" } });
    expect(queued.outputs.result).toBe("failure");
    expect(ids(queued.outputs.missing)).toEqual(["e2e"]);
    const proposed = await s.gate();
    expect(proposed.outputs.result).toBe("success");
    expect(ids(proposed.outputs.required)).toEqual([]);
  });

  it("a pull request that adds the rules file is held to every check on its head", async () => {
    await using s = await doubleScenario({
      change: {
        ...CHANGE,
        ".github/status-gate.yml": 'rules:\n  - check: nothing\n    paths: ["nope/**"]\n',
      },
    });
    s.finishedPullRun(CI, { lint: "failure" });
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
    expect(gate.summary).toContain("has no rules file");
  });

  it("an edit of a local action under .github/actions makes every rule apply", async () => {
    const rules = 'rules:\n  - check: docs\n    paths: ["docs/**"]\n';
    await using s = await doubleScenario({
      rules,
      change: { ".github/actions/setup/action.yml": "runs:\n  using: composite\n  steps: []\n" },
    });
    const gate = await s.gate({ inputs: { timeout: "2s" } });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.required)).toEqual(["docs"]);
  });

  it("a label makes a rule apply whatever changed", async () => {
    const rules = 'rules:\n  - check: canary\n    labels: [canary]\n    paths: ["nope/**"]\n';
    await using s = await doubleScenario({ rules, change: CHANGE });
    const event = s.pullRequestEvent();
    (event.payload as { pull_request: { labels: { name: string }[] } }).pull_request.labels = [
      { name: "canary" },
    ];
    const gate = await s.gate({ event, inputs: { timeout: "2s" } });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.missing)).toEqual(["canary"]);
  });
});

describe("tokens, limits and spoofs, against the double", () => {
  it("a read-only token: the verdict check degrades to a notice and the verdict still stands", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    s.finishedPullRun(CI, { lint: "failure" });
    s.github.beforeAnswer = (method) =>
      method === "POST"
        ? { status: 403, body: { message: "Resource not accessible by integration" } }
        : undefined;
    const gate = await s.gate({ inputs: { "verdict-check": "status-gate" } });
    expect(gate.outputs.result).toBe("failure");
    expect(
      gate.annotations.some((a) => a.level === "notice" && /checks: write/.test(a.message)),
    ).toBe(true);
  });

  it("waits out a secondary rate limit's retry-after, then judges", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    s.finishedPullRun(CI, { lint: "success" });
    let limited = 0;
    s.github.beforeAnswer = (_method, path) =>
      path.endsWith("/check-runs") && limited++ === 0
        ? {
            status: 403,
            headers: { "retry-after": "1" },
            body: { message: "secondary rate limit" },
          }
        : undefined;
    const gate = await s.gate();
    expect(limited).toBeGreaterThan(1);
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });

  it("a secondary rate limit without a time is waited for as one, not taken as a refusal", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    s.github.beforeAnswer = (_method, path) =>
      path.endsWith("/check-runs")
        ? { status: 403, body: { message: "You have exceeded a secondary rate limit." } }
        : undefined;
    // A minute's wait is past this timeout: red, saying it was rate limited.
    const gate = await s.gate({ inputs: { timeout: "5s" } });
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/rate limited \(HTTP 403\); retry in 60s/);
  });

  it("reads every page of the workflow runs: a red run on the second page counts", async () => {
    await using s = await doubleScenario({ rules: 'rules:\n  - check: "lint*"\n', change: CHANGE });
    s.finishedPullRun(CI, { lint: "failure" });
    for (let index = 0; index < 120; index++) {
      s.finishedPullRun(`.github/workflows/w${index}.yml`, { [`lint-${index}`]: "success" });
    }
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/lint: failure/);
  });

  it("a green check a job posts into the suite on a re-run of another job does not hide the red lint", async () => {
    await using s = await doubleScenario({ rules: LINT, change: CHANGE });
    const run = s.finishedPullRun(CI, { lint: "failure", build: "success" });
    run.attempt = 2;
    run.runStartedAt = s.github.tick();
    s.github.addJob(run, "build", "success");
    s.github.addCheck({ name: "lint", headSha: s.head, suiteId: run.suiteId });
    s.github.conclude(run);
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
  });

  it("an unknown conclusion and a job waiting for an environment are never green", async () => {
    await using s = await doubleScenario({
      rules: 'rules:\n  - check: "deploy*"\n',
      change: CHANGE,
    });
    const run = s.pullRun(CI);
    s.github.addJob(run, "deploy-a", "stale");
    const waiting = s.github.addJob(run, "deploy-b");
    waiting.status = "waiting";
    const gate = await s.gate({ inputs: { timeout: "2s", "fail-fast": "false" } });
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/deploy-a: stale/);
  });
});
