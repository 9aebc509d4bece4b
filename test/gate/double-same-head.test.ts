import { describe, expect, it } from "vitest";
import { doubleScenario, errors } from "./double/scenario.ts";

// GitHub's `pull_requests` of a workflow run lists "pull requests that are open with a head_sha or
// head_branch that matches the workflow run" and "not necessarily [the] pull requests that
// triggered the run" (OpenAPI), and none for a fork. So two pull requests from one head show the
// same list on both their runs, and the list cannot tell the gate whose run is whose.

const CI = ".github/workflows/ci.yml";
const RULES = "rules:\n  - check: lint\n";
const CHANGE = { "src/main.rs": "fn main() {}\n" };

describe("two pull requests on one head", () => {
  it("a newer green run of a second pull request from the same branch does not hide the first's red", async () => {
    await using s = await doubleScenario({ rules: RULES, change: CHANGE });
    s.finishedPullRun(CI, { lint: "failure" });
    s.github.pulls.push({
      number: 8,
      head: { ref: "feature", sha: s.head, repo: s.github.repository },
      base: { ref: "release", sha: s.base },
      state: "open",
      updatedAt: s.github.tick(),
      files: [{ filename: "src/main.rs" }],
    });
    s.finishedPullRun(CI, { lint: "success" });
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/lint: failure/);
  });

  it("two pull requests from one fork head: a newer green run does not hide the older red one", async () => {
    await using s = await doubleScenario({ rules: RULES, change: CHANGE });
    const fork = "mallory/wasmcloud";
    (s.github.pulls[0] as { head: { repo: string } }).head.repo = fork;
    const mine = s.pullRun(CI, { headRepo: fork });
    s.github.addJob(mine, "lint", "failure");
    s.github.conclude(mine);
    const theirs = s.pullRun(CI, { headRepo: fork });
    s.github.addJob(theirs, "lint", "success");
    s.github.conclude(theirs);
    const gate = await s.gate({ event: s.pullRequestEvent() });
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/lint: failure/);
  });

  it("still lets a newer run of this pull request alone replace its own cancelled run", async () => {
    await using s = await doubleScenario({ rules: RULES, change: CHANGE });
    const cancelled = s.pullRun(CI);
    s.github.addJob(cancelled, "lint", "cancelled");
    s.github.conclude(cancelled, "cancelled");
    s.finishedPullRun(CI, { lint: "success" });
    const gate = await s.gate();
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });

  it("keys push runs by branch: the same commit pushed to another branch does not hide main's red", async () => {
    await using s = await doubleScenario({ rules: RULES, change: CHANGE });
    const main = s.github.addRun({ path: CI, event: "push", headSha: s.head, headBranch: "main" });
    s.github.addJob(main, "lint", "failure");
    s.github.conclude(main);
    const other = s.github.addRun({ path: CI, event: "push", headSha: s.head, headBranch: "copy" });
    s.github.addJob(other, "lint", "success");
    s.github.conclude(other);
    const gate = await s.gate({
      event: {
        name: "push",
        payload: {
          ref: "refs/heads/main",
          before: s.base,
          after: s.head,
          repository: { default_branch: "main", full_name: s.github.repository },
        },
      },
    });
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/lint: failure/);
  });
});
