import { afterAll, describe, expect, it } from "vitest";
import { landedRepository } from "./double/landed.ts";
import { reviewWorld } from "./double/world.ts";
import { disposeTemplate, TRAIN_YML } from "./repos.ts";

// Review (round 2), against the review's own GitHub double: a write that GitHub carries out but
// whose answer is lost (a 5xx after the fact, which the client retries) is this run's own write.

afterAll(disposeTemplate);

const errors = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("::error"));

describe.concurrent("writes whose answer is lost", () => {
  it("departs when the marker was made but its answer lost, without waiting for itself", async () => {
    await using w = await reviewWorld(landedRepository());
    w.github.inject({
      operation: "git/create-ref",
      status: 500,
      after: true,
      matching: '"ref":"refs/tags/train/2026-12-01"',
    });
    const run = await w.run();
    expect(errors(run.stdout)).toEqual([]);
    expect(run.outputs).toMatchObject({ departed: "true", reason: "scheduled" });
    expect(
      JSON.parse(run.outputs.released ?? "[]").map((item: { tag: string }) => item.tag),
    ).toEqual(["v2.1.0", "http-hello-v0.3.0"]);
    expect(run.log).not.toContain("already departed");
  }, 300_000);

  it("makes one release when GitHub created the draft but its answer was lost, and retries one it did not make", async () => {
    await using w = await reviewWorld(landedRepository());
    w.github.inject({
      operation: "repos/create-release",
      status: 502,
      after: true,
      matching: '"tag_name":"v2.1.0"',
    });
    // And one that failed before anything was made: tried again.
    w.github.inject({
      operation: "repos/create-release",
      status: 500,
      matching: '"tag_name":"http-hello-v0.3.0"',
    });
    const run = await w.run();
    expect(errors(run.stdout)).toEqual([]);
    expect(run.outputs.departed).toBe("true");
    expect(JSON.parse(run.outputs.released ?? "[]")).toHaveLength(2);
    // One release of each, published; no stray draft left behind.
    expect(w.github.releases.map((release) => `${release.tag_name} ${release.draft}`)).toEqual([
      "v2.1.0 false",
      "http-hello-v0.3.0 false",
    ]);
  }, 300_000);

  it("opens one release pull request when GitHub opened it but its answer was lost", async () => {
    await using w = await reviewWorld(landedRepository(`${TRAIN_YML}mode: pull-request\n`));
    w.github.inject({ operation: "pulls/create", status: 502, after: true });
    const run = await w.run();
    expect(errors(run.stdout)).toEqual([]);
    expect(run.outputs).toMatchObject({
      reason: "awaiting-merge",
      "pull-request-url": "https://github.com/wasmcloud/wasmcloud/pull/1",
    });
    expect(w.github.pulls.map((pull) => `#${pull.number} ${pull.state}`)).toEqual(["#1 open"]);
  }, 300_000);
});
