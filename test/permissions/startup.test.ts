import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../harness/runner.ts";
import { DEFAULT_SETTINGS, startupRefusals } from "./github-startup.ts";
import { removeRepositories, repository, yaml } from "./helpers.ts";

afterAll(removeRepositories);

/**
 * The enforcer's built CLI against an independent double of GitHub's startup check
 * (github-startup.ts): what GitHub refuses must be reported, and what --fix writes must start.
 */

const WORKFLOWS = ".github/workflows";

function filesOf(root: string, paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map((path) => [path, readFileSync(join(root, path), "utf8")]));
}

function refusalsEverywhere(files: Record<string, string>, caller: string): string[] {
  return DEFAULT_SETTINGS.flatMap((setting) => startupRefusals(files, caller, setting));
}

async function checkJson(cwd: string, args: string[] = []) {
  const result = await runCli(["permissions", "--format", "json", ...args], { cwd });
  return {
    exitCode: result.exitCode,
    findings: (JSON.parse(result.stdout) as { findings: { rule: string; path: string }[] })
      .findings,
  };
}

describe("what GitHub refuses to start, across reusable workflows", () => {
  it("checks a called workflow's top-level block against the caller, even when every called job has its own", async () => {
    const files = {
      [`${WORKFLOWS}/build.yml`]: yaml(
        "on: workflow_call",
        "permissions:",
        "  contents: read",
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-latest",
        "    permissions: {}",
        "    steps:",
        "      - run: echo hi",
      ),
      [`${WORKFLOWS}/ci.yml`]: yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  call:",
        "    uses: ./.github/workflows/build.yml",
      ),
      // A read-only top level is accepted, so only GitHub's rule can object to it.
      ".github/permissions-policy.yml": "top-level: read-only\n",
    };
    const cwd = repository(files);
    expect(refusalsEverywhere(files, `${WORKFLOWS}/ci.yml`)).not.toEqual([]);
    const before = await checkJson(cwd);
    expect(before.exitCode).toBe(1);
    expect(before.findings.map((f) => `${f.rule} ${f.path}`)).toContain(
      `reusable-workflow-refused ${WORKFLOWS}/ci.yml`,
    );
    await runCli(["permissions", "--fix"], { cwd });
    const fixed = filesOf(
      cwd,
      Object.keys(files).filter((path) => path.startsWith(WORKFLOWS)),
    );
    expect(refusalsEverywhere(fixed, `${WORKFLOWS}/ci.yml`)).toEqual([]);
    expect((await checkJson(cwd)).exitCode).toBe(0);
  });

  it("checks a workflow called through a called job without a block against the first caller's grant", async () => {
    const files = {
      [`${WORKFLOWS}/inner.yml`]: yaml(
        "on: workflow_call",
        "permissions: {}",
        "jobs:",
        "  release:",
        "    runs-on: ubuntu-latest",
        "    permissions:",
        "      contents: write",
        "    steps:",
        "      - uses: softprops/action-gh-release@v2",
      ),
      [`${WORKFLOWS}/middle.yml`]: yaml(
        "on: workflow_call",
        "jobs:",
        "  mid:",
        "    uses: ./.github/workflows/inner.yml",
      ),
      [`${WORKFLOWS}/ci.yml`]: yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  call:",
        "    permissions:",
        "      contents: read",
        "    uses: ./.github/workflows/middle.yml",
      ),
    };
    const cwd = repository(files);
    expect(refusalsEverywhere(files, `${WORKFLOWS}/ci.yml`)).not.toEqual([]);
    // Only the caller is checked: the files it calls are read whether or not they are listed.
    const before = await checkJson(cwd, [`${WORKFLOWS}/ci.yml`]);
    expect(before.exitCode).toBe(1);
    expect(before.findings.map((f) => f.rule)).toEqual(["reusable-workflow-refused"]);
    await runCli(["permissions", "--fix", `${WORKFLOWS}/ci.yml`], { cwd });
    const fixed = filesOf(cwd, Object.keys(files));
    expect(refusalsEverywhere(fixed, `${WORKFLOWS}/ci.yml`)).toEqual([]);
    expect(fixed[`${WORKFLOWS}/ci.yml`]).toContain("    permissions:\n      contents: write\n");
  });

  it("raises an empty 'permissions:' of a calling job to a block that parses as one", async () => {
    const files = {
      [`${WORKFLOWS}/build.yml`]: yaml(
        "on: workflow_call",
        "permissions: {}",
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-latest",
        "    permissions:",
        "      contents: read",
        "    steps:",
        "      - uses: actions/checkout@v5",
      ),
      [`${WORKFLOWS}/ci.yml`]: yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  call:",
        "    permissions:",
        "    uses: ./.github/workflows/build.yml",
      ),
    };
    const cwd = repository(files);
    await runCli(["permissions", "--fix"], { cwd });
    const text = readFileSync(join(cwd, WORKFLOWS, "ci.yml"), "utf8");
    const job = (parse(text) as { jobs: { call: Record<string, unknown> } }).jobs.call;
    expect(Object.keys(job).sort()).toEqual(["permissions", "uses"]);
    expect(job.permissions).toEqual({ contents: "read" });
  });
});
