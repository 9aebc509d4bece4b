import { describe, expect, it } from "vitest";
import { doubleScenario, errors } from "./double/scenario.ts";

// The start-up check may only stop the gate for a rule that GitHub could never satisfy; a rule
// that GitHub would satisfy must be waited for as usual.

const CI = ".github/workflows/ci.yml";

describe("the start-up check never turns a satisfiable rule red", () => {
  it("waits for a commit status that no workflow job produces (an outside CI)", async () => {
    await using s = await doubleScenario({
      rules: 'rules:\n  - check: "ci/circleci: build"\n',
      base: { [CI]: "on: pull_request\njobs:\n  lint:\n    runs-on: x\n" },
      change: { "src/main.rs": "fn main() {}\n" },
    });
    s.onPoll((poll) => {
      if (poll === 2) s.github.addStatus(s.head, "ci/circleci: build", "success");
    });
    const gate = await s.gate();
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });

  it("waits for a check run a step posts through the API, on a rule pinned to GitHub Actions", async () => {
    await using s = await doubleScenario({
      rules: 'rules:\n  - check: "Test Results"\n    app: github-actions\n',
      base: { [CI]: "on: pull_request\njobs:\n  test:\n    runs-on: x\n" },
      change: { "src/main.rs": "fn main() {}\n" },
    });
    const run = s.pullRun(CI);
    s.github.addJob(run, "test", "success");
    s.onPoll((poll) => {
      // A test reporter posts its check with the job's token: GitHub files it under a suite of
      // the Actions app on the commit.
      if (poll === 2) {
        s.github.addCheck({ name: "Test Results", headSha: s.head, suiteId: run.suiteId });
        s.github.conclude(run);
      }
    });
    const gate = await s.gate();
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });

  it("reads a workflow's paths filter as GitHub does: '**.rs' matches files in every folder", async () => {
    await using s = await doubleScenario({
      rules: `rules:\n  - check: test\n    workflow: ${CI}\n    paths: ["crates/**"]\n`,
      base: {
        [CI]: "on:\n  pull_request:\n    paths: ['**.rs']\njobs:\n  test:\n    runs-on: x\n",
      },
      change: { "crates/api/src/lib.rs": "pub fn a() {}\n" },
    });
    s.finishedPullRun(CI, { test: "success" });
    const gate = await s.gate();
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });

  it("on pull_request_target, does not judge by the base branch's workflows the pull request changed", async () => {
    await using s = await doubleScenario({
      rules: `rules:\n  - check: lint\n    workflow: ${CI}\n`,
      base: {
        [CI]: "on:\n  pull_request:\n    paths: ['src/**']\njobs:\n  lint:\n    runs-on: x\n",
      },
      change: {
        [CI]: "on: pull_request\njobs:\n  lint:\n    runs-on: x\n",
        "docs/guide.md": "# Guide\n",
      },
    });
    // pull_request_target checks out the base branch; GITHUB_SHA is its last commit.
    s.git.checkout("main");
    s.finishedPullRun(CI, { lint: "success" });
    const gate = await s.gate({
      event: s.pullRequestEvent({ name: "pull_request_target" }),
      sha: s.base,
    });
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });
});
