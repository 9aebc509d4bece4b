import { afterAll, describe, expect, it } from "vitest";
import { disposeTemplate, TRAIN_YML } from "./repos.ts";
import { landedWorld, released, train } from "./trains.ts";
import type { TrainWorld } from "./world.ts";

// wait-for: nothing is tagged until the listed checks pass on the commit to tag, judged by the
// status gate's evaluation; a red check fails the step and a later run waits again.

afterAll(disposeTemplate);

const WAIT = `${TRAIN_YML}wait-for:\n  checks: [canary]\n  timeout: 2m\n  poll-interval: 1s\n`;

/** CI answers on whatever commit the gate asks about: a `canary` job with this conclusion. */
function canaryAnswers(w: TrainWorld, conclusion: "success" | "failure") {
  const seen = new Set<string>();
  return w.sim.onRequest((request) => {
    const sha = /\/commits\/([0-9a-f]{40})\/check-runs$/.exec(request.path)?.[1];
    if (!sha || seen.has(sha)) return;
    seen.add(sha);
    const run = w.github.addWorkflowRun({
      workflow: "wash",
      headSha: sha,
      headBranch: "main",
      conclusion,
    });
    w.github.addJob({ runId: run.id, name: "canary", conclusion });
  });
}

describe("wait-for", () => {
  it("tags nothing while the check is red, and a later run tags once it passes", async () => {
    await using w = await landedWorld(WAIT);
    const red = canaryAnswers(w, "failure");
    const refused = await train(w, {}, { runId: "8801" });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(
      /train-release: train 2026-12-01 tags nothing: the checks on [0-9a-f]{12} did not pass: Failed: wait-for-1 \(canary: failure\)/,
    );
    expect(w.github.refs.has("refs/tags/v2.1.0")).toBe(false);
    expect(w.github.releases).toEqual([]);
    red();
    canaryAnswers(w, "success");
    // The re-run of CI passed (a newer run of the workflow); the evening cron finishes the train.
    const sha = w.repo.git("--git-dir", w.origin, "rev-parse", "main");
    const rerun = w.github.addWorkflowRun({
      workflow: "wash",
      headSha: sha,
      headBranch: "main",
      conclusion: "success",
    });
    w.github.addJob({ runId: rerun.id, name: "canary", conclusion: "success" });
    const next = await train(w, { now: "2026-12-01T22:00:00Z" }, { runId: "8802" });
    expect(next.exitCode, next.stdout).toBe(0);
    expect(next.outputs).toMatchObject({ departed: "true", reason: "resumed" });
    expect(released(next).map((item) => item.tag)).toEqual(["v2.1.0", "http-hello-v0.3.0"]);
    expect(w.tagCommit("v2.1.0")).toBe(sha);
  });
});
