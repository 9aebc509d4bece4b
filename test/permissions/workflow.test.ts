import { describe, expect, it } from "vitest";
import { type Job, loadWorkflow, type Workflow } from "../../src/core/workflow.ts";
import { effectiveToken } from "../../src/permissions/effective.ts";
import { check, expression, rulesOf, yaml } from "./helpers.ts";

function load(text: string): Workflow {
  const { workflow, problem } = loadWorkflow(".github/workflows/ci.yml", text);
  if (!workflow) throw new Error(problem.message);
  return workflow;
}

function firstJob(workflow: Workflow): Job {
  const [job] = workflow.jobs;
  if (!job) throw new Error("the workflow has no job");
  return job;
}

describe("the shared workflow model", () => {
  it("reads triggers written as a string, a list or a map", () => {
    expect(load("on: push\njobs: {}\n").triggers.map((t) => t.event)).toEqual(["push"]);
    expect(load("on: [push, pull_request]\njobs: {}\n").triggers.map((t) => t.event)).toEqual([
      "push",
      "pull_request",
    ]);
    expect(
      load("on:\n  workflow_run: {}\n  schedule: []\njobs: {}\n").triggers.map((t) => t.event),
    ).toEqual(["workflow_run", "schedule"]);
  });

  it("reads jobs, their steps, env and reusable workflow calls, following aliases", () => {
    const workflow = load(
      yaml(
        "on: push",
        "jobs:",
        "  build:",
        "    env: &env",
        `      GH_TOKEN: ${expression("github.token")}`,
        "    steps:",
        "      - uses: actions/checkout@v5",
        "        with: { fetch-depth: 0 }",
        "      - run: make",
        "        env: *env",
        "  call:",
        "    uses: ./.github/workflows/reusable.yml",
      ),
    );
    const [build, call] = workflow.jobs;
    expect(build?.env).toEqual([`GH_TOKEN=${expression("github.token")}`]);
    expect(build?.steps.map((s) => [s.uses, s.run, s.with, s.env.length])).toEqual([
      ["actions/checkout@v5", undefined, { "fetch-depth": "0" }, 0],
      [undefined, "make", {}, 1],
    ]);
    expect(call?.calls).toBe("./.github/workflows/reusable.yml");
  });
});

describe("GITHUB_TOKEN facts the checks rely on", () => {
  it("listing any scope sets every unlisted scope to none", () => {
    const workflow = load(yaml("on: push", "jobs:", "  a:", "    permissions: { issues: write }"));
    const token = effectiveToken(workflow, firstJob(workflow));
    expect(token.source).toBe("job");
    if (token.source !== "job") return;
    expect(token.grants.issues).toBe("write");
    expect(Object.entries(token.grants).filter(([, level]) => level !== "none")).toEqual([
      ["issues", "write"],
    ]);
  });

  it("a job-level block replaces the workflow-level block instead of merging with it", () => {
    const workflow = load(
      yaml(
        "on: push",
        "permissions: { contents: read }",
        "jobs:",
        "  a:",
        "    permissions: { issues: write }",
        "  b:",
        "    runs-on: x",
      ),
    );
    const [a, b] = workflow.jobs.map((job) => effectiveToken(workflow, job));
    expect(a?.source === "job" && a.grants.contents).toBe("none");
    expect(b?.source === "workflow" && b.grants.contents).toBe("read");
  });

  it("with no block anywhere the token is the repository default; a calling job inherits the top level like any job", () => {
    const none = load(yaml("on: push", "jobs:", "  a:", "    runs-on: x"));
    expect(effectiveToken(none, firstJob(none)).source).toBe("repository-default");
    const caller = load(
      yaml(
        "on: push",
        "permissions: { contents: read }",
        "jobs:",
        "  call:",
        "    uses: ./.github/workflows/r.yml",
      ),
    );
    expect(effectiveToken(caller, firstJob(caller)).source).toBe("workflow");
    const called = load(yaml("on: workflow_call", "jobs:", "  a:", "    runs-on: x"));
    expect(effectiveToken(called, firstJob(called)).source).toBe("caller");
  });

  it("read-all and write-all expand to every scope, each to the most it takes", () => {
    const workflow = load(
      yaml("on: push", "permissions: write-all", "jobs:", "  a:", "    runs-on: x"),
    );
    const token = effectiveToken(workflow, firstJob(workflow));
    expect(
      token.source === "workflow" &&
        Object.entries(token.grants).every(
          ([scope, level]) =>
            level === (["models", "vulnerability-alerts"].includes(scope) ? "read" : "write"),
        ),
    ).toBe(true);
  });

  it("a top-level write on workflow_run is reported only while a job inherits it", () => {
    const inherited = yaml(
      "on: workflow_run",
      "permissions: { contents: write }",
      "jobs:",
      "  a:",
      "    runs-on: x",
    );
    expect(rulesOf(check(inherited))).toContain("write-on-untrusted-trigger");
    const explicit = `${inherited}    permissions: {}\n`;
    expect(rulesOf(check(explicit))).not.toContain("write-on-untrusted-trigger");
  });
});
