import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS as BENCH_CORPUS, startS3 } from "../bench/helpers.ts";
import { failedSteps, runWorkflow } from "../release/workflow-runner.ts";
import { type TrainWorld, trainWorld } from "../train-release/world.ts";
import { wasmcloudShaped } from "./world.ts";

// Issue 19: the migrated bench.yml on wasmCloud's shape, through the workflow runner: the
// measuring job (the benchmarked code, a read-only token, no cloud credentials) and the reporting
// job (this suite's bench action with OIDC to the bucket) on a push to main stores the run in S3
// (s3rver), and a pull request is compared with that run at its merge base.

const REPOSITORY = "wasmcloud/wasmcloud";
const GUNGRAUN = join(BENCH_CORPUS, "gungraun", "summary-v6.0.json");

/** Every key stored in the bucket. */
async function storedKeys(s3: Awaited<ReturnType<typeof startS3>>): Promise<string[]> {
  const client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: s3.env.AWS_REGION,
    credentials: {
      accessKeyId: s3.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: s3.env.AWS_SECRET_ACCESS_KEY,
    },
  });
  const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
  client.destroy();
  return (listed.Contents ?? []).map((object) => object.Key ?? "");
}

describe.skipIf(!existsSync(GUNGRAUN))("benchmarks of wasmCloud on status-gate", () => {
  let w: TrainWorld;
  let s3: Awaited<ReturnType<typeof startS3>>;
  const folders: string[] = [];

  beforeAll(async () => {
    s3 = await startS3("wasmcloud-bench");
    w = await trainWorld(wasmcloudShaped(), { repository: REPOSITORY });
  }, 60_000);
  afterAll(async () => {
    await w?.[Symbol.asyncDispose]();
    await s3?.[Symbol.asyncDispose]();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  /** bench.yml's instruction-count jobs on an event, with the edge replaced. */
  async function bench(
    event: { name: string; payload: Record<string, unknown> },
    sha: string,
    ref: string,
  ) {
    const jobs = await runWorkflow({
      workflow: join(w.repo.path, ".github/workflows/bench.yml"),
      jobs: ["instructions", "report-instructions"],
      event,
      ref,
      sha,
      repository: REPOSITORY,
      origin: w.origin,
      apiUrl: w.sim.url,
      token: w.sim.token,
      secrets: { WASMCLOUD_BENCH_S3_BUCKET: s3.bucket },
      substitutes: {
        "instructions.setup-rust": {
          reason: "no Rust toolchain here; the benchmark's output is the corpus's",
          script: () => "echo rust is set up",
        },
        "instructions.valgrind": {
          reason: "no package installs at test time",
          script: () => "echo valgrind is installed",
        },
        "instructions.gungraun": {
          reason: "gungraun's real output for a wash-runtime benchmark, as run-bench.sh leaves it",
          script: (original) => {
            expect(original).toBe("./scripts/bench/run-bench.sh gungraun");
            return `mkdir -p target/gungraun/wash_runtime/http_invoke && cp ${JSON.stringify(GUNGRAUN)} target/gungraun/wash_runtime/http_invoke/summary.json`;
          },
        },
        "report-instructions.aws": {
          reason: "the role's short-lived credentials, as configure-aws-credentials exports them",
          script: () =>
            Object.entries(s3.env)
              .map(([key, value]) => `echo "${key}=${value}" >> "$GITHUB_ENV"`)
              .join("\n"),
        },
        ...(event.name === "push"
          ? {
              "report-instructions.invalidate": {
                reason: "no CloudFront here",
                script: (original: string) => {
                  expect(original).toContain("aws cloudfront create-invalidation");
                  return "echo invalidated";
                },
              },
            }
          : {}),
      },
      extraInputs: {
        "report-instructions.bench": { "s3-endpoint": s3.endpoint, "s3-path-style": "true" },
      },
    });
    for (const job of Object.values(jobs)) folders.push(job.workspace);
    return jobs;
  }

  const failures = failedSteps;

  const repository = { default_branch: "main", full_name: REPOSITORY };

  it("stores a push to main's run in S3, measured by a job that holds no credentials", async () => {
    const before = w.repo.git("rev-parse", "main~1");
    const sha = w.repo.git("rev-parse", "main");
    const jobs = await bench(
      { name: "push", payload: { ref: "refs/heads/main", before, after: sha, repository } },
      sha,
      "refs/heads/main",
    );
    expect(failures(jobs)).toEqual([]);
    expect(
      jobs["report-instructions"]?.steps.find((step) => step.id === "bench")?.outputs,
    ).toMatchObject({
      verdict: "pass",
      "run-key": expect.stringContaining(sha),
    });
    const stored = (await storedKeys(s3)).filter((key) => key.startsWith("wash-runtime/runs/"));
    expect(stored).toEqual([expect.stringContaining(`/${sha}/`)]);
  }, 180_000);

  it("compares a pull request with main's stored run at its merge base", async () => {
    const base = w.repo.git("rev-parse", "main");
    w.repo.checkout("faster", { create: true });
    const head = w.repo.commit({
      message: "perf(wash-runtime): reuse the linker",
      files: { "crates/wash-runtime/src/lib.rs": "pub fn invoke() { /* faster */ }\n" },
    });
    await w.push("faster");
    w.repo.checkout("main");
    w.github.addPullRequest({ head: "faster", base: "main", number: 77 });
    const jobs = await bench(
      {
        name: "pull_request",
        payload: {
          number: 77,
          pull_request: {
            number: 77,
            head: { sha: head, ref: "faster", repo: { fork: false } },
            base: { sha: base, ref: "main" },
          },
          repository,
        },
      },
      head,
      "refs/pull/77/merge",
    );
    expect(failures(jobs)).toEqual([]);
    const step = jobs["report-instructions"]?.steps.find((candidate) => candidate.id === "bench");
    expect(step?.outputs["base-commit"]).toBe(base);
    expect(step?.outputs.verdict).toBe("pass");
    // One sticky comment on the pull request, by the token's own user.
    expect(w.github.issueComments.filter((comment) => comment.issueNumber === 77)).toHaveLength(1);
  }, 180_000);
});
