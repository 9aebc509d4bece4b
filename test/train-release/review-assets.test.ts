import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { landedRepository } from "./double/landed.ts";
import { reviewWorld } from "./double/world.ts";
import { disposeTemplate, TRAIN_YML } from "./repos.ts";

// Review (round 2), against the review's own GitHub double: what a pull request can make the
// train upload as a release asset.

afterAll(disposeTemplate);

const errors = (stdout: string) => stdout.split("\n").filter((line) => line.startsWith("::error"));

const ASSETS = `${TRAIN_YML}components:\n  - path: .\n    assets: ["dist/wash-*"]\nassets:\n  attach: now\n  bundles: optional\n`;

describe.concurrent("release assets", () => {
  it("never uploads what a symlink in the checkout points at outside it (the runner's environment, with the token)", async () => {
    await using w = await reviewWorld(landedRepository(ASSETS), { immutable: true });
    const run = await w.run(
      {},
      {
        prepare(workspace) {
          const dist = join(workspace, "dist");
          mkdirSync(dist);
          writeFileSync(join(dist, "wash-x86_64-unknown-linux-gnu"), "binary\n");
          // A link a pull request committed where the build leaves its binaries.
          symlinkSync("/proc/self/environ", join(dist, "wash-aarch64-apple-darwin"));
        },
      },
    );
    const uploaded = w.github.releases.flatMap((release) => release.assets);
    expect(uploaded.map((asset) => asset.data.toString()).join("\n")).not.toContain(
      w.github.githubToken,
    );
    expect(uploaded.map((asset) => asset.name)).not.toContain("wash-aarch64-apple-darwin");
    expect(run.exitCode).toBe(1);
    expect(errors(run.stdout).join("\n")).toContain(
      "dist/wash-aarch64-apple-darwin leads outside the workspace (to /proc/",
    );
    // The release was not published without its assets.
    expect(w.github.releases.filter((release) => !release.draft)).toEqual([]);
  }, 300_000);

  it("finishes attaching files whose names GitHub renames, when a later run comes after a failed upload", async () => {
    await using w = await reviewWorld(landedRepository(ASSETS), { immutable: true });
    // Build metadata in the names: GitHub stores 'wash-2.1.0.x86_64...' for 'wash-2.1.0+x86_64...'.
    const build = (workspace: string) => {
      const dist = join(workspace, "dist");
      mkdirSync(dist);
      writeFileSync(join(dist, "wash-2.1.0+x86_64-linux.tar.gz"), "binary x86_64\n");
      writeFileSync(join(dist, "wash-2.1.0+aarch64-darwin.tar.gz"), "binary aarch64\n");
    };
    w.github.inject({
      operation: "repos/upload-release-asset",
      status: 500,
      matching: "x86_64",
      times: 20,
    });
    const failed = await w.run({}, { prepare: build });
    expect(failed.exitCode).toBe(1);
    w.github.faults.length = 0;
    const later = await w.run({ now: "2026-12-01T18:00:00Z" }, { runId: 9002, prepare: build });
    expect(errors(later.stdout)).toEqual([]);
    const release = w.github.releases.find((item) => item.tag_name === "v2.1.0");
    expect(release?.draft).toBe(false);
    expect(release?.assets.map((asset) => asset.data.toString()).sort()).toEqual([
      "binary aarch64\n",
      "binary x86_64\n",
    ]);
  }, 300_000);

  it("keeps an asset GitHub stored while its answer was lost, and publishes", async () => {
    await using w = await reviewWorld(landedRepository(ASSETS), { immutable: true });
    w.github.inject({
      operation: "repos/upload-release-asset",
      status: 502,
      after: true,
      matching: "x86_64",
    });
    const run = await w.run(
      {},
      {
        prepare(workspace) {
          mkdirSync(join(workspace, "dist"));
          writeFileSync(join(workspace, "dist", "wash-x86_64-unknown-linux-gnu"), "binary\n");
        },
      },
    );
    expect(errors(run.stdout)).toEqual([]);
    const release = w.github.releases.find((item) => item.tag_name === "v2.1.0");
    expect(release?.draft).toBe(false);
    expect(release?.assets.map((asset) => asset.name)).toEqual(["wash-x86_64-unknown-linux-gnu"]);
  }, 300_000);
});
