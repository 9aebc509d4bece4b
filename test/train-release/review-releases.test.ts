import { afterAll, describe, expect, it } from "vitest";
import { landedRepository } from "./double/landed.ts";
import { reviewWorld } from "./double/world.ts";
import { disposeTemplate, wasmcloudCopy } from "./repos.ts";

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

describe.concurrent("GitHub's rule on workflow files", () => {
  it("takes no slot it cannot release with the GITHUB_TOKEN, and releases with a token that may", async () => {
    const repo = wasmcloudCopy();
    repo.commit({
      message: "ci: a workflow",
      files: { ".github/workflows/ci.yml": "on: push # v1\n" },
      date: "2026-11-01T10:00:00Z",
    });
    repo.commit({
      message: "feat(wash): plugins (#101)",
      files: { "crates/wash/src/lib.rs": "// p" },
      date: "2026-11-20T10:00:00Z",
    });
    await using w = await reviewWorld(repo);
    // A Dependabot bump of the workflow lands at 16:30, after the cutoff; the run comes at 17:00.
    w.repo.commit({
      message: "ci: bump an action",
      files: { ".github/workflows/ci.yml": "on: push # v2\n" },
      date: "2026-12-01T16:30:00Z",
    });
    w.land();
    const late = await w.run({ now: "2026-12-01T17:00:00Z" });
    expect(late.exitCode).toBe(1);
    expect(errors(late.stdout).join("\n")).toContain(
      "cannot release with the workflow's GITHUB_TOKEN: main moved past the cutoff",
    );
    expect(w.github.writes()).toEqual([]);
    expect(w.tags("train/").size).toBe(0);
    // With a token that may change workflows, the same slot leaves.
    const app = await w.run(
      { now: "2026-12-01T18:00:00Z" },
      { runId: 9002, token: w.github.appToken },
    );
    expect(errors(app.stdout)).toEqual([]);
    expect(app.outputs).toMatchObject({ departed: "true", slot: "2026-12-01" });
    expect(w.github.releases.map((release) => `${release.tag_name} ${release.draft}`)).toEqual([
      "v2.1.0 false",
    ]);
  }, 300_000);
});

describe.concurrent("after a train left", () => {
  it("a re-run of the departing run writes nothing and says the same", async () => {
    await using w = await reviewWorld(landedRepository());
    const first = await w.run();
    expect(errors(first.stdout)).toEqual([]);
    const checkout = w.github.commitOf("refs/tags/train/2026-12-01^{commit}") as string;
    const before = w.github.writes().length;
    const rerun = await w.run(
      { now: "2026-12-02T09:00:00Z" },
      { runId: 9001, attempt: 2, sha: checkout },
    );
    expect(errors(rerun.stdout)).toEqual([]);
    expect(
      w.github
        .writes()
        .slice(before)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([]);
    expect(rerun.outputs).toEqual(first.outputs);
  }, 300_000);

  it("never lists as released a tag that was moved off the train's commit", async () => {
    await using w = await reviewWorld(landedRepository());
    const first = await w.run();
    expect(errors(first.stdout)).toEqual([]);
    const tagged = w.tags().get("v2.1.0") as string;
    // Someone re-points the release's tag at another commit.
    w.github.git(["tag", "-f", "v2.1.0", `${tagged}^`]);
    const moved = w.tags().get("v2.1.0") as string;
    const checkout = w.github.commitOf("refs/tags/train/2026-12-01^{commit}") as string;
    const rerun = await w.run(
      { now: "2026-12-02T09:00:00Z" },
      { runId: 9001, attempt: 2, sha: checkout },
    );
    expect(rerun.exitCode).toBe(1);
    expect(errors(rerun.stdout).join("\n")).toContain(`tag v2.1.0 already exists at ${moved}`);
    expect(errors(rerun.stdout).join("\n")).toContain(tagged);
    expect(
      JSON.parse(rerun.outputs.released ?? "[]").map((item: { tag: string }) => item.tag),
    ).not.toContain("v2.1.0");
  }, 300_000);
});
