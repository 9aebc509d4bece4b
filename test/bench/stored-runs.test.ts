import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StoredRun } from "../../src/bench/history.ts";
import { publishSite, siteFiles, storeRun } from "../../src/bench/publish.ts";
import { S3Store } from "../../src/bench/s3-store.ts";
import { DirectoryStore, type ObjectStore } from "../../src/bench/store.ts";
import { runCli } from "../harness/runner.ts";
import { FIXTURES, startS3, storedRunMetadata, temporaryDirectory } from "./helpers.ts";

const ASSETS = new Map([["index.html", "<!doctype html><title>t</title>"]]);

/** Leg `index` of one matrix job: same commit, run id, attempt and job; its own leg. */
function leg(index: number): StoredRun {
  return {
    schema: 1,
    run: storedRunMetadata({
      job: "bench",
      matrixLeg: JSON.stringify({ os: "ubuntu", shard: index }),
      machine: `runner-${index}`,
    }),
    results: [
      {
        id: `shard-${index}`,
        metric: "instructions",
        value: 1000 + index,
        unit: "instructions",
        lower: 1000 + index,
        upper: 1000 + index,
        source: "callgrind.out",
      },
    ],
  };
}

async function uploadLegsAtOnce(store: ObjectStore, prefix: string) {
  await Promise.all(
    Array.from({ length: 20 }, async (_, index) => {
      await storeRun(store, prefix, leg(index), true);
      await publishSite(store, prefix, ASSETS, 1000, { stored: [], notStored: [] });
    }),
  );
  const keys = await store.list(`${prefix}runs/`);
  const index = JSON.parse((await store.get(`${prefix}site/data/index.json`)) ?? "{}");
  return { keys, index };
}

describe("20 legs of one matrix job uploading at once", () => {
  it("keeps every leg in a directory, each under its own key", async () => {
    using directory = temporaryDirectory();
    const { keys, index } = await uploadLegsAtOnce(new DirectoryStore(directory.path), "");
    expect(keys).toHaveLength(20);
    expect(new Set(keys).size).toBe(20);
    expect(keys[0]).toMatch(/\/1-1-bench-m[0-9a-f]{12}\.json$/);
    expect(index.runs).toHaveLength(20);
    expect(index.benchmarks).toHaveLength(20);
  });

  it("keeps every leg in S3", async () => {
    await using s3 = await startS3();
    Object.assign(process.env, s3.env);
    const store = new S3Store({
      bucket: s3.bucket,
      prefix: "legs/",
      endpoint: s3.endpoint,
      pathStyle: true,
    });
    const { keys, index } = await uploadLegsAtOnce(store, "legs/");
    expect(keys).toHaveLength(20);
    expect(index.runs).toHaveLength(20);
  });
});

describe("stored runs are checked on read", () => {
  const sha = "b".repeat(40);
  /** A store holding one sound run and three that are not, as a hostile or broken writer leaves. */
  function brokenStore(root: string) {
    const write = (key: string, text: string) => {
      mkdirSync(join(root, key, ".."), { recursive: true });
      writeFileSync(join(root, key), text);
    };
    const sound: StoredRun = { schema: 1, run: storedRunMetadata(), results: leg(1).results };
    write(`runs/2026-01-01/${"a".repeat(40)}/1-1.json`, JSON.stringify(sound));
    write(`runs/2026-01-02/${sha}/2-1.json`, JSON.stringify({ ...sound, results: [null] }));
    write(`runs/2026-01-03/${sha}/3-1.json`, "{ truncated");
    write(
      `pulls/9/2026-01-04/${sha}/4-1.json`,
      JSON.stringify({
        ...sound,
        run: storedRunMetadata({
          commit: sha,
          pullRequest: "../../../escaped" as unknown as number,
        }),
      }),
    );
    write(
      `runs/2026-01-05/${sha}/5-1.json`,
      JSON.stringify({ ...sound, results: [{ ...leg(2).results[0], value: -5 }] }),
    );
  }

  it("skips and names every unsound run, and builds the site from the rest", async () => {
    using directory = temporaryDirectory();
    brokenStore(directory.path);
    const { files, skipped } = await siteFiles(new DirectoryStore(directory.path), "", ASSETS, 100);
    expect(skipped.map((entry) => entry.key)).toEqual([
      `pulls/9/2026-01-04/${sha}/4-1.json`,
      `runs/2026-01-02/${sha}/2-1.json`,
      `runs/2026-01-03/${sha}/3-1.json`,
      `runs/2026-01-05/${sha}/5-1.json`,
    ]);
    expect(skipped[0]?.problem).toContain("run.pullRequest is not a pull request number");
    expect(skipped[1]?.problem).toContain("results[0]: not an object");
    expect(skipped[2]?.problem).toContain("not JSON");
    expect(skipped[3]?.problem).toContain("negative");
    expect(JSON.parse(files.get("data/index.json") ?? "{}").runs).toHaveLength(1);
  });

  it("bench site and bench upload go on past them, writing nothing outside --out", async () => {
    using directory = temporaryDirectory();
    const store = join(directory.path, "store");
    brokenStore(store);
    const site = await runCli(["bench", "site", "--storage", store, "--out", "out/site"], {
      cwd: directory.path,
    });
    expect(site.stderr).toContain(
      `skipped unreadable stored run pulls/9/2026-01-04/${sha}/4-1.json`,
    );
    expect(site.exitCode).toBe(0);
    expect(readdirSync(directory.path).sort()).toEqual(["out", "store"]);
    expect(existsSync(join(directory.path, "escaped.json"))).toBe(false);
    const upload = await runCli(
      [
        "bench",
        "upload",
        join(FIXTURES, "criterion"),
        "--storage",
        store,
        "--commit",
        "c".repeat(40),
      ],
      { cwd: directory.path },
    );
    expect(upload.stderr).toContain("skipped unreadable stored run");
    expect(upload.exitCode).toBe(0);
    expect(existsSync(join(store, "site/data/index.json"))).toBe(true);
  });
});
