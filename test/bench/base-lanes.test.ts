import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction, runCli } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";

// A matrix job whose legs measure different shards (or machines). On the merge base only leg 1
// got stored (leg 0's upload failed there); its parent has both. Leg 0 must be compared with leg
// 0's run of the parent, never with leg 1's run: that would call every benchmark "added" or
// "removed" and pass a regression. The action, the CLI and the dashboard must pick the same base.

const repo = createRepository();
const storage = temporaryDirectory("sg-bench-lanes-");
let parent: string;
let mergeBase: string;
let pushed: string;
let head: string;
let runner = 0;

beforeAll(() => {
  parent = repo.commit({ message: "both legs measured", files: { "a.rs": "1" } });
  mergeBase = repo.commit({ message: "only leg 1 measured", files: { "a.rs": "2" } });
  repo.git("checkout", "--quiet", "-b", "feature", mergeBase);
  head = repo.commit({ message: "slower shard 0", files: { "b.rs": "x" } });
  repo.checkout("main");
  pushed = repo.commit({ message: "slower shard 0 on main", files: { "a.rs": "3" } });
});
afterAll(() => {
  repo[Symbol.dispose]();
  storage[Symbol.dispose]();
});

async function leg(index: number, bytes: number, commit: string, pull = false) {
  mkdirSync(join(repo.path, "out"), { recursive: true });
  writeFileSync(
    join(repo.path, "out/sizes.json"),
    JSON.stringify([{ name: `shard ${index}`, value: bytes, unit: "bytes" }]),
  );
  runner++;
  const run = await runAction({
    action: "actions/bench",
    workspace: repo.path,
    sha: pull ? "e".repeat(40) : commit,
    ref: pull ? "refs/pull/7/merge" : "refs/heads/main",
    jobIndex: index,
    // GitHub-hosted runners have a new name for every job.
    env: {
      GITHUB_JOB: "bench",
      GITHUB_RUN_ID: String(600 + runner),
      RUNNER_NAME: `GitHub Actions ${runner}`,
    },
    event: pull
      ? {
          name: "pull_request",
          payload: {
            pull_request: { number: 7, head: { sha: head }, base: { ref: "main" } },
            repository: { default_branch: "main" },
          },
        }
      : { name: "push", payload: { repository: { default_branch: "main" } } },
    inputs: { results: "out/sizes.json", storage: storage.path, "base-ref": "main" },
  });
  cleanup(run);
  return run;
}

describe("a leg is compared with its own leg's runs, never another's", () => {
  beforeAll(async () => {
    for (const index of [0, 1]) expect((await leg(index, 1000, parent)).exitCode).toBe(0);
    expect((await leg(1, 1000, mergeBase)).exitCode).toBe(0);
  }, 120_000);

  it("on a pull request: the nearest earlier commit with a run of this leg is the base", async () => {
    const run = await leg(0, 2000, head, true);
    expect(run.outputs.verdict).toBe("regressed");
    expect(run.outputs["base-commit"]).toBe(parent);
    expect(run.summary).toContain(
      "nearest earlier stored commit on the base branch (1 commit before it)",
    );
    expect(run.exitCode).toBe(1);
  });

  it("in the CLI: a pull request's stored run is compared with the same base", async () => {
    const compared = await runCli(
      ["bench", "compare", "--storage", storage.path, "--head", "pr:7", "--format", "json"],
      { cwd: repo.path },
    );
    expect(compared.exitCode, compared.stderr).toBe(1);
    const { benchmarks } = JSON.parse(compared.stdout);
    expect(benchmarks).toEqual([expect.objectContaining({ id: "shard 0", verdict: "regressed" })]);
  });

  it("on the dashboard: the pull request's compare view loads that same base run", async () => {
    const built = await runCli(["bench", "site", "--storage", storage.path, "--out", "site"], {
      cwd: storage.path,
    });
    expect(built.exitCode, built.stderr).toBe(0);
    const data = (path: string) =>
      JSON.parse(readFileSync(join(storage.path, "site/data", path), "utf8"));
    const [pull] = data("index.json").pulls;
    expect(pull.baseFile).not.toBeNull();
    const base = data(pull.baseFile);
    expect(base.commit).toBe(parent);
    expect(base.results.map((result: { id: string }) => result.id)).toEqual(["shard 0"]);
  });

  it("on a push to main: the alert compares with this leg's previous run", async () => {
    const run = await leg(0, 2000, pushed);
    expect(run.outputs.verdict).toBe("regressed");
    expect(run.outputs["base-commit"]).toBe(parent);
  });
});

describe("a stored run that holds one benchmark twice", () => {
  const store = temporaryDirectory("sg-bench-duplicate-");
  afterAll(() => store[Symbol.dispose]());

  function write(commit: string, runId: string, results: object[]) {
    const key = `runs/2026-01-0${runId}/${commit}/${runId}-1-bench-0.json`;
    mkdirSync(join(store.path, key, ".."), { recursive: true });
    const run = {
      repository: "wasmcloud/wasmcloud",
      ref: "refs/heads/main",
      commit,
      baseCommit: null,
      pullRequest: null,
      machine: "m",
      tools: {},
      timestamp: `2026-01-0${runId}T00:00:00.000Z`,
      runId,
      runAttempt: "1",
      url: null,
      job: "bench",
      matrixLeg: "0",
    };
    writeFileSync(join(store.path, key), JSON.stringify({ schema: 1, run, results }));
    return key;
  }

  it("is skipped and named, and the pull request is compared with the run before it", async () => {
    const shard = (value: number) => ({
      id: "shard 0",
      metric: "value",
      value,
      unit: "bytes",
      lower: null,
      upper: null,
      source: "sizes.json",
    });
    write(parent, "1", [shard(1000)]);
    const bad = write(mergeBase, "2", [shard(1000), shard(9)]);
    mkdirSync(join(repo.path, "out"), { recursive: true });
    writeFileSync(
      join(repo.path, "out/sizes.json"),
      JSON.stringify([{ name: "shard 0", value: 2000, unit: "bytes" }]),
    );
    const run = await runAction({
      action: "actions/bench",
      workspace: repo.path,
      sha: "e".repeat(40),
      ref: "refs/pull/8/merge",
      env: { GITHUB_JOB: "bench", GITHUB_RUN_ID: "900" },
      event: {
        name: "pull_request",
        payload: {
          pull_request: { number: 8, head: { sha: head }, base: { ref: "main" } },
          repository: { default_branch: "main" },
        },
      },
      inputs: { results: "out/sizes.json", storage: store.path, "base-ref": "main" },
    });
    cleanup(run);
    expect(run.stderr).toBe("");
    expect(run.outputs.verdict).toBe("regressed");
    expect(run.outputs["base-commit"]).toBe(parent);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        title: `bench: unreadable stored run ${bad}`,
        message: expect.stringContaining("'shard 0' (value) twice"),
      }),
    );
  });
});

describe("a push checked out shallowly (no history to walk)", () => {
  const store = temporaryDirectory("sg-bench-shallow-");
  const workspace = temporaryDirectory("sg-bench-shallow-ws-");
  afterAll(() => {
    store[Symbol.dispose]();
    workspace[Symbol.dispose]();
  });

  it("is compared with the newest earlier run of the branch, however busy the day was", async () => {
    // 25 runs of one day; the newest has the smallest SHA, so it sorts first among its keys.
    const commits = Array.from({ length: 25 }, (_, index) =>
      index === 24
        ? `0${"1".repeat(39)}`
        : `${(index + 1).toString(16).padStart(2, "f")}${"a".repeat(38)}`,
    );
    for (const [index, commit] of commits.entries()) {
      const timestamp = `2026-01-10T${String(index).padStart(2, "0")}:00:00.000Z`;
      const key = `runs/2026-01-10/${commit}/${index + 1}-1-bench-0.json`;
      mkdirSync(join(store.path, key, ".."), { recursive: true });
      writeFileSync(
        join(store.path, key),
        JSON.stringify({
          schema: 1,
          run: {
            repository: "wasmcloud/wasmcloud",
            ref: "refs/heads/main",
            commit,
            baseCommit: null,
            pullRequest: null,
            machine: "m",
            tools: {},
            timestamp,
            runId: String(index + 1),
            runAttempt: "1",
            url: null,
            job: "bench",
            matrixLeg: "0",
          },
          results: [
            {
              id: "binary",
              metric: "value",
              value: index === 24 ? 2000 : 1000,
              unit: "bytes",
              lower: null,
              upper: null,
              source: "sizes.json",
            },
          ],
        }),
      );
    }
    writeFileSync(
      join(workspace.path, "sizes.json"),
      JSON.stringify([{ name: "binary", value: 2000, unit: "bytes" }]),
    );
    const run = await runAction({
      action: "actions/bench",
      workspace: workspace.path,
      sha: "c".repeat(40),
      ref: "refs/heads/main",
      env: { GITHUB_JOB: "bench", GITHUB_RUN_ID: "99" },
      event: { name: "push", payload: { repository: { default_branch: "main" } } },
      inputs: { results: "sizes.json", storage: store.path },
    });
    cleanup(run);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs["base-commit"]).toBe(commits[24]);
    expect(run.outputs.verdict).toBe("pass");
  });
});
