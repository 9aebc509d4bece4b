import { afterAll, describe, expect, it } from "vitest";
import { landedRepository } from "./double/landed.ts";
import { reviewWorld } from "./double/world.ts";
import { disposeTemplate } from "./repos.ts";

// Review (round 2), against the review's own GitHub double: two trains of different names that
// race (a forced dispatch while the cron departs) must not both leave with the same versions,
// and the one that does not leave must not wedge the trains after it.

afterAll(disposeTemplate);

const errors = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("::error"));

describe.concurrent("two trains of different names at once", () => {
  it("a forced dispatch while the cron departs: one train leaves, the next slot still departs", async () => {
    await using w = await reviewWorld(landedRepository());
    // Both runs have taken their own marker before either goes on.
    w.github.barrier('"ref":"refs/tags/train/after/', 2);
    const [cron, forced] = await Promise.all([
      w.run({}, { runId: 9100 }),
      w.run({ force: "true" }, { runId: 9200, event: "workflow_dispatch" }),
    ]);
    expect(errors(cron.stdout)).toEqual([]);
    expect(errors(forced.stdout)).toEqual([]);
    expect([cron.outputs.departed, forced.outputs.departed].sort()).toEqual(["false", "true"]);
    const loser = cron.outputs.departed === "false" ? cron : forced;
    expect(loser.outputs.reason).toBe("already-departed");
    expect(loser.log).toMatch(/gives way: train\/(2026-12-01|run-9\d00) took the succession/);
    // One train's releases, once each, on one commit that main holds.
    expect(
      w.github.releases.map((release) => `${release.tag_name} ${release.draft}`).sort(),
    ).toEqual(["http-hello-v0.3.0 false", "v2.1.0 false"]);
    const main = w.github.commitOf("refs/heads/main");
    expect(w.tags().get("v2.1.0")).toBe(main);
    // The train that did not leave holds no marker: nothing is left half-done for later runs.
    const trains = [...w.tags("train/").keys()].filter((tag) => !tag.startsWith("train/after/"));
    expect(trains).toHaveLength(1);
    // The next slot's cron departs as usual (a fix landed since), instead of failing forever.
    w.repo.git("fetch", "--quiet", w.github.bare, "main");
    w.repo.git("reset", "--quiet", "--hard", "FETCH_HEAD");
    w.repo.commit({
      message: "fix(wash): later",
      files: { "crates/wash/src/lib.rs": "// later" },
      date: "2026-12-10T10:00:00Z",
    });
    w.land();
    const next = await w.run({ now: "2026-12-15T16:00:00Z" }, { runId: 9300 });
    expect(errors(next.stdout)).toEqual([]);
    expect(next.outputs).toMatchObject({
      departed: "true",
      slot: "2026-12-15",
      reason: "scheduled",
    });
    expect(
      JSON.parse(next.outputs.released ?? "[]").map((item: { tag: string }) => item.tag),
    ).toEqual(["v2.1.1"]);
  }, 300_000);
});

describe.concurrent("a re-run", () => {
  it("refuses, writing nothing, when GitHub cannot say when its run started", async () => {
    await using w = await reviewWorld(landedRepository());
    const first = await w.run({ now: "2026-11-30T10:00:00Z" }, { runId: 9400 });
    expect(first.outputs.departed).toBe("false");
    w.github.runs.delete(9400);
    const before = w.github.writes().length;
    const rerun = await w.run(
      { now: "2026-12-01T16:30:00Z" },
      { runId: 9400, attempt: 2, unknownRun: true },
    );
    expect(rerun.exitCode).toBe(1);
    expect(errors(rerun.stdout).join("\n")).toContain("GitHub does not know run 9400");
    expect(w.github.writes().slice(before)).toEqual([]);
  }, 300_000);
});
