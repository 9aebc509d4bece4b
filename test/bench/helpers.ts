import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunMetadata } from "../../src/bench/history.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";

export const FIXTURES = join(import.meta.dirname, "fixtures");
/** The shared corpus of real tool output, when this checkout sits beside it. */
export const CORPUS = join(PROJECT_ROOT, "..", "shared", "corpus", "bench");
export const HAS_CORPUS = existsSync(CORPUS);
export const CORPUS_SKIP = "needs ../shared/corpus/bench (real Criterion and Valgrind output)";

/** A temporary directory removed by `using`. */
export function temporaryDirectory(prefix = "sg-bench-"): {
  path: string;
  [Symbol.dispose](): void;
} {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver on 127.0.0.1 with one bucket, and credentials it accepts. */
export async function startS3(bucket = "benchmarks") {
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverConstructor;
  const directory = mkdtempSync(join(tmpdir(), "sg-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
    // Path-style only: a test host name (`s3.test`, reached through a proxy) is not a bucket.
    vhostBuckets: false,
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" },
    async [Symbol.asyncDispose]() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A stored run's metadata that passes validation, with whatever a test changes. */
export function storedRunMetadata(overrides: Partial<RunMetadata> = {}): RunMetadata {
  return {
    repository: "wasmcloud/wasmcloud",
    ref: "refs/heads/main",
    commit: "a".repeat(40),
    baseCommit: null,
    pullRequest: null,
    machine: "bench-1",
    tools: {},
    timestamp: "2026-01-01T12:00:00.000Z",
    runId: "1",
    runAttempt: "1",
    url: null,
    ...overrides,
  };
}

/**
 * Writes `out/sizes.json` under `directory`: one generic JSON entry (a bytes value, or the whole
 * entry). Returns the path to give as input `results`.
 */
export function writeSizes(directory: string, entry: number | Record<string, unknown>): string {
  mkdirSync(join(directory, "out"), { recursive: true });
  const written =
    typeof entry === "number" ? { name: "host binary", value: entry, unit: "bytes" } : entry;
  writeFileSync(join(directory, "out/sizes.json"), JSON.stringify([written]));
  return "out/sizes.json";
}
