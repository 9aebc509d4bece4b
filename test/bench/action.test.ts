import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../../src/bench/report.ts";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { cleanup, runAction } from "../harness/runner.ts";
import { FIXTURES, temporaryDirectory } from "./helpers.ts";

/** A Callgrind file as Valgrind writes it, for one benchmark with this many instructions. */
function callgrindFile(instructions: number): string {
  return [
    "# callgrind format",
    "version: 1",
    "creator: callgrind-3.19.0",
    "cmd:  ./parse",
    "positions: line",
    "events: Ir",
    `summary: ${instructions}`,
    "",
    "fl=(1) parse.rs",
    "fn=(1) parse",
    `1 ${instructions}`,
    "",
    `totals: ${instructions}`,
    "",
  ].join("\n");
}

function writeResults(repo: TestRepository, instructions: number): void {
  mkdirSync(join(repo.path, "bench-out"), { recursive: true });
  writeFileSync(join(repo.path, "bench-out/callgrind.out.parse"), callgrindFile(instructions));
  cpSync(join(FIXTURES, "criterion"), join(repo.path, "bench-out/criterion"), { recursive: true });
}

let sim: GitHubSimulator;
const storage = temporaryDirectory("sg-bench-store-");
const repo = createRepository();
let stored: string;
let mergeBase: string;
let head: string;

beforeAll(async () => {
  sim = await startGitHubSimulator();
  sim.state
    .addRepository({ owner: "wasmcloud", name: "wasmcloud" })
    .addPullRequest({ number: 7, head: "feature" });
  // main: stored (measured) → merge base (never measured); feature branches off the merge base.
  stored = repo.commit({ message: "fast parser", files: { "src/lib.rs": "fast" } });
  mergeBase = repo.commit({ message: "docs", files: { "README.md": "docs" } });
  repo.checkout("feature", { create: true });
  head = repo.commit({ message: "slower parser", files: { "src/lib.rs": "slow" } });
  repo.checkout("main");
});
afterAll(async () => {
  await sim.close();
  storage[Symbol.dispose]();
  repo[Symbol.dispose]();
});

function push(commit: string) {
  return {
    action: "actions/bench",
    workspace: repo.path,
    sha: commit,
    ref: "refs/heads/main",
    event: { name: "push", payload: { repository: { default_branch: "main" } } },
    inputs: { results: "bench-out", storage: storage.path, "site-directory": "public" },
  };
}

function pullRequest(inputs: Record<string, string> = {}, attempt = "1") {
  return {
    action: "actions/bench",
    workspace: repo.path,
    sha: "e".repeat(40),
    ref: "refs/pull/7/merge",
    repository: "wasmcloud/wasmcloud",
    apiUrl: sim.url,
    token: sim.token,
    env: { GITHUB_RUN_ATTEMPT: attempt },
    event: {
      name: "pull_request",
      payload: {
        pull_request: { number: 7, head: { sha: head }, base: { ref: "main" } },
        repository: { default_branch: "main" },
      },
    },
    inputs: { results: "bench-out", storage: storage.path, "base-ref": "main", ...inputs },
  };
}

describe("the bench action, run as the runner runs it", () => {
  it("stores a push to main as a new run and publishes the dashboard beside it", async () => {
    repo.checkout(stored);
    writeResults(repo, 1_000_000);
    const run = await runAction(push(stored));
    cleanup(run);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.outputs["run-key"]).toMatch(
      new RegExp(`^runs/\\d{4}-\\d{2}-\\d{2}/${stored}/1001-1-[\\w-]+\\.json$`),
    );
    const saved = JSON.parse(
      readFileSync(join(storage.path, run.outputs["run-key"] as string), "utf8"),
    );
    expect(saved.run).toMatchObject({
      commit: stored,
      ref: "refs/heads/main",
      repository: "wasmcloud/wasmcloud",
      pullRequest: null,
    });
    expect(saved.run.machine).toBe("GitHub Actions 1");
    expect(saved.run.tools.valgrind ?? "valgrind absent").toMatch(/^valgrind/);
    expect(saved.results.find((result: { id: string }) => result.id === "parse")).toMatchObject({
      value: 1_000_000,
    });
    expect(existsSync(join(storage.path, "site/index.html"))).toBe(true);
    expect(
      JSON.parse(readFileSync(join(storage.path, "site/data/index.json"), "utf8")).runs,
    ).toHaveLength(1);
    expect(run.summary).toContain("results stored");
    expect(readFileSync(join(repo.path, "public/data/index.json"), "utf8")).toBe(
      readFileSync(join(storage.path, "site/data/index.json"), "utf8"),
    );
  });

  it("compares a pull request with the nearest stored base commit, says so, comments, and fails", async () => {
    repo.checkout("feature");
    writeResults(repo, 1_100_000);
    const run = await runAction(pullRequest());
    cleanup(run);
    expect(run.exitCode).toBe(1);
    expect(run.outputs["base-commit"]).toBe(stored);
    expect(run.outputs.regressions).toBe("1");
    expect(run.outputs.verdict).toBe("regressed");
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: "error", title: "bench regression" }),
    );
    expect(run.summary).toContain(
      `The merge base <a href="https://github.com/wasmcloud/wasmcloud/commit/${mergeBase}">${mergeBase.slice(0, 12)}</a> has no stored run`,
    );
    expect(run.summary).toContain("nearest earlier stored commit");
    expect(run.summary).toMatch(
      /<code>parse<\/code> \| instructions \| 1,000,000 instructions \| 1,100,000 instructions \| \\\+10% \| 🔴 regressed/,
    );
    // Unchanged wall times sort below the regression.
    expect(run.summary.indexOf("regressed |")).toBeLessThan(run.summary.indexOf("unchanged |"));
    const comments = sim.state.repository("wasmcloud/wasmcloud").issueComments;
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(run.outputs["run-key"]).toMatch(
      new RegExp(`^pulls/7/\\d{4}-\\d{2}-\\d{2}/${head}/1001-1-[\\w-]+\\.json$`),
    );
    const index = JSON.parse(readFileSync(join(storage.path, "site/data/index.json"), "utf8"));
    expect(index.runs.map((entry: { commit: string }) => entry.commit)).toEqual([stored]);
    expect(index.pulls).toMatchObject([{ number: 7, baseCommit: stored }]);
  });

  it("updates the one sticky comment in place on the next run, and passes when failing is off", async () => {
    writeResults(repo, 1_000_050);
    const run = await runAction(pullRequest({ "fail-on-regression": "false" }, "2"));
    cleanup(run);
    expect(run.exitCode).toBe(0);
    const comments = sim.state.repository("wasmcloud/wasmcloud").issueComments;
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).not.toContain("regressed");
    expect(comments[0]?.body).toContain("1,000,050 instructions");
    expect(sim.takeViolations()).toEqual([]);
  });

  it("warns instead of failing when the token may not comment, as on a fork's pull request", async () => {
    const refusals = ["issues/create-comment", "issues/update-comment"].map((route) =>
      sim.faults.inject({
        route,
        kind: "server-error",
        status: 403,
        times: Number.POSITIVE_INFINITY,
      }),
    );
    try {
      const run = await runAction(pullRequest({ "fail-on-regression": "false" }, "4"));
      cleanup(run);
      expect(run.exitCode).toBe(0);
      expect(run.annotations).toContainEqual(
        expect.objectContaining({ level: "warning", title: "bench comment" }),
      );
      expect(run.summary).toContain("| Benchmark | Metric | Base | Head | Change | Verdict |");
    } finally {
      for (const refusal of refusals) refusal.remove();
      sim.takeViolations();
    }
  });

  it("refuses a bad threshold, naming the input", async () => {
    const run = await runAction(pullRequest({ "time-threshold": "fast" }, "3"));
    cleanup(run);
    expect(run.exitCode).toBe(1);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: "error",
        message: "bench: input 'time-threshold' is 'fast'; use a percentage such as 1% or 0.5%",
      }),
    );
  });
});
