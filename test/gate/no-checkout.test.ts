import { describe, expect, it } from "vitest";
import {
  type CommitContents,
  type GitHubSimulator,
  startGitHubSimulator,
} from "../harness/github-sim/index.ts";
import { type ActionRun, cleanup, runAction } from "../harness/runner.ts";
import { REPOSITORY, RULES, workflowWithJobs } from "./scenario.ts";

const RULES_PATH = ".github/status-gate.yml";
const CI = { name: "CI", path: ".github/workflows/ci.yml" };
const DOCS = { name: "Docs", path: ".github/workflows/docs.yml" };

/** Rules a pull request would like to have: only lint, so that lint alone would turn it green. */
const LOOSER_RULES = "rules:\n  - id: lint\n    check: lint\n";

const ids = (text: string | undefined) => JSON.parse(text ?? "null") as string[];

/**
 * A pull request the simulator knows with file contents on both sides, and a gate run with no
 * checkout at all (the runner's empty workspace): the rules can only come from the contents API.
 */
async function noCheckout(options: { base: CommitContents; head: CommitContents }) {
  const sim = await startGitHubSimulator();
  const [owner, name] = REPOSITORY.split("/") as [string, string];
  const github = sim.state.addRepository({ owner, name });
  const base = github.addCommit({ branch: "main", contents: options.base }).sha;
  github.addBranch("feature", "main");
  const headCommit = github.addCommit({ branch: "feature", contents: options.head });
  const pull = github.addPullRequest({
    number: 7,
    head: "feature",
    base: "main",
    files: headCommit.files,
  });
  const runs: ActionRun[] = [];
  return {
    sim,
    github,
    base,
    head: headCommit.sha,
    async gate(inputs: Record<string, string> = {}, eventName = "pull_request") {
      const run = await runAction({
        action: ".",
        event: {
          name: eventName,
          payload: {
            action: "synchronize",
            number: pull.number,
            pull_request: {
              number: pull.number,
              head: { sha: headCommit.sha, ref: "feature" },
              base: { sha: base, ref: "main" },
              changed_files: pull.files.length,
            },
            repository: { default_branch: "main", full_name: REPOSITORY },
          },
        },
        repository: REPOSITORY,
        sha: "e".repeat(40),
        apiUrl: sim.url,
        graphqlUrl: sim.graphqlUrl,
        token: sim.token,
        inputs: {
          "poll-interval": "100ms",
          "max-poll-interval": "300ms",
          timeout: "20s",
          ...inputs,
        },
      });
      runs.push(run);
      return run;
    },
    async [Symbol.asyncDispose]() {
      for (const run of runs) cleanup(run);
      await sim.close();
    },
  };
}

/** The refs the gate asked the contents API for the rules file at. */
function rulesReads(sim: GitHubSimulator): string[] {
  return sim
    .requestsFor("repos/get-content")
    .map((request) => new URL(request.url, sim.url).searchParams.get("ref") ?? "");
}

const errorOf = (run: ActionRun) => run.annotations.find((a) => a.level === "error")?.message ?? "";

describe("checks mode without a checkout: the rules come from the base branch via the contents API", () => {
  it("is green once the checks the base branch's rules require for the PR's paths have passed", async () => {
    await using s = await noCheckout({
      base: { [RULES_PATH]: RULES, "docs/guide.md": "old\n" },
      head: { "docs/guide.md": "new\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    workflowWithJobs(s.github, s.head, DOCS, { docs: "success" });
    const run = await s.gate();
    expect(run.exitCode).toBe(0);
    expect(run.outputs.result).toBe("success");
    expect(ids(run.outputs.required)).toEqual(["lint", "docs", "coverage"]);
    expect(ids(run.outputs.satisfied)).toEqual(["lint", "docs"]);
    expect(rulesReads(s.sim)).toEqual([s.base]);
    expect(run.log).toContain("pull request #7 files (GitHub API)");
  });

  it("ignores a PR's edit of the rules file and requires every rule of the base's file", async () => {
    await using s = await noCheckout({
      base: { [RULES_PATH]: RULES },
      head: { [RULES_PATH]: LOOSER_RULES },
    });
    // Under the head's rules this alone would be green.
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    const run = await s.gate({ timeout: "1s" });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.required)).toEqual(["wash", "lint", "docs", "coverage"]);
    expect(ids(run.outputs.missing)).toEqual(["wash", "docs", "coverage"]);
    expect(rulesReads(s.sim)).toEqual([s.base]);
    expect(run.summary).toMatch(/the rules file/i);
    expect(errorOf(run)).toMatch(/Still missing at the 1s timeout: wash .*docs/);
  });

  it("runs from pull_request_target without a checkout and posts the verdict on the PR's head", async () => {
    // Rules for pull requests hold for a gate run from pull_request_target too.
    const prOnly = "  - id: pr-lint\n    check: lint\n    events: [pull_request]\n";
    await using s = await noCheckout({
      base: { [RULES_PATH]: `${RULES}${prOnly}`, "docs/guide.md": "old\n" },
      head: { "docs/guide.md": "new\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    workflowWithJobs(s.github, s.head, DOCS, { docs: "success" });
    const run = await s.gate({ "verdict-check": "status-gate" }, "pull_request_target");
    expect(run.outputs.result).toBe("success");
    expect(ids(run.outputs.satisfied)).toEqual(["lint", "docs", "pr-lint"]);
    expect(rulesReads(s.sim)).toEqual([s.base]);
    const verdict = s.github.checkRuns.find((check) => check.name === "status-gate");
    expect(verdict).toMatchObject({ headSha: s.head, status: "completed", conclusion: "success" });
  });

  it("with no rules file on the base, holds a PR that adds one to every check on its head", async () => {
    await using s = await noCheckout({
      base: { "README.md": "hi\n" },
      head: { [RULES_PATH]: LOOSER_RULES, "docs/guide.md": "new\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    // Under the PR's own rules (lint only) this red docs job would not count.
    workflowWithJobs(s.github, s.head, DOCS, { docs: "failure" });
    const run = await s.gate();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(ids(run.outputs.required)).toEqual(["every-check"]);
    expect(errorOf(run)).toMatch(/every-check \(docs: failure\)/);
    expect(run.summary.replace(/\\/g, "")).toMatch(
      /The base \([0-9a-f]{7}\) has no rules file \.github\/status-gate\.yml \(this change may add it\), so every check on the head must pass; the rules in the change do not count\./,
    );
    expect(rulesReads(s.sim)).toEqual([s.base]);
  });

  it("with no rules file on the base, is green once every check on the head passed", async () => {
    await using s = await noCheckout({
      base: { "README.md": "hi\n" },
      head: { "src/main.rs": "fn main() {}\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success", test: "success" });
    const run = await s.gate();
    expect(run.exitCode).toBe(0);
    expect(ids(run.outputs.satisfied)).toEqual(["every-check"]);
    expect(run.summary).toContain("<code>lint</code> success");
    expect(run.summary).toContain("<code>test</code> success");
  });

  it("is red with the reason when the contents API keeps failing, after its retries", async () => {
    await using s = await noCheckout({
      base: { [RULES_PATH]: RULES },
      head: { "src/main.rs": "fn main() {}\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.sim.faults.inject({
      route: "repos/get-content",
      kind: "server-error",
      status: 502,
      times: 10,
    });
    const run = await s.gate({ "api-retries": "1" });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(errorOf(run)).toMatch(
      /The GitHub API failed, so the checks are unknown: GET \/repos\/wasmcloud\/wasmcloud\/contents\/\.github\/status-gate\.yml\?ref=[0-9a-f]{40}: HTTP 502 .*\(after 2 attempts\)/,
    );
    expect(ids(run.outputs.satisfied)).toEqual([]);
  });

  it("is red with the reason when the token may not read contents (403), without retrying", async () => {
    await using s = await noCheckout({
      base: { [RULES_PATH]: RULES },
      head: { "src/main.rs": "fn main() {}\n" },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    s.sim.faults.inject({ route: "repos/get-content", kind: "server-error", status: 403 });
    const run = await s.gate();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(errorOf(run)).toMatch(/The GitHub API failed \(HTTP 403\)/);
    expect(s.sim.count("repos/get-content")).toBe(1);
  });

  it("does not read the head's rules when the base commit is unknown to GitHub", async () => {
    await using s = await noCheckout({
      base: { [RULES_PATH]: RULES },
      head: { [RULES_PATH]: LOOSER_RULES },
    });
    workflowWithJobs(s.github, s.head, CI, { lint: "success" });
    // The base commit vanishes (a force-pushed base branch, garbage-collected): 404 for the ref.
    s.github.commits.delete(s.base);
    const run = await s.gate();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(errorOf(run)).toMatch(/HTTP 404 \(No commit found for the ref [0-9a-f]{40}\)/);
    expect(rulesReads(s.sim)).toEqual([s.base]);
  });
});
