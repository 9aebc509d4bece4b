import { afterAll, describe, expect, it } from "vitest";
import { disposeTemplate, TRAIN_YML } from "./repos.ts";
import { landedWorld, markers, released, train, writesAfter } from "./trains.ts";
import type { TrainWorld } from "./world.ts";

// Issue 16, scenario 4: pull-request mode keeps one open release pull request at a time, tags the
// merge result only when nothing after the cutoff changed a released component, and never lists
// the release commit in its own notes.

afterAll(disposeTemplate);

const PR_MODE = `${TRAIN_YML}mode: pull-request\n`;

async function opened(): Promise<TrainWorld> {
  const w = await landedWorld(PR_MODE);
  const first = await train(w, {}, { runId: "9101" });
  expect(first.exitCode, first.stdout).toBe(0);
  expect(first.outputs).toMatchObject({
    departed: "false",
    reason: "awaiting-merge",
    slot: "2026-12-01",
    released: "[]",
    "pull-request-url": expect.stringMatching(/\/pull\/1$/),
  });
  expect(w.tagCommit("v2.1.0")).toBeUndefined();
  return w;
}

const releasePulls = (w: TrainWorld) =>
  [...w.github.pulls.values()].filter((pull) => pull.head.ref.startsWith("release/"));

async function commitOnMain(w: TrainWorld, message: string, file: string, date: string) {
  w.checkout();
  w.repo.commit({ message, files: { [file]: `// ${date}` }, date });
  await w.push("main");
}

describe("two trains in pull-request mode (issue 16, 4)", () => {
  it("keeps one release pull request open, tags its merge result, then lets the next train leave", async () => {
    await using w = await opened();
    await commitOnMain(
      w,
      "fix(blobby): leak",
      "examples/blobby/src/lib.rs",
      "2026-12-10T10:00:00Z",
    );
    // The next train waits for the open one instead of opening a second pull request.
    const before = w.sim.requests.length;
    const waiting = await train(w, { now: "2026-12-15T16:05:00Z" }, { runId: "9102" });
    expect(waiting.outputs).toMatchObject({ departed: "false", reason: "awaiting-merge" });
    expect(writesAfter(w, before)).toEqual([]);
    expect(releasePulls(w)).toHaveLength(1);
    expect(markers(w)).toEqual(["refs/tags/train/2026-12-01"]);

    const merged = await w.mergePullRequest(1);
    const tagged = await train(w, {}, { runId: "9103", event: "push" });
    expect(tagged.exitCode, tagged.stdout).toBe(0);
    expect(tagged.outputs).toMatchObject({
      departed: "true",
      slot: "2026-12-01",
      reason: "resumed",
    });
    expect(released(tagged).map((item) => item.tag)).toEqual(["v2.1.0", "http-hello-v0.3.0"]);
    expect(w.tagCommit("v2.1.0")).toBe(merged);
    for (const release of w.github.releases) {
      expect(release.body).not.toContain("release: train");
      expect(release.body).not.toContain("leak");
    }

    const next = await train(w, { now: "2026-12-15T22:00:00Z" }, { runId: "9104" });
    expect(next.outputs).toMatchObject({
      departed: "false",
      reason: "awaiting-merge",
      slot: "2026-12-15",
    });
    expect(releasePulls(w).map((pull) => [pull.head.ref, pull.state])).toEqual([
      ["release/train-2026-12-01", "closed"],
      ["release/train-2026-12-15", "open"],
    ]);
    expect(next.outputs["release-notes"]).toContain("leak");
  });

  it("refuses to tag a merge result that holds a later change to a released component, naming it", async () => {
    await using w = await opened();
    await commitOnMain(
      w,
      "feat(wash): late feature",
      "crates/wash/src/lib.rs",
      "2026-12-02T10:00:00Z",
    );
    const late = w.repo.head();
    await w.mergePullRequest(1);
    const refused = await train(w, {}, { runId: "9105", event: "push" });
    expect(refused.exitCode).toBe(1);
    const error = refused.annotations.find((annotation) => annotation.level === "error");
    expect(error?.message).toContain(
      `commit ${late.slice(0, 12)} ("feat(wash): late feature") changed wasmcloud after the cutoff of train 2026-12-01`,
    );
    expect(w.github.refs.has("refs/tags/v2.1.0")).toBe(false);
    expect(w.github.releases).toEqual([]);
  });

  it("closes a release pull request with a comment once the branch already carries its versions", async () => {
    await using w = await opened();
    // The bumps reach main another way (the release commit cherry-picked by hand).
    w.checkout();
    w.repo.git("fetch", "--quiet", "origin", "release/train-2026-12-01");
    w.repo.git("cherry-pick", "FETCH_HEAD");
    await w.push("main");
    const run = await train(w, { now: "2026-12-01T22:00:00Z" }, { runId: "9106" });
    expect(run.exitCode, run.stdout).toBe(0);
    const [pull] = releasePulls(w);
    expect(pull?.state).toBe("closed");
    const comment = w.github.issueComments.find((item) => item.issueNumber === pull?.number);
    expect(comment?.body).toMatch(
      /^Nothing left to merge: main already carries the versions of train 2026-12-01/,
    );
  });
});
