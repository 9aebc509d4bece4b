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
    const run = s.github.addRun({
      path: CI,
      event: "pull_request",
      headSha: s.head,
      headBranch: "feature",
    });
    s.github.addJob(run, "lint", "success");
    s.github.conclude(run);
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
    const run = s.github.addRun({
      path: CI,
      event: "pull_request",
      headSha: s.head,
      headBranch: "feature",
    });
    s.github.addJob(run, "lint", "failure");
    s.github.conclude(run);
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
    const run = s.github.addRun({
      path: CI,
      event: "pull_request",
      headSha: s.head,
      headBranch: "feature",
    });
    s.github.addJob(run, "lint", "failure");
    s.github.conclude(run);
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
    const run = s.github.addRun({
      path: CI,
      event: "pull_request",
      headSha: s.head,
      headBranch: "feature",
    });
    s.github.addJob(run, "lint", "success");
    s.github.conclude(run);
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
    const run = s.github.addRun({
      path: CI,
      event: "pull_request",
      headSha: s.head,
      headBranch: "feature",
    });
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
