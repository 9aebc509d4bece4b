import { describe, expect, it } from "vitest";
import { doubleScenario, errors } from "./double/scenario.ts";

// GitHub creates an event's workflow runs one by one, and under load some come late. A rule that
// names a check (`lint`) which two workflows produce must not be green on the first one's green
// `lint` while the other's run does not exist yet: the gate knows from the commit's workflows
// which of them run for this change.

const CI = ".github/workflows/ci.yml";
const DOCS = ".github/workflows/docs.yml";
const LINTING = (on: string) => `on:\n${on}\njobs:\n  lint:\n    runs-on: x\n`;
const CHANGE = { "src/main.rs": "fn main() {}\n" };

describe("runs that GitHub creates late", () => {
  it("waits for the run of a workflow that will run for this change, and is red when its lint fails", async () => {
    await using s = await doubleScenario({
      rules: "rules:\n  - check: lint\n",
      base: { [CI]: LINTING("  pull_request:"), [DOCS]: LINTING("  pull_request:") },
      change: CHANGE,
    });
    s.finishedPullRun(DOCS, { lint: "success" });
    s.onPoll((poll) => {
      if (poll !== 3) return;
      s.finishedPullRun(CI, { lint: "failure" });
    });
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/lint: failure/);
    expect(gate.log).toMatch(
      /a run of \.github\/workflows\/ci\.yml on pull_request, which GitHub has not created yet/,
    );
  });

  it("does not wait for a workflow whose paths filter leaves this change out", async () => {
    await using s = await doubleScenario({
      rules: "rules:\n  - check: lint\n",
      base: {
        [CI]: LINTING("  pull_request:\n    paths: ['docs/**']"),
        [DOCS]: LINTING("  pull_request:"),
      },
      change: CHANGE,
    });
    s.finishedPullRun(DOCS, { lint: "success" });
    const gate = await s.gate();
    expect(errors(gate)).toBe("");
    expect(gate.outputs.result).toBe("success");
  });

  it("is red at the timeout, naming the run, when the expected run never comes", async () => {
    await using s = await doubleScenario({
      rules: "rules:\n  - check: lint\n",
      base: { [CI]: LINTING("  pull_request:"), [DOCS]: LINTING("  pull_request:") },
      change: CHANGE,
    });
    s.finishedPullRun(DOCS, { lint: "success" });
    const gate = await s.gate({ inputs: { timeout: "2s" } });
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/a run of \.github\/workflows\/ci\.yml on pull_request/);
  });

  it("with no rules file on the base, waits for every workflow that runs for the change, not only those already created", async () => {
    await using s = await doubleScenario({
      base: { [DOCS]: LINTING("  pull_request:") },
      change: {
        ...CHANGE,
        ".github/status-gate.yml": "rules: []\n",
        [CI]: "on: pull_request\njobs:\n  test:\n    runs-on: x\n",
      },
    });
    s.finishedPullRun(DOCS, { lint: "success" });
    s.onPoll((poll) => {
      if (poll !== 3) return;
      s.finishedPullRun(CI, { test: "failure" });
    });
    const gate = await s.gate();
    expect(gate.outputs.result).toBe("failure");
    expect(errors(gate)).toMatch(/test: failure/);
    expect(gate.log).toMatch(/a run of \.github\/workflows\/ci\.yml on pull_request, which GitHub/);
  });
});
