import { afterAll, describe, expect, it } from "vitest";
import { landedRepository } from "./double/landed.ts";
import { reviewWorld } from "./double/world.ts";
import { disposeTemplate } from "./repos.ts";

// Review (round 2), against the review's own GitHub double: what GitHub holds after a train.

afterAll(disposeTemplate);

const errors = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("::error"));

describe.concurrent("releases as GitHub holds them", () => {
  it("keeps the main component's release the repository's latest, whatever else leaves", async () => {
    await using w = await reviewWorld(landedRepository());
    const latest = () => w.github.releases.find((release) => release.id === w.github.latestId);
    const first = await w.run();
    expect(errors(first.stdout)).toEqual([]);
    expect(latest()?.tag_name).toBe("v2.1.0");
    // A train that releases only an example leaves the latest release where it is.
    w.repo.git("fetch", "--quiet", w.github.bare, "main");
    w.repo.git("reset", "--quiet", "--hard", "FETCH_HEAD");
    w.repo.commit({
      message: "fix(blobby): store",
      files: { "examples/blobby/src/lib.rs": "// s" },
      date: "2026-12-10T10:00:00Z",
    });
    w.land();
    const second = await w.run({ now: "2026-12-15T16:00:00Z" }, { runId: 9002 });
    expect(errors(second.stdout)).toEqual([]);
    expect(
      JSON.parse(second.outputs.released ?? "[]").map((item: { tag: string }) => item.tag),
    ).toEqual(["blobby-v0.1.1"]);
    expect(latest()?.tag_name).toBe("v2.1.0");
  }, 300_000);
});
