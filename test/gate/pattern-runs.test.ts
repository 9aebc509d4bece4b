import { describe, expect, it } from "vitest";
import { gateScenario, settleRuns, workflowWithJobs } from "./scenario.ts";

const CI = { name: "CI", path: ".github/workflows/ci.yml" };
const TESTS = 'rules:\n  - id: tests\n    check: "test (*)"\n';
const FILES = { "src/main.rs": "x\n" };
/** A run id no simulated run has, so no run is taken for the gate's own. */
const ELSEWHERE = { GITHUB_RUN_ID: "999999" };

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

describe("pattern rules wait for the workflow runs behind them (against the simulator)", () => {
  it("is not green while a matched leg's run may still create matching jobs, and red when a later one fails", async () => {
    await using s = await gateScenario({ rules: TESTS, files: FILES });
    const { run } = workflowWithJobs(
      s.github,
      s.head,
      CI,
      { "test (ubuntu)": "success" },
      { running: true },
    );
    s.onPoll((poll) => {
      // A leg behind `needs:` is created only after the first one passed.
      if (poll === 3)
        s.github.addJob({ runId: run.id, name: "test (windows)", conclusion: "failure" });
      if (poll === 4) settleRuns(s.github);
    });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.failed)).toEqual(["tests"]);
    expect(gate.log).toMatch(/running: tests \[waiting for CI #1 \(in_progress\) to finish/);
    expect(gate.annotations.find((a) => a.level === "error")?.message).toMatch(
      /tests \(test \(windows\): failure\)/,
    );
  });

  it("turns green once every run owning a matched check has completed with every leg passed", async () => {
    await using s = await gateScenario({ rules: TESTS, files: FILES });
    const { run } = workflowWithJobs(
      s.github,
      s.head,
      CI,
      { "test (ubuntu)": "success" },
      { running: true },
    );
    s.onPoll((poll) => {
      if (poll === 2)
        s.github.addJob({ runId: run.id, name: "test (macos)", conclusion: "success" });
      if (poll === 3) settleRuns(s.github);
    });
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("success");
    expect(gate.summary).toContain("<code>test \\(macos\\)</code> success");
  });

  it("is red at the timeout, saying which run it waited for, when that run never finishes", async () => {
    await using s = await gateScenario({ rules: TESTS, files: FILES });
    workflowWithJobs(s.github, s.head, CI, { "test (ubuntu)": "success" }, { running: true });
    const gate = await s.gate({ env: ELSEWHERE, inputs: { timeout: "1s" } });
    expect(gate.outputs.result).toBe("failure");
    expect(gate.annotations.find((a) => a.level === "error")?.message).toMatch(
      /tests \(still waiting for CI #1 \(in_progress\) to finish/,
    );
  });

  it("counts the checks of its own workflow run as they are, since that run cannot finish while it waits", async () => {
    await using s = await gateScenario({ rules: TESTS, files: FILES });
    const { run } = workflowWithJobs(
      s.github,
      s.head,
      CI,
      { "test (ubuntu)": "success", gate: null },
      { running: true },
    );
    const gate = await s.gate({ env: { GITHUB_RUN_ID: String(run.id) } });
    expect(gate.outputs.result).toBe("success");
  });

  it("is red when a same-named leg failed before a green one in one run attempt (a fixed name: on a matrix)", async () => {
    // Both legs are named `test (all)`; filter=latest would list only the newest, the green one.
    await using s = await gateScenario({ rules: TESTS, files: FILES });
    workflowWithJobs(s.github, s.head, CI, { "test (all)": "failure" }, { running: true });
    const run = s.github.workflowRuns[0];
    s.github.addJob({ runId: run?.id as number, name: "test (all)", conclusion: "success" });
    settleRuns(s.github);
    const gate = await s.gate({ env: ELSEWHERE });
    expect(gate.outputs.result).toBe("failure");
    expect(ids(gate.outputs.failed)).toEqual(["tests"]);
    expect(gate.annotations.find((a) => a.level === "error")?.message).toMatch(
      /Failed: tests \(test \(all\): failure\)/,
    );
  });
});
