import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseTrainConfig } from "../../src/train-release/config.ts";
import { LocalGit } from "../../src/train-release/git.ts";
import { planRelease } from "../../src/train-release/plan.ts";
import { buildReleaseCommit, decideTrain, trainFromMarker } from "../../src/train-release/train.ts";
import { disposeTemplate, TRAIN_YML, wasmcloudCopy } from "./repos.ts";

afterAll(disposeTemplate);

const CONFIG = `${TRAIN_YML}changelog: true
commit:
  subject: "release: v{version}"
  branch: "release/v{version}"
  author: { name: wasmcloud-bot, email: bot@example.com }
  signoff: true
components:
  - path: .
    extra-tags: ["runtime-operator/v{version}", "v{major}"]
`;

describe("a train's record", () => {
  it("rebuilds the very same release commit in a clone that never had it", async () => {
    using repo = wasmcloudCopy();
    repo.commit({ message: "feat(wash): plugins", files: { "crates/wash/src/lib.rs": "// p" } });
    repo.commit({
      message: "fix(http-hello): x",
      files: { "examples/http-hello/src/lib.rs": "// x" },
    });
    const config = parseTrainConfig(".github/train.yml", CONFIG);
    const git = new LocalGit(repo.path);
    const notes = { repositoryUrl: "https://github.com/wasmcloud/wasmcloud", slot: "2026-12-01" };
    const train = decideTrain(
      git,
      config,
      await planRelease(git, config, git.resolve("HEAD")),
      {
        slot: "2026-12-01",
        departsAt: new Date("2026-12-01T16:00:00Z"),
        reason: "scheduled",
        run: "1",
        attempt: 1,
      },
      notes,
    );
    expect(train.record).toMatchObject({
      subject: "release: v2.1.0",
      branch: "release/v2.1.0",
      components: [
        {
          name: "wasmcloud",
          tag: "v2.1.0",
          extraTags: ["runtime-operator/v2.1.0"],
          floatingTags: ["v2"],
        },
        { name: "http-hello", tag: "http-hello-v0.2.1", extraTags: [], floatingTags: [] },
      ],
    });
    // A candidate moves no floating tag.
    const candidate = decideTrain(
      git,
      config,
      await planRelease(git, config, git.resolve("HEAD"), { bump: "rc" }),
      {
        slot: "run-9",
        departsAt: new Date("2026-12-02T10:00:00Z"),
        reason: "forced",
        run: "9",
        attempt: 1,
      },
      { ...notes, slot: "run-9" },
    );
    expect(candidate.record.components[0]).toMatchObject({
      version: "2.1.0-rc.1",
      extraTags: ["runtime-operator/v2.1.0-rc.1"],
      floatingTags: [],
    });
    const clone = mkdtempSync(join(tmpdir(), "sg-clone-"));
    try {
      execFileSync("git", ["clone", "--quiet", "--no-local", repo.path, clone]);
      const fresh = new LocalGit(clone);
      expect(fresh.hasCommit(train.record.release)).toBe(false);
      // Through JSON, as the marker's message carries it.
      const record = JSON.parse(JSON.stringify(train.record));
      const rebuilt = await trainFromMarker(fresh, config, { tag: train.marker, record }, notes);
      expect(rebuilt.subject).toBe("release: v2.1.0");
      expect(rebuilt.plan.departing.map((item) => item.version)).toEqual(["2.1.0", "0.2.1"]);
      const sha = buildReleaseCommit(
        fresh,
        config,
        rebuilt.plan,
        rebuilt.subject,
        new Date(record.departsAt),
        notes,
      );
      expect(sha).toBe(train.record.release);
      expect(fresh.run(["log", "-1", "--format=%B", sha])).toContain(
        "Signed-off-by: wasmcloud-bot <bot@example.com>",
      );
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
