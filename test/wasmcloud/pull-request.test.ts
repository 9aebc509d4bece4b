import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finishJobs, settleRuns } from "../gate/scenario.ts";
import { type TrainWorld, trainWorld } from "../train-release/world.ts";
import { type CiRun, ciRuns, pinnedWorkflows, runStatusGate, seedRuns } from "./ci-runs.ts";
import { openPullRequest, wasmcloudShaped } from "./world.ts";

// Issue 19: a pull request that touches only crates/wash, on a wasmCloud-shaped repository that
// copied examples/wasmcloud/.github. Its CI is the migrated workflows as GitHub would run them
// (ci-runs.ts: the real plan jobs, every `if:` evaluated); the status gate is the example's
// status-gate.yml, run through the workflow runner against the GitHub simulator. Then a pull
// request that touches one example: the build matrix computed at run time from the plan.

const REPOSITORY = "wasmcloud/wasmcloud";

/** The wash rules: the checks the old wash gate waited for on such a change. */
const WASH_RULES = [
  "wash-check",
  "wash-e2e-fixtures",
  "wash-lint",
  "wash-runtime-operator-e2e",
  "wash-wash-image",
  "wash-wash-image-all-features",
];

let w: TrainWorld;
beforeAll(async () => {
  w = await trainWorld(wasmcloudShaped(), { repository: REPOSITORY });
}, 60_000);
afterAll(async () => {
  await w?.[Symbol.asyncDispose]();
});

/** A pull request from `branch` that changes crates/wash only, as GitHub sends its event. */
const washPullRequest = (branch: string, number: number) =>
  pullRequest(branch, number, {
    "crates/wash/src/main.rs": `fn main() { /* ${branch} */ }\n`,
  });

/** A pull request from `branch` changing `files`, with its CI as the migrated workflows run it. */
async function pullRequest(branch: string, number: number, files: Record<string, string>) {
  const { head, event } = await openPullRequest(w, {
    branch,
    number,
    files,
    message: "fix: a change",
  });
  const runs = await ciRuns(
    {
      repository: w.repo.path,
      origin: w.origin,
      apiUrl: w.sim.url,
      token: w.sim.token,
      event,
      sha: head,
      ref: `refs/pull/${number}/merge`,
      changedFiles: Object.keys(files),
    },
    pinnedWorkflows(w.repo.path),
  );
  seedRuns(w.github, runs, { sha: head, event: "pull_request", branch, pullRequests: [number] });
  return { head, event, runs };
}

/** The example's status-gate.yml on the event, polling fast; `onPoll(n)` after each poll. */
async function statusGate(
  event: { name: string; payload: Record<string, unknown> },
  sha: string,
  onPoll: (poll: number) => void,
) {
  let polls = 0;
  w.sim.onRequest((request) => {
    if (request.operationId === "checks/list-for-ref" && request.path.includes(sha)) {
      onPoll(++polls);
    }
  });
  const jobs = await runStatusGate({
    repository: w.repo.path,
    origin: w.origin,
    apiUrl: w.sim.url,
    token: w.sim.token,
    event,
    sha,
  });
  return jobs.gate?.steps.find((step) => step.id === "gate");
}

const running = (runs: CiRun[]) =>
  runs.flatMap((run) =>
    run.jobs.filter((job) => job.runs).map((job) => `${run.workflow.slice(18)} ${job.name}`),
  );

const verdict = (sha: string) =>
  w.github.checkRuns.filter((run) => run.headSha === sha && run.name === "status-gate");

describe("a pull request that touches only crates/wash", () => {
  let green: Awaited<ReturnType<typeof washPullRequest>>;
  beforeAll(async () => {
    green = await washPullRequest("wash-error", 42);
  }, 120_000);

  it("runs the plan of every gated workflow, and of the jobs only wash's", () => {
    const planned = pinnedWorkflows(w.repo.path).filter(
      (workflow) => workflow !== ".github/workflows/wit.yml",
    );
    expect(
      running(green.runs)
        .filter((job) => !job.endsWith(" plan"))
        .sort(),
    ).toEqual([
      "wash.yml check (macos-latest)",
      "wash.yml check (ubuntu-latest)",
      "wash.yml check (windows-latest)",
      "wash.yml e2e-fixtures",
      "wash.yml lint",
      "wash.yml runtime-operator-e2e (all-features, all-features, all-features)",
      "wash.yml runtime-operator-e2e (release, release, all-features)",
      "wash.yml wash-image",
      "wash.yml wash-image-all-features",
    ]);
    // Every workflow the rules pin ran its plan job (wit's pull_request types include these).
    expect(green.runs.map((run) => run.workflow).sort()).toEqual(expect.arrayContaining(planned));
  });

  it("requires exactly the wash checks and goes green when they pass", async () => {
    const gate = await statusGate(green.event, green.head, (poll) => {
      // The wash jobs finish while the gate waits.
      if (poll === 2) finishJobs(w.github, "success");
    });
    expect(gate?.outcome, gate?.log).toBe("success");
    expect(JSON.parse(gate?.outputs.required ?? "[]").sort()).toEqual(WASH_RULES);
    expect(gate?.outputs).toMatchObject({ result: "success", failed: "[]", missing: "[]" });
    expect(verdict(green.head).map((run) => run.conclusion)).toEqual(["success"]);
  }, 120_000);

  it("goes red when one wash check is cancelled", async () => {
    const red = await washPullRequest("wash-cancelled", 43);
    const gate = await statusGate(red.event, red.head, (poll) => {
      if (poll !== 2) return;
      const leg = w.github.jobs.find(
        (job) =>
          job.name === "check (macos-latest)" &&
          w.github.workflowRuns.find((run) => run.id === job.runId)?.headSha === red.head,
      );
      if (!leg) throw new Error("no macOS leg");
      w.github.updateJob(leg.id, { conclusion: "cancelled" });
      finishJobs(w.github, "success");
      settleRuns(w.github);
    });
    expect(gate?.outcome).toBe("failure");
    expect(gate?.outputs.result).toBe("failure");
    // The leg's own rule is red, and so is every rule of its workflow run, which ended red: the
    // gate cannot tell that their jobs ran whole in a run with a cancelled job (fail closed).
    const failed = JSON.parse(gate?.outputs.failed ?? "[]") as string[];
    expect(failed).toContain("wash-check");
    expect(failed.filter((rule) => !WASH_RULES.includes(rule))).toEqual([]);
    expect(gate?.log).toContain("check (macos-latest)");
    expect(verdict(red.head).map((run) => run.conclusion)).toEqual(["failure"]);
  }, 120_000);
});

describe("a pull request whose wash plan job fails", () => {
  it("goes red: the jobs after the plan are skipped where the rules require them to pass", async () => {
    // The old wash gate did not wait for `changes`: when it failed, every job was skipped, no
    // need was `failure` or `cancelled`, and the gate was green.
    const change = await washPullRequest("wash-plan-failed", 45);
    const wash = w.github.findWorkflow(".github/workflows/wash.yml");
    const washRun = w.github.workflowRuns.find(
      (run) => run.headSha === change.head && run.workflowId === wash?.id,
    );
    if (!washRun) throw new Error("no wash.yml run");
    const gate = await statusGate(change.event, change.head, (poll) => {
      if (poll !== 2) return;
      for (const job of w.github.jobs.filter((candidate) => candidate.runId === washRun.id)) {
        w.github.updateJob(job.id, { conclusion: job.name === "plan" ? "failure" : "skipped" });
      }
      finishJobs(w.github, "success");
    });
    expect(gate?.outcome).toBe("failure");
    expect((JSON.parse(gate?.outputs.failed ?? "[]") as string[]).sort()).toEqual(WASH_RULES);
    expect(verdict(change.head).map((run) => run.conclusion)).toEqual(["failure"]);
  }, 120_000);
});

describe("a pull request that touches one example", () => {
  it("builds that example's leg of the run-time matrix only, and the gate requires it", async () => {
    const change = await pullRequest("blobby", 44, {
      "examples/blobby/src/lib.rs": "// a change\n",
    });
    // The matrix comes from the plan's examples-build_files output: blobby's folder, not grpc's.
    expect(running(change.runs).filter((job) => !/^\S+ plan$/.test(job))).toEqual([
      "examples.yml matrix / plan",
      "examples.yml matrix / coverage",
      "examples.yml build (blobby, examples/blobby, ghcr.io/wasmcloud/components/blobby)",
    ]);
    const gate = await statusGate(change.event, change.head, (poll) => {
      if (poll === 2) finishJobs(w.github, "success");
    });
    expect(gate?.outcome, gate?.log).toBe("success");
    // `build*` and `matrix*` match the legs and the called workflow's jobs named at run time.
    expect(JSON.parse(gate?.outputs.required ?? "[]").sort()).toEqual([
      "examples-build",
      "examples-matrix",
    ]);
    expect(verdict(change.head).map((run) => run.conclusion)).toEqual(["success"]);
  }, 120_000);
});
