import { describe, expect, it } from "vitest";
import { cleanup, runAction } from "../harness/runner.ts";
import { finishJobs, gateScenario, REPOSITORY, workflowWithJobs } from "./scenario.ts";

// The gate action runs the doctor's checks when it starts in checks mode: a rule that no workflow
// of the commit can satisfy fails the gate at once, annotated at the rule's line, instead of
// leaving it to wait until its timeout.

const RULES = `rules:
  - id: wash
    check: "check (*)"
    workflow: .github/workflows/wash.yml
    paths: ["crates/**"]
  - id: docs
    check: docs
    workflow: .github/workflows/docs.yml
    paths: ["crates/**", "docs/**"]
`;

const WASH = `on: [pull_request, push]
jobs:
  check:
    strategy:
      matrix:
        os: [ubuntu, macos]
    runs-on: x
`;

function files(docsOn: string): Record<string, string> {
  return {
    "crates/api/src/lib.rs": "pub fn a() {}\n",
    ".github/workflows/wash.yml": WASH,
    ".github/workflows/docs.yml": `on:\n${docsOn}\njobs:\n  docs:\n    runs-on: x\n`,
  };
}

/** Triggers of a workflow that never runs for a pull request into main. */
const MAIN_ONLY = "  push:\n    branches: [main]\n  workflow_dispatch:";

const polls = (s: Awaited<ReturnType<typeof gateScenario>>) =>
  s.sim.requests.filter((request) => request.operationId === "checks/list-for-ref").length;

describe("the gate's start-up check (checks mode, with a checkout of the commit)", () => {
  it("fails at once at the rule's line when the rule's workflow does not run on pull requests", async () => {
    await using s = await gateScenario({ rules: RULES, files: files(MAIN_ONLY) });
    s.git.checkout("feature");
    const run = await s.gate({ inputs: { "verdict-check": "status-gate" } });
    expect(run.exitCode).toBe(1);
    const [error] = run.annotations.filter((a) => a.level === "error");
    expect(error).toMatchObject({ file: ".github/status-gate.yml", line: 6 });
    expect(error?.message).toContain(
      "rule 'docs': on pull_request to main, where the gate runs, the workflow of its check does not run (.github/workflows/docs.yml: it is not triggered on pull_request (its triggers: push, workflow_dispatch))",
    );
    expect(error?.message).toContain("it can never be satisfied, so the gate stops now");
    // It did not wait: the only poll is the one the gate sends before it starts.
    expect(polls(s)).toBeLessThanOrEqual(1);
    const verdict = s.github.checkRuns.find((check) => check.name === "status-gate");
    expect(verdict?.conclusion).toBe("failure");
  });

  it("reads the workflows of the pull request's merge commit, which the default checkout holds", async () => {
    await using s = await gateScenario({ rules: RULES, files: files(MAIN_ONLY) });
    s.git.git("merge", "--quiet", "--no-ff", "-m", "Merge feature", "feature");
    const merge = s.git.git("rev-parse", "HEAD");
    const run = await runAction({
      action: ".",
      event: s.pullRequestEvent(),
      workspace: s.git.path,
      repository: REPOSITORY,
      sha: merge,
      apiUrl: s.sim.url,
      graphqlUrl: s.sim.graphqlUrl,
      token: s.sim.token,
      inputs: { timeout: "20s", "poll-interval": "100ms" },
    });
    cleanup(run);
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")).toMatchObject({
      file: ".github/status-gate.yml",
      line: 6,
    });
  });

  it("leaves paths filters to the timeout when the change is past the 300 files GitHub's filters read", async () => {
    const many = Object.fromEntries(
      Array.from({ length: 301 }, (_, index) => [`crates/api/src/f${index}.rs`, "\n"]),
    );
    await using s = await gateScenario({
      rules: RULES,
      files: { ...files("  pull_request:\n    paths: ['docs/**']"), ...many },
    });
    s.git.checkout("feature");
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.log).toContain("Start-up check: every required rule has a workflow that runs");
    expect(run.outputs.result).toBe("failure");
  });

  it("counts on push workflows for a pull request from a branch of this repository, not from a fork", async () => {
    await using s = await gateScenario({ rules: RULES, files: files("  push:") });
    s.git.checkout("feature");
    const from = (owner: string) => {
      const event = s.pullRequestEvent() as { name: string; payload: Record<string, unknown> };
      const pull = event.payload.pull_request as Record<string, Record<string, unknown>>;
      return {
        ...event,
        payload: {
          ...event.payload,
          pull_request: {
            ...pull,
            head: { ...pull.head, repo: { full_name: `${owner}/wasmcloud` } },
            base: { ...pull.base, repo: { full_name: REPOSITORY } },
          },
        },
      };
    };
    const own = await s.gate({ event: from("wasmcloud"), inputs: { timeout: "1s" } });
    expect(own.log).toContain("Start-up check: every required rule has a workflow that runs");
    const fork = await s.gate({ event: from("someone"), inputs: { timeout: "1s" } });
    expect(fork.annotations.find((a) => a.level === "error")).toMatchObject({
      file: ".github/status-gate.yml",
      line: 6,
    });
  });

  it("does not hold a workflow's pull_request types against a commit an earlier activity ran it for", async () => {
    await using s = await gateScenario({
      rules: RULES,
      files: files("  pull_request:\n    types: [opened]"),
    });
    s.git.checkout("feature");
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.log).toContain("Start-up check: every required rule has a workflow that runs");
  });

  it("judges paths filters against the files the pull request really changes", async () => {
    await using s = await gateScenario({
      rules: RULES,
      files: files("  pull_request:\n    paths: ['docs/**']"),
    });
    s.git.checkout("feature");
    const run = await s.gate();
    expect(run.exitCode).toBe(1);
    const [error] = run.annotations.filter((a) => a.level === "error");
    expect(error).toMatchObject({ file: ".github/status-gate.yml", line: 6 });
    expect(error?.message).toContain(
      "on this pull_request to main the paths filter of .github/workflows/docs.yml (paths: docs/**, line 3) skips the workflow: none of the 3 changed files passes it, yet the rule applies",
    );
  });

  it("lets the gate wait as usual when every required rule has a workflow that runs", async () => {
    await using s = await gateScenario({ rules: RULES, files: files("  pull_request:") });
    s.git.checkout("feature");
    s.onPoll((poll) => {
      if (poll === 2) {
        workflowWithJobs(
          s.github,
          s.head,
          { name: "wash", path: ".github/workflows/wash.yml" },
          {
            "check (ubuntu)": null,
            "check (macos)": null,
          },
        );
        workflowWithJobs(
          s.github,
          s.head,
          { name: "docs", path: ".github/workflows/docs.yml" },
          {
            docs: "success",
          },
        );
      }
      if (poll === 3) finishJobs(s.github);
    });
    const run = await s.gate();
    expect(run.outputs.result).toBe("success");
    expect(run.log).toContain(
      "Start-up check: every required rule has a workflow that runs for this pull_request.",
    );
  });

  it("skips the check, saying so, when the workspace does not hold the commit's workflows", async () => {
    await using s = await gateScenario({ rules: RULES, files: files(MAIN_ONLY) });
    // The workspace stays on the base branch: its workflows are not the ones that run.
    const run = await s.gate({ inputs: { timeout: "1s" } });
    expect(run.log).toContain(
      "Start-up check of the rules skipped: the workspace holds no checkout of this commit's workflows.",
    );
    expect(run.outputs.result).toBe("failure");
    expect(run.annotations.some((a) => a.line === 6)).toBe(false);
  });
});
