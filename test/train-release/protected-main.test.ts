import { afterAll, describe, expect, it } from "vitest";
import { disposeTemplate, TRAIN_YML } from "./repos.ts";
import { landedWorld, markers, released, train, writesAfter } from "./trains.ts";
import type { TrainWorld } from "./world.ts";

// Issue 16, scenario 1: protected `main` in tag mode. The 12-01 train cannot push its release
// commit, so it tags the release commit and opens a pull request to bring the bumps back. While
// that pull request is open, the next train must not plan 2.0.3 -> 2.1.0 again.

afterAll(disposeTemplate);

const NEXT = "2026-12-15T16:05:00Z";

async function departedBehindProtection(config = TRAIN_YML): Promise<TrainWorld> {
  const w = await landedWorld(config);
  w.protectMain();
  const first = await train(w, {}, { runId: "6101" });
  expect(first.exitCode, first.stdout).toBe(0);
  expect(first.outputs).toMatchObject({
    departed: "true",
    slot: "2026-12-01",
    reason: "scheduled",
  });
  // Why the commit is not on main, in GitHub's words.
  const notice = first.annotations.find((a) =>
    a.title?.includes("release commit not on the branch"),
  );
  expect(notice?.message).toMatch(/main is protected .*GH006: Protected branch update failed/);
  expect(first.outputs["pull-request-url"]).toMatch(/\/pull\/1$/);
  return w;
}

/** Lands a commit on protected main, as a merged pull request would. */
async function land(w: TrainWorld, message: string, file: string, date: string) {
  w.checkout();
  await w.landOnMain(w.repo.commit({ message, files: { [file]: `// ${message}` }, date }));
}

describe("protected main with an unmerged bring-back pull request (issue 16, 1)", () => {
  it("tags the release commit, then makes the next train wait for the pull request instead of planning 2.1.0 again", async () => {
    await using w = await departedBehindProtection();
    const releaseSha = w.tagCommit("v2.1.0") as string;
    expect([...w.github.pulls.values()][0]).toMatchObject({
      state: "open",
      head: { ref: "release/train-2026-12-01", sha: releaseSha },
    });
    await land(w, "feat(wash): templates", "crates/wash/src/lib.rs", "2026-12-08T10:00:00Z");
    const before = w.sim.requests.length;
    const waiting = await train(w, { now: NEXT }, { runId: "6102" });
    expect(waiting.exitCode, waiting.stdout).toBe(0);
    expect(waiting.outputs).toMatchObject({
      departed: "false",
      reason: "awaiting-merge",
      slot: "2026-12-01",
      "pull-request-url": expect.stringMatching(/\/pull\/1$/),
    });
    const notice = waiting.annotations.find((a) => a.title === "train-release: awaiting merge");
    expect(notice?.message).toMatch(
      /Train 2026-12-15 waits: the release pull request .*\/pull\/1 of train 2026-12-01 is not merged/,
    );
    expect(writesAfter(w, before)).toEqual([]);
    expect(markers(w)).toEqual(["refs/tags/train/2026-12-01"]);
    expect(waiting.stdout).not.toMatch(/delete the stray tag/);

    // Merged: the safety-net cron of the same day departs 12-15 from 2.1.0, not from 2.0.3.
    await w.mergePullRequest(1);
    const next = await train(w, { now: "2026-12-15T22:00:00Z" }, { runId: "6103" });
    expect(next.exitCode, next.stdout).toBe(0);
    expect(next.outputs).toMatchObject({
      departed: "true",
      slot: "2026-12-15",
      reason: "caught-up",
    });
    expect(
      released(next).map((item) => `${item.name} ${item.previous} -> ${item.version}`),
    ).toEqual(["wasmcloud 2.1.0 -> 2.2.0"]);
  });

  it("with pending-release: carry, counts the unmerged release tag as the last release and replaces its pull request", async () => {
    await using w = await departedBehindProtection(`${TRAIN_YML}pending-release: carry\n`);
    await land(w, "fix(wash): crash", "crates/wash/src/lib.rs", "2026-12-08T10:00:00Z");
    const next = await train(w, { now: NEXT }, { runId: "6104" });
    expect(next.exitCode, next.stdout).toBe(0);
    expect(next.outputs).toMatchObject({ departed: "true", slot: "2026-12-15" });
    // v2.1.0 exists only on the release commit, off main; it is still wasmcloud's last release.
    expect(
      released(next).map((item) => `${item.name} ${item.previous} -> ${item.version}`),
    ).toEqual(["wasmcloud 2.1.0 -> 2.1.1"]);
    const pulls = [...w.github.pulls.values()].filter((pull) =>
      pull.head.ref.startsWith("release/"),
    );
    expect(pulls.map((pull) => [pull.head.ref, pull.state])).toEqual([
      ["release/train-2026-12-01", "closed"],
      ["release/train-2026-12-15", "open"],
    ]);
    const comment = w.github.issueComments.find((item) => item.issueNumber === pulls[0]?.number);
    expect(comment?.body).toMatch(
      /^Superseded by .*\/pull\/\d+: train 2026-12-15 carries these changes/,
    );
  });
});
