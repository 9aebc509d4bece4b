import { afterAll, describe, expect, it } from "vitest";
import { disposeTemplate } from "./repos.ts";
import { landedWorld, markers, released, train, writesAfter } from "./trains.ts";
import type { TrainWorld } from "./world.ts";

// Issue 16, scenario 3: attempt 2 of the 12-01 scheduled run, started on 12-15 after 16:00 and
// before that day's cron, must not depart 12-15 from its old checkout. The slot is the run's.

afterAll(disposeTemplate);

/** The 16:00 scheduled run of 12-01 (`runId`) and its 22:00 safety net (`eveningId`). */
async function world() {
  const clock = { now: new Date("2026-12-01T22:00:00Z") };
  const w = await landedWorld(undefined, { now: () => clock.now });
  const scheduled = () =>
    w.github.addWorkflowRun({
      workflow: "release train",
      headSha: w.github.branch("main") as string,
      headBranch: "main",
      event: "schedule",
      conclusion: "failure",
    }).id;
  const eveningId = String(scheduled());
  clock.now = new Date("2026-12-01T16:02:00Z");
  const runId = String(scheduled());
  return { w, clock, runId, eveningId };
}

async function featureOnMain(w: TrainWorld) {
  w.checkout();
  w.repo.commit({
    message: "feat(http-hello): trailers",
    files: { "examples/http-hello/src/lib.rs": "// trailers" },
    date: "2026-12-08T10:00:00Z",
  });
  await w.push("main");
}

describe("re-running an old scheduled run (issue 16, 3)", () => {
  it("reports the train the run departed, whatever day the re-run starts, and leaves today's slot to today's cron", async () => {
    const { w, clock, runId } = await world();
    await using _ = w;
    const first = await train(w, { now: "2026-12-01T16:02:00Z" }, { runId });
    expect(first.outputs).toMatchObject({ departed: "true", slot: "2026-12-01" });
    await featureOnMain(w);
    clock.now = new Date("2026-12-15T16:30:00Z");
    const before = w.sim.requests.length;
    const rerun = await train(w, { now: "2026-12-15T16:30:00Z" }, { runId, attempt: "2" });
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(rerun.outputs).toEqual(first.outputs);
    expect(writesAfter(w, before)).toEqual([]);
    expect(markers(w)).toEqual(["refs/tags/train/2026-12-01"]);
    const cron = await train(w, { now: "2026-12-15T17:10:00Z" }, { runId: "8200" });
    expect(cron.outputs).toMatchObject({
      departed: "true",
      slot: "2026-12-15",
      reason: "caught-up",
    });
    expect(released(cron).map((item) => `${item.name} ${item.version}`)).toEqual([
      "http-hello 0.3.1",
    ]);
  });

  it("decides a re-run whose first attempt took no marker at that attempt's start, from the run", async () => {
    const { w, clock, runId, eveningId } = await world();
    await using _ = w;
    const refused = w.sim.faults.inject({
      route: "git/create-tag",
      kind: "server-error",
      status: 403,
    });
    const first = await train(w, { now: "2026-12-01T16:02:00Z" }, { runId });
    expect(first.exitCode).toBe(1);
    expect(refused.remaining).toBe(0);
    w.sim.takeViolations();
    await featureOnMain(w);
    clock.now = new Date("2026-12-15T16:30:00Z");
    const rerun = await train(w, { now: "2026-12-15T16:30:00Z" }, { runId, attempt: "2" });
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(w.sim.requestsFor("actions/get-workflow-run").map((r) => r.path)).toEqual([
      `/repos/wasmcloud/wasmcloud/actions/runs/${runId}`,
    ]);
    // The run's slot, with what had landed by its departure: not the 12-08 feature.
    expect(rerun.outputs).toMatchObject({
      departed: "true",
      slot: "2026-12-01",
      reason: "scheduled",
    });
    expect(released(rerun).map((item) => `${item.name} ${item.version}`)).toEqual([
      "wasmcloud 2.1.0",
      "http-hello 0.3.0",
    ]);
    expect(markers(w)).toEqual(["refs/tags/train/2026-12-01"]);
    // main had moved on, so its bumps come back through a pull request; the cron waits for it.
    const waiting = await train(w, { now: "2026-12-15T17:10:00Z" }, { runId: "8201" });
    expect(waiting.outputs).toMatchObject({ departed: "false", reason: "awaiting-merge" });
    const bringBack = [...w.github.pulls.values()].find(
      (pull) => pull.head.ref === "release/train-2026-12-01",
    );
    await w.mergePullRequest(bringBack?.number as number);
    const cron = await train(w, { now: "2026-12-15T17:20:00Z" }, { runId: "8202" });
    expect(cron.outputs).toMatchObject({ departed: "true", slot: "2026-12-15" });
    expect(released(cron).map((item) => `${item.name} ${item.version}`)).toEqual([
      "http-hello 0.3.1",
    ]);
    // Re-running 12-01's evening run now: its slot was overtaken by 12-15's train.
    const before = w.sim.requests.length;
    const late = await train(
      w,
      { now: "2026-12-16T09:00:00Z" },
      { runId: eveningId, attempt: "2" },
    );
    expect(late.outputs).toMatchObject({ departed: "false", slot: "2026-12-01", reason: "missed" });
    expect(late.log).toContain(
      "train 2026-12-01 was overtaken: train 2026-12-15 departed after it",
    );
    expect(writesAfter(w, before)).toEqual([]);
  });
});
