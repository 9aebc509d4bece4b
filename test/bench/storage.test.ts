import { writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS } from "../../src/bench/compare.ts";
import type { RunMetadata, StoredRun } from "../../src/bench/history.ts";
import {
  publishSite,
  readRuns,
  siteFiles,
  storeRun,
  type UploadReport,
} from "../../src/bench/publish.ts";
import { type BenchInputs, run } from "../../src/bench/run.ts";
import { S3Store } from "../../src/bench/s3-store.ts";
import { DirectoryStore, type ObjectStore } from "../../src/bench/store.ts";
import { FIXTURES, startS3, temporaryDirectory } from "./helpers.ts";

// The dashboard's real files are bundled by esbuild; these tests only need some asset bytes.
const ASSETS = new Map([["index.html", "<!doctype html><title>t</title>"]]);

function metadata(index: number, overrides: Partial<RunMetadata> = {}): RunMetadata {
  return {
    repository: "wasmcloud/wasmcloud",
    ref: "refs/heads/main",
    commit: index.toString(16).padStart(40, "c"),
    baseCommit: null,
    pullRequest: null,
    machine: "bench-runner-1",
    tools: { rustc: "rustc 1.91.0", valgrind: "valgrind-3.19.0" },
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
    runId: String(5000 + index),
    runAttempt: "1",
    url: `https://github.com/wasmcloud/wasmcloud/actions/runs/${5000 + index}`,
    ...overrides,
  };
}

function storedRun(index: number, overrides: Partial<RunMetadata> = {}): StoredRun {
  return {
    schema: 1,
    run: metadata(index, overrides),
    results: [
      {
        id: "parse/small",
        metric: "instructions",
        value: 1000 + index,
        unit: "instructions",
        lower: 1000 + index,
        upper: 1000 + index,
        source: "x",
      },
      {
        id: "fib 10",
        metric: "wall-time",
        value: 120 + index,
        unit: "ns",
        lower: 119 + index,
        upper: 121 + index,
        source: "y",
      },
    ],
  };
}

async function objectsUnder(store: ObjectStore, prefix: string) {
  const keys = await store.list(prefix);
  return new Map(await Promise.all(keys.map(async (key) => [key, await store.get(key)] as const)));
}

describe("S3 storage (s3rver on 127.0.0.1)", () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let store: S3Store;
  beforeAll(async () => {
    s3 = await startS3();
    Object.assign(process.env, s3.env);
    store = new S3Store({
      bucket: s3.bucket,
      prefix: "wasmcloud/",
      endpoint: s3.endpoint,
      pathStyle: true,
    });
  });
  afterAll(async () => s3?.[Symbol.asyncDispose]());

  it("keeps all 20 runs uploaded at the same time, each under its own key", async () => {
    const runs = Array.from({ length: 20 }, (_, index) => storedRun(index));
    await Promise.all(
      runs.map(async (stored) => {
        const report: UploadReport = { stored: [], notStored: [] };
        report.stored.push(await storeRun(store, "wasmcloud/", stored, true));
        await publishSite(store, "wasmcloud/", ASSETS, 1000, report);
      }),
    );
    const keys = await store.list("wasmcloud/runs/");
    expect(keys).toHaveLength(20);
    expect(keys).toContain(`wasmcloud/runs/2026-01-01/${metadata(0).commit}/5000-1.json`);
    const { main } = await readRuns(store, "wasmcloud/");
    expect(main.map((stored) => stored.run.runId).sort()).toEqual(
      runs.map((stored) => stored.run.runId).sort(),
    );
    const index = JSON.parse((await store.get("wasmcloud/site/data/index.json")) ?? "{}");
    expect(index.runs).toHaveLength(20);
  });

  it("rebuilds the dashboard index twice into identical bytes", async () => {
    await publishSite(store, "wasmcloud/", ASSETS, 1000, { stored: [], notStored: [] });
    const first = await objectsUnder(store, "wasmcloud/site/");
    await publishSite(store, "wasmcloud/", ASSETS, 1000, { stored: [], notStored: [] });
    const second = await objectsUnder(store, "wasmcloud/site/");
    expect(first.size).toBeGreaterThan(3);
    expect([...second]).toEqual([...first]);
  });

  it("stores the run's metadata with its results", async () => {
    const { main } = await readRuns(store, "wasmcloud/");
    expect(main[0]?.run).toMatchObject({
      repository: "wasmcloud/wasmcloud",
      ref: "refs/heads/main",
      machine: "bench-runner-1",
      tools: { rustc: "rustc 1.91.0", valgrind: "valgrind-3.19.0" },
      baseCommit: null,
    });
    expect(main[0]?.run.timestamp).toMatch(/^2026-01-01T/);
  });

  it("never overwrites a stored run, yet accepts a retry of the same one", async () => {
    const stored = storedRun(0);
    await expect(storeRun(store, "wasmcloud/", stored, true)).resolves.toContain("5000-1.json");
    const different = { ...stored, results: [] };
    await expect(storeRun(store, "wasmcloud/", different, true)).rejects.toThrow(
      /already holds a different run/,
    );
    const { main } = await readRuns(store, "wasmcloud/");
    expect(main.find((candidate) => candidate.run.runId === "5000")?.results).toHaveLength(2);
  });

  it("retries transient server errors", async () => {
    let failures = 3;
    const flaky = createServer((incoming, outgoing) => {
      if (failures-- > 0) {
        incoming.resume();
        outgoing
          .writeHead(503, { "content-type": "application/xml" })
          .end("<Error><Code>SlowDown</Code></Error>");
        return;
      }
      const target = new URL(s3.endpoint);
      const forward = request(
        {
          host: target.hostname,
          port: target.port,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 500, response.headers);
          response.pipe(outgoing);
        },
      );
      incoming.pipe(forward);
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    const port = (flaky.address() as AddressInfo).port;
    const flakyStore = new S3Store({
      bucket: s3.bucket,
      prefix: "retry/",
      endpoint: `http://127.0.0.1:${port}`,
      pathStyle: true,
    });
    try {
      await storeRun(flakyStore, "retry/", storedRun(99), true);
      expect(await store.list("retry/runs/")).toHaveLength(1);
      expect(failures).toBeLessThan(0);
    } finally {
      flaky.close();
    }
  });
});

describe("local directory storage", () => {
  const inputs: BenchInputs = {
    results: [join(FIXTURES, "criterion")],
    mode: "auto",
    thresholds: DEFAULT_THRESHOLDS,
    failOnRegression: true,
    comment: true,
    storePullRequests: true,
    publishPullRequests: false,
    mainBranch: "main",
    baseRef: "main",
    historyWindow: 5,
    siteDirectory: undefined,
    commentOnAlert: true,
    alertMentions: [],
    failThreshold: undefined,
    dashboardUrl: undefined,
    generic: {},
  };
  const deps = (store: ObjectStore) => ({
    storage: { store, prefix: "" },
    git: {
      mergeBase: async () => "0".repeat(40),
      firstParents: async (commit: string) => [commit],
      describe: async () => undefined,
      resolve: async () => undefined,
    },
    comments: undefined,
    commitComment: undefined,
    assets: ASSETS,
    reportDirectory: tmpdir(),
    log: () => {},
  });

  it("keeps only the latest runs in the charted history, each series bounded by the window", async () => {
    using directory = temporaryDirectory();
    const store = new DirectoryStore(directory.path);
    for (let index = 0; index < 8; index++) await storeRun(store, "", storedRun(index), true);
    const { files } = await siteFiles(store, "", ASSETS, 5);
    const index = JSON.parse(files.get("data/index.json") ?? "{}");
    expect(index.runs).toHaveLength(5);
    expect(index.runs[0].commit).toBe(storedRun(3).run.commit);
    for (const benchmark of index.benchmarks) {
      expect(JSON.parse(files.get(`data/${benchmark.series}`) ?? "{}").points).toHaveLength(5);
    }
  });

  it("keeps all 20 runs uploaded to a directory at the same time, and indexes every one", async () => {
    using directory = temporaryDirectory();
    const store = new DirectoryStore(directory.path);
    await Promise.all(
      Array.from({ length: 20 }, async (_, index) => {
        await storeRun(store, "", storedRun(index), true);
        await publishSite(store, "", ASSETS, 1000, { stored: [], notStored: [] });
      }),
    );
    expect(await store.list("runs/")).toHaveLength(20);
    expect(JSON.parse((await store.get("site/data/index.json")) ?? "{}").runs).toHaveLength(20);
  });

  it("stores pull-request results apart from the main history unless asked", async () => {
    using directory = temporaryDirectory();
    const store = new DirectoryStore(directory.path);
    await storeRun(store, "", storedRun(1), true);
    const pull = storedRun(2, {
      pullRequest: 42,
      ref: "refs/pull/42/merge",
      baseCommit: storedRun(1).run.commit,
    });
    expect(await storeRun(store, "", pull, false)).toMatch(/^pulls\/42\//);
    const { files } = await siteFiles(store, "", ASSETS, 5);
    const index = JSON.parse(files.get("data/index.json") ?? "{}");
    expect(index.runs.map((entry: { commit: string }) => entry.commit)).toEqual([
      storedRun(1).run.commit,
    ]);
    expect(index.pulls).toMatchObject([{ number: 42, baseCommit: storedRun(1).run.commit }]);
    expect(await storeRun(store, "", storedRun(3, { pullRequest: 43 }), true)).toMatch(/^runs\//);
  });

  it("fails an upload after saying what was and was not stored", async () => {
    using directory = temporaryDirectory();
    writeFileSync(join(directory.path, "site"), "a file where the site directory should be");
    const context = {
      metadata: metadata(1),
      eventName: "push",
      branch: "main",
      cwd: "/",
      repositoryUrl: undefined,
    };
    const failure = await run(inputs, context, deps(new DirectoryStore(directory.path))).catch(
      (thrown) => thrown,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(/^upload failed: /);
    expect(failure.message).toMatch(
      /stored:\n {2}runs\/2026-01-01\/c+1\/5001-1\.json\nnot stored:\n {2}site\//,
    );
  });
});
