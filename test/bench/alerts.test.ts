import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../../src/bench/report.ts";
import { ALERT_MARKER } from "../../src/bench/run.ts";
import { createRepository } from "../harness/git.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { ForwardingProxy } from "../harness/proxy.ts";
import { cleanup, runAction } from "../harness/runner.ts";
import { startS3, temporaryDirectory } from "./helpers.ts";

const REPOSITORY = "wasmcloud/wasmcloud";
let sim: GitHubSimulator;
const repo = createRepository();
const bare = temporaryDirectory("sg-bench-origin-");
let first: string;
let second: string;

beforeAll(async () => {
  sim = await startGitHubSimulator();
  const state = sim.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
  first = repo.commit({ message: "fast parser", files: { "src/lib.rs": "fast" } });
  second = repo.commit({ message: "slow parser", files: { "src/lib.rs": "slow" } });
  state.addCommit({ sha: first, branch: "main", message: "fast parser" });
  state.addCommit({ sha: second, branch: "main", message: "slow parser" });
  execFileSync("git", ["init", "--quiet", "--bare", bare.path]);
});
afterAll(async () => {
  await sim.close();
  bare[Symbol.dispose]();
  repo[Symbol.dispose]();
});

/** Generic JSON results written into the checkout. */
function measure(values: Record<string, number>) {
  mkdirSync(join(repo.path, "out"), { recursive: true });
  writeFileSync(
    join(repo.path, "out/sizes.json"),
    JSON.stringify(Object.entries(values).map(([name, value]) => ({ name, value, unit: "bytes" }))),
  );
}

function push(commit: string, inputs: Record<string, string> = {}, attempt = "1") {
  return runAction({
    action: "actions/bench",
    workspace: repo.path,
    sha: commit,
    ref: "refs/heads/main",
    repository: REPOSITORY,
    apiUrl: sim.url,
    token: sim.token,
    env: { GITHUB_RUN_ATTEMPT: attempt, GITHUB_RUN_ID: "2002" },
    event: { name: "push", payload: { repository: { default_branch: "main" } } },
    inputs: {
      results: "out/sizes.json",
      storage: "git-branch",
      "storage-repository": bare.path,
      ...inputs,
    },
  });
}

const HOSTILE_NAME = "**bold** @everyone <script>x</script>";

describe("alerts on the main branch", () => {
  it("a regression pushed to main is one commit comment across re-runs, a summary and a failed step", async () => {
    repo.checkout(first);
    measure({ binary: 1000, [HOSTILE_NAME]: 10 });
    const stored = await push(first);
    cleanup(stored);
    expect(stored.exitCode).toBe(0);
    expect(stored.outputs["base-commit"]).toBe("");
    expect(stored.summary).toContain("No earlier stored run on this branch to compare with");

    repo.checkout(second);
    measure({ binary: 1500, [HOSTILE_NAME]: 10 });
    const inputs = { "alert-mentions": "@octocat, @wasmcloud/perf", "fail-threshold": "20%" };
    for (const attempt of ["1", "2"]) {
      const run = await push(second, inputs, attempt);
      cleanup(run);
      expect(run.exitCode).toBe(1);
      expect(run.outputs["base-commit"]).toBe(first);
      expect(run.outputs.regressions).toBe("1");
      expect(run.annotations).toContainEqual(
        expect.objectContaining({
          level: "error",
          message:
            "bench: 1 benchmark(s) regressed by at least the fail threshold of 20%: binary (value)",
        }),
      );
      expect(run.summary).toContain("## Benchmarks on main\\: 1 regressed, 1 unchanged");
      expect(run.summary).toContain(
        `Compared with the previous stored run of this branch, at <a href="https://github.com/${REPOSITORY}/commit/${first}">`,
      );
      expect(run.summary).toContain("1,000 bytes | 1,500 bytes | \\+50% | 🔴 regressed");
      const comments = sim.state.repository(REPOSITORY).commitComments;
      expect(comments).toHaveLength(1);
      expect(comments[0]?.commitId).toBe(second);
      expect(comments[0]?.body.startsWith(ALERT_MARKER)).toBe(true);
      expect(comments[0]?.body).toContain("cc @octocat @wasmcloud/perf");
      // Escaped, so no one is notified: `\@everyone` is text.
      expect(comments[0]?.body).not.toMatch(/(^|[^\\])@everyone/);
      expect(comments[0]?.body).not.toContain("<script>");
      expect(comments[0]?.body).toContain(`https://github.com/${REPOSITORY}/commit/${first}`);
    }
    const branch = execFileSync("git", ["ls-tree", "-r", "--name-only", "gh-pages"], {
      cwd: bare.path,
      encoding: "utf8",
    });
    expect(branch.split("\n").filter((file) => file.startsWith("runs/"))).toHaveLength(3);
    expect(sim.takeViolations()).toEqual([]);
  });

  it("a regression under the fail threshold comments and passes", async () => {
    measure({ binary: 1600, [HOSTILE_NAME]: 10 });
    const run = await push(second, { "fail-threshold": "80%" }, "3");
    cleanup(run);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verdict).toBe("regressed");
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: "warning", title: "bench regression" }),
    );
    expect(sim.state.repository(REPOSITORY).commitComments).toHaveLength(1);
  });
});

describe("the sticky pull-request comment", () => {
  it("is matched by marker and author: a comment someone else planted the marker in is left alone", async () => {
    const state = sim.state.repository(REPOSITORY);
    state.addPullRequest({ number: 9, head: "feature" });
    const planted = state.addIssueComment({
      issueNumber: 9,
      body: `${COMMENT_MARKER} first!`,
      user: "mallory",
    });
    repo.checkout(second);
    measure({ binary: 1500, [HOSTILE_NAME]: 10 });
    const pullRequest = (attempt: string) =>
      runAction({
        action: "actions/bench",
        workspace: repo.path,
        sha: "e".repeat(40),
        ref: "refs/pull/9/merge",
        repository: REPOSITORY,
        apiUrl: sim.url,
        token: sim.token,
        env: { GITHUB_RUN_ATTEMPT: attempt },
        event: {
          name: "pull_request",
          payload: {
            pull_request: { number: 9, head: { sha: second }, base: { ref: "main", sha: first } },
            repository: { default_branch: "main" },
          },
        },
        inputs: { results: "out/sizes.json", "store-pull-requests": "false", "base-ref": "main" },
      });
    for (const attempt of ["1", "2"]) {
      const run = await pullRequest(attempt);
      cleanup(run);
      expect(run.exitCode).toBe(0);
      const comments = state.issueComments.filter((comment) => comment.issueNumber === 9);
      expect(comments).toHaveLength(2);
      expect(comments[0]).toMatchObject({ id: planted.id, body: `${COMMENT_MARKER} first!` });
      expect(comments[1]?.user.login).toBe("github-actions[bot]");
    }
    expect(sim.takeViolations()).toEqual([]);
  });
});

describe("storage warnings and the runner's proxy", () => {
  it("warns that a directory store vanishes on a GitHub-hosted runner", async () => {
    using store = temporaryDirectory();
    measure({ binary: 1 });
    const run = await runAction({
      action: "actions/bench",
      workspace: repo.path,
      sha: first,
      inputs: { results: "out/sizes.json", storage: store.path, "comment-on-alert": "false" },
    });
    cleanup(run);
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: "warning", title: "bench storage" }),
    );
  });

  it("reaches S3 through HTTPS_PROXY/HTTP_PROXY: the bucket's host name resolves only in the proxy", async () => {
    await using s3 = await startS3();
    await using proxy = await ForwardingProxy.start();
    const port = new URL(s3.endpoint).port;
    measure({ binary: 1 });
    const run = await runAction({
      action: "actions/bench",
      workspace: repo.path,
      sha: first,
      env: { ...s3.env, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
      inputs: {
        results: "out/sizes.json",
        storage: `s3://${s3.bucket}/proxied`,
        "s3-endpoint": `http://s3.test:${port}`,
        "s3-path-style": "true",
        "comment-on-alert": "false",
      },
    });
    cleanup(run);
    expect(run.annotations).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs["run-key"]).toMatch(/^proxied\/runs\//);
    expect(proxy.countFor("s3.test")).toBeGreaterThan(3);
  });
});
