import { afterAll, describe, expect, it } from "vitest";
import { disposeTemplate } from "./repos.ts";
import { landedWorld, markers, released, type TrainRunOptions, train } from "./trains.ts";
import type { TrainWorld } from "./world.ts";

// Issue 16, scenario 2: GitHub answers 500 on creating a release after the marker, the release
// commit and the first tag exist. Whatever kind of run comes next finishes that train with its
// recorded plan, whatever the catch-up window says, and its outputs are true and complete.

afterAll(disposeTemplate);

/**
 * The first run dies on a 500 after writing the first tag: the client never repeats a POST that
 * may have been done, and the train's own four tries (each after looking for the draft) all fail.
 */
async function halfDeparted(): Promise<TrainWorld> {
  const w = await landedWorld();
  const fault = w.sim.faults.inject({
    route: "repos/create-release",
    kind: "server-error",
    status: 500,
    times: 4,
  });
  const failed = await train(w, {}, { runId: "7101" });
  expect(failed.exitCode).toBe(1);
  expect(fault.remaining).toBe(0);
  fault.remove();
  w.sim.takeViolations();
  expect(markers(w)).toEqual(["refs/tags/train/2026-12-01"]);
  expect(w.tagCommit("v2.1.0")).toBeDefined();
  expect(w.github.releases).toEqual([]);
  return w;
}

/** Every kind of later run: when it comes and as what. */
const LATER_RUNS: Array<[string, Record<string, string>, TrainRunOptions]> = [
  ["the evening safety-net cron", { now: "2026-12-01T22:00:00Z" }, { runId: "7102" }],
  [
    "a re-run two days later, past the catch-up window",
    { now: "2026-12-04T09:00:00Z" },
    { runId: "7101", attempt: "2" },
  ],
  [
    "a manual dispatch days later",
    { now: "2026-12-05T12:00:00Z" },
    { runId: "7103", event: "workflow_dispatch" },
  ],
  ["the next slot's cron", { now: "2026-12-15T16:05:00Z" }, { runId: "7104" }],
];

describe.concurrent("a 500 in the middle of a departure (issue 16, 2)", () => {
  it.each(LATER_RUNS)(
    "%s finishes the train with its recorded plan",
    async (_kind, inputs, options) => {
      await using w = await halfDeparted();
      const tagged = w.tagCommit("v2.1.0");
      const run = await train(w, inputs, options);
      expect(run.exitCode, run.stdout).toBe(0);
      expect(run.outputs).toMatchObject({ departed: "true", slot: "2026-12-01" });
      expect(run.outputs.reason).toBe(options.runId === "7101" ? "scheduled" : "resumed");
      // The same versions at the same commit, never bumped again; every release exists.
      expect(released(run).map((item) => `${item.tag} ${item.draft}`)).toEqual([
        "v2.1.0 false",
        "http-hello-v0.3.0 false",
      ]);
      expect(w.tagCommit("v2.1.0")).toBe(tagged);
      expect(w.tagCommit("http-hello-v0.3.0")).toBe(tagged);
      expect(w.github.releases.map((release) => `${release.tagName} ${release.draft}`)).toEqual([
        "v2.1.0 false",
        "http-hello-v0.3.0 false",
      ]);
      expect(markers(w)).toEqual(["refs/tags/train/2026-12-01"]);
      // Once complete, the next run reports it and writes nothing.
      const after = await train(w, { now: "2026-12-01T23:00:00Z" }, { runId: "7105" });
      expect(after.outputs).toMatchObject({ departed: "false", reason: "already-departed" });
      expect(released(after)).toEqual(released(run));
    },
  );

  it("publishes a draft a failed run left behind, on the next cron fire", async () => {
    await using w = await landedWorld();
    w.sim.faults.inject({ route: "repos/update-release", kind: "server-error", status: 422 });
    const failed = await train(w, {}, { runId: "7107" });
    expect(failed.exitCode).toBe(1);
    w.sim.takeViolations();
    expect(w.github.releases.map((release) => `${release.tagName} ${release.draft}`)).toEqual([
      "v2.1.0 true",
    ]);
    const next = await train(w, { now: "2026-12-01T22:00:00Z" }, { runId: "7108" });
    expect(next.outputs).toMatchObject({ departed: "true", reason: "resumed" });
    expect(w.github.releases.map((release) => `${release.tagName} ${release.draft}`)).toEqual([
      "v2.1.0 false",
      "http-hello-v0.3.0 false",
    ]);
    // The draft was adopted, not made twice.
    expect(w.sim.count("repos/create-release")).toBe(2);
  });

  it("never lists a release that does not exist while the train is incomplete", async () => {
    await using w = await halfDeparted();
    // A dry run looks without finishing: the tag exists, the release does not.
    const look = await train(
      w,
      { now: "2026-12-01T22:00:00Z", "dry-run": "true" },
      { runId: "7106" },
    );
    expect(look.exitCode, look.stdout).toBe(0);
    expect(look.outputs).toMatchObject({ departed: "false", reason: "dry-run", released: "[]" });
    expect(look.log).toContain("train 2026-12-01 is incomplete; a run would finish it first");
  });
});
