import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, runAction, runCli } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";
import { type S3Double, startS3Double } from "./s3-double.ts";

// Uploads to an S3 double of our own (not s3rver) that can hold, reorder, refuse and half-finish
// writes: what a real endpoint does under load must never lose a run or leave it off the site.

const COMMIT = "a".repeat(40);
let s3: S3Double;
let directory: ReturnType<typeof temporaryDirectory>;

beforeEach(async () => {
  s3 = await startS3Double();
  directory = temporaryDirectory();
});
afterEach(async () => {
  await s3.close();
  directory[Symbol.dispose]();
});

function resultsFile(name: string, value = 100): string {
  const file = join(directory.path, `${name}.json`);
  writeFileSync(file, JSON.stringify([{ name, value, unit: "bytes" }]));
  return file;
}

/** `bench upload` of one matrix leg, as its own process, with its own access key. */
function uploadLeg(leg: string, client = leg) {
  return runCli(
    [
      "bench",
      "upload",
      resultsFile(leg),
      "--storage",
      `s3://${s3.bucket}/wc`,
      "--s3-endpoint",
      s3.endpoint,
      "--s3-path-style",
      "--commit",
      COMMIT,
      "--run-id",
      "77",
      "--job",
      "bench",
      "--matrix-leg",
      leg,
    ],
    { cwd: directory.path, env: { ...s3.env, AWS_ACCESS_KEY_ID: client }, timeoutMs: 240_000 },
  );
}

function indexedLegs(): string[] {
  const index = JSON.parse(s3.objects.get("wc/site/data/index.json")?.toString() ?? "{}");
  return (index.runs ?? []).map((run: { leg: string }) => run.leg).sort();
}

describe("S3 uploads that race, stall and half-fail", () => {
  it("indexes every run when one uploader's site writes land after three others finished", async () => {
    // Leg x's index write is held each time until another leg has stored its run and published
    // a complete site; x's stale index then lands on top. x must notice and publish again.
    const others: Promise<unknown>[] = [];
    s3.faults.push({
      kind: "hold",
      times: 3,
      when: ({ client, method, key }) =>
        client === "SLOW" && method === "PUT" && key === "wc/site/data/index.json",
      until: async () => {
        const run = uploadLeg(`y${others.length + 1}`);
        others.push(run);
        expect((await run).exitCode).toBe(0);
      },
    });
    const slow = await uploadLeg("x", "SLOW");
    expect(slow.exitCode, slow.stderr).toBe(0);
    await Promise.all(others);
    expect(others).toHaveLength(3);
    expect([...s3.objects.keys()].filter((key) => key.startsWith("wc/runs/"))).toHaveLength(4);
    expect(indexedLegs()).toEqual(["x", "y1", "y2", "y3"]);
  }, 240_000);

  it("keeps all 20 legs of a matrix job run by the action, with writes landing out of order", async () => {
    await s3.close();
    s3 = await startS3Double({ writeDelayMs: 200, pageSize: 7 });
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, leg) => {
        resultsFile(`shard-${leg}`);
        return runAction({
          action: "actions/bench",
          workspace: directory.path,
          sha: COMMIT,
          ref: "refs/heads/main",
          // The action's default matrix-leg is `${{ strategy.job-index }}`.
          jobIndex: leg,
          env: {
            ...s3.env,
            GITHUB_RUN_ID: "91",
            GITHUB_JOB: "bench",
            RUNNER_NAME: `runner ${leg}`,
          },
          event: { name: "push", payload: { repository: { default_branch: "main" } } },
          inputs: {
            results: `shard-${leg}.json`,
            storage: `s3://${s3.bucket}/wc`,
            "s3-endpoint": s3.endpoint,
            "s3-path-style": "true",
          },
          timeoutMs: 240_000,
        });
      }),
    );
    for (const run of runs) {
      expect(run.exitCode, run.stdout).toBe(0);
      cleanup(run);
    }
    const stored = [...s3.objects.keys()].filter((key) => key.startsWith("wc/runs/"));
    expect(stored).toHaveLength(20);
    expect(stored).toContain(`wc/runs/${stored[0]?.split("/")[2]}/${COMMIT}/91-1-bench-13.json`);
    expect(indexedLegs()).toHaveLength(20);
  }, 300_000);

  it("carries on when a run was written but the answer was lost (the retry finds it stored)", async () => {
    s3.faults.push({
      kind: "drop",
      times: 1,
      when: ({ method, key }) => method === "PUT" && /^wc\/runs\//.test(key ?? ""),
    });
    const run = await uploadLeg("only");
    expect(run.exitCode, run.stderr).toBe(0);
    const puts = s3.requests.filter((request) => /^PUT wc\/runs\//.test(request));
    expect(puts).toHaveLength(2);
    expect(indexedLegs()).toEqual(["only"]);
  });

  it("fails after a partial upload, says what was stored, and a re-run keeps both runs", async () => {
    s3.faults.push({
      kind: "500-forever",
      when: ({ method, key }) => method === "PUT" && key === "wc/site/data/index.json",
    });
    const failed = await uploadLeg("0");
    expect(failed.exitCode).toBe(3);
    expect(failed.stderr).toMatch(/stored:\n {2}wc\/runs\/[^\n]+\/77-1-bench-0\.json/);
    expect(failed.stderr).toMatch(/not stored:\n(?: {2}[^\n]+\n)* {2}wc\/site\/data\/index\.json/);
    s3.faults.length = 0;
    const rerun = await runCli(
      [
        "bench",
        "upload",
        resultsFile("0"),
        "--storage",
        `s3://${s3.bucket}/wc`,
        "--s3-endpoint",
        s3.endpoint,
        "--s3-path-style",
        "--commit",
        COMMIT,
        "--run-id",
        "77",
        "--attempt",
        "2",
        "--job",
        "bench",
        "--matrix-leg",
        "0",
      ],
      { cwd: directory.path, env: s3.env },
    );
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect([...s3.objects.keys()].filter((key) => key.startsWith("wc/runs/"))).toHaveLength(2);
    expect(indexedLegs()).toEqual(["0", "0"]);
  });
});
