import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunMetadata } from "../../src/bench/history.ts";
import { COMMENT_MARKER } from "../../src/bench/report.ts";
import { ALERT_MARKER, commentMarker } from "../../src/bench/run.ts";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction } from "../harness/runner.ts";
import { type GitHubDouble, startGitHubDouble } from "./github-double.ts";
import { temporaryDirectory } from "./helpers.ts";

// The PR comment and the commit alert, against a GitHub double written from GitHub's docs: each
// must agree with the verdict of the step that wrote it, whatever other legs, re-runs and
// GitHub's own hiccups do.

const TOKEN = "ghs_installation_token";
const BOT = "github-actions[bot]";
const repo = createRepository();
let github: GitHubDouble;
let storage: ReturnType<typeof temporaryDirectory>;
let main1: string;
let main2: string;
let head: string;

beforeAll(() => {
  main1 = repo.commit({ message: "shards", files: { "src/lib.rs": "1" } });
  main2 = repo.commit({ message: "slower shards", files: { "src/lib.rs": "2" } });
  repo.git("checkout", "--quiet", "-b", "feature", main1);
  head = repo.commit({ message: "feature", files: { "src/feature.rs": "x" } });
  repo.checkout("main");
});
afterAll(() => repo[Symbol.dispose]());
beforeEach(async () => {
  github = await startGitHubDouble();
  github.tokens.set(TOKEN, { login: BOT, type: "Bot", installation: true });
  storage = temporaryDirectory("sg-bench-comments-");
});
afterEach(async () => {
  await github.close();
  storage[Symbol.dispose]();
});

/** Leg `leg` measures its own shard, in its own results file. */
function measure(leg: number, bytes: number): string {
  const file = `out/leg-${leg}.json`;
  mkdirSync(join(repo.path, "out"), { recursive: true });
  writeFileSync(
    join(repo.path, file),
    JSON.stringify([{ name: `shard ${leg}`, value: bytes, unit: "bytes" }]),
  );
  return file;
}

async function leg(
  index: number,
  bytes: number,
  event: "push" | "pull_request",
  options: { commit?: string; attempt?: string; inputs?: Record<string, string> } = {},
) {
  const pull = event === "pull_request";
  const run = await runAction({
    action: "actions/bench",
    workspace: repo.path,
    sha: pull ? "e".repeat(40) : (options.commit ?? main1),
    ref: pull ? "refs/pull/7/merge" : "refs/heads/main",
    apiUrl: github.url,
    token: TOKEN,
    jobIndex: index,
    env: {
      GITHUB_JOB: "bench",
      GITHUB_RUN_ID: pull ? "500" : "400",
      GITHUB_RUN_ATTEMPT: options.attempt ?? "1",
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
    inputs: {
      results: measure(index, bytes),
      storage: storage.path,
      "base-ref": "main",
      ...options.inputs,
    },
  });
  cleanup(run);
  return run;
}

const botComments = (thread: string) =>
  github.on(thread).filter((comment) => comment.user.login === BOT);

describe("comments agree with the verdict of the leg that wrote them", () => {
  it("keeps one pull-request comment per matrix leg, so a passing leg never overwrites a regression", async () => {
    for (const index of [0, 1]) expect((await leg(index, 1000, "push")).exitCode).toBe(0);
    const regressed = await leg(0, 2000, "pull_request");
    expect(regressed.exitCode).toBe(1);
    expect(regressed.outputs.verdict).toBe("regressed");
    const passed = await leg(1, 1000, "pull_request");
    expect(passed.exitCode).toBe(0);
    const comments = botComments(`issue:7`);
    expect(comments).toHaveLength(2);
    const mentioning = (shard: string) =>
      comments.filter((comment) => comment.body.includes(shard));
    expect(mentioning("shard 0")).toHaveLength(1);
    expect(mentioning("shard 0")[0]?.body).toContain("regressed");
    expect(mentioning("shard 1")).toHaveLength(1);
    expect(mentioning("shard 1")[0]?.body).not.toContain("🔴");
    // Re-runs of both legs edit their own comment.
    await leg(0, 2000, "pull_request", { attempt: "2" });
    await leg(1, 1000, "pull_request", { attempt: "2" });
    expect(botComments(`issue:7`)).toHaveLength(2);
    for (const comment of botComments("issue:7")) expect(comment.body).toContain(COMMENT_MARKER);
  }, 120_000);

  it("alerts once per leg on a regressed commit, across re-runs", async () => {
    for (const index of [0, 1]) await leg(index, 1000, "push", { commit: main1 });
    for (const attempt of ["1", "2"]) {
      for (const index of [0, 1]) {
        const run = await leg(index, 5000 + index, "push", { commit: main2, attempt });
        expect(run.outputs.verdict).toBe("regressed");
      }
    }
    const alerts = botComments(`commit:${main2}`);
    expect(alerts).toHaveLength(2);
    for (const index of [0, 1]) {
      const mine = alerts.filter((alert) => alert.body.includes(`shard ${index}`));
      expect(mine).toHaveLength(1);
      expect(mine[0]?.body).toContain(ALERT_MARKER);
    }
  }, 120_000);

  it("edits its alert when a re-run of the commit finds no regression, and posts none if none was", async () => {
    await leg(0, 1000, "push", { commit: main1 });
    const regressed = await leg(0, 5000, "push", { commit: main2, attempt: "1" });
    expect(regressed.outputs.verdict).toBe("regressed");
    const rerun = await leg(0, 1000, "push", { commit: main2, attempt: "2" });
    expect(rerun.outputs.verdict).toBe("pass");
    const alerts = botComments(`commit:${main2}`);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.body).toContain(ALERT_MARKER);
    expect(alerts[0]?.body).toMatch(/no benchmark regressed/i);
    expect(alerts[0]?.body).not.toContain("🔴");
    // A commit that never regressed gets no comment from a re-run either.
    await leg(0, 1000, "push", { commit: main1, attempt: "2" });
    expect(botComments(`commit:${main1}`)).toHaveLength(0);
  }, 120_000);

  it("does not post twice when GitHub answers 502 to a comment it did create", async () => {
    await leg(0, 1000, "push");
    github.failAfterCreate = 1;
    const run = await leg(0, 2000, "pull_request");
    expect(run.outputs.verdict).toBe("regressed");
    expect(botComments("issue:7")).toHaveLength(1);
    await leg(0, 2000, "pull_request", { attempt: "2" });
    expect(botComments("issue:7")).toHaveLength(1);
  }, 120_000);

  it("never writes into a comment whose author planted the markers", async () => {
    await leg(0, 1000, "push");
    const planted = github.plant(
      "issue:7",
      "mallory",
      `${commentMarker(COMMENT_MARKER, { job: "bench", matrixLeg: "0" } as RunMetadata)} all green, trust me`,
    );
    const run = await leg(0, 2000, "pull_request");
    expect(run.outputs.verdict).toBe("regressed");
    expect(planted.body).toContain("all green, trust me");
    expect(botComments("issue:7")).toHaveLength(1);
    expect(botComments("issue:7")[0]?.body).toContain("regressed");
  }, 120_000);

  it("finds its own comment again as the user of a personal token", async () => {
    github.tokens.set(TOKEN, { login: "perf-bot", type: "User", installation: false });
    await leg(0, 1000, "push");
    for (const attempt of ["1", "2"]) await leg(0, 2000, "pull_request", { attempt });
    const comments = github.on("issue:7");
    expect(comments).toHaveLength(1);
    expect(comments[0]?.user.login).toBe("perf-bot");
  }, 120_000);
});
