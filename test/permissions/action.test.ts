import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ActionRun, cleanup, runAction, runCli } from "../harness/runner.ts";
import { locate, yaml } from "./helpers.ts";

const WORKFLOW = yaml(
  "name: CI",
  "on: push",
  "jobs:",
  "  # Builds.",
  "  build:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - uses: actions/checkout@v5",
  "  lint:",
  "    runs-on: ubuntu-latest",
  "    permissions:",
  "      contents: read",
  "      pull-request: write",
);

const workspaces: string[] = [];
const runs: ActionRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) cleanup(run);
  for (const dir of workspaces.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "sg-permissions-ws-"));
  workspaces.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

async function action(files: Record<string, string>, inputs: Record<string, string> = {}) {
  const run = await runAction({
    action: "actions/permissions",
    workspace: workspace(files),
    inputs,
  });
  runs.push(run);
  return run;
}

describe("the permissions action, run as the runner runs it", () => {
  it("annotates each finding at its line and column, titled by rule, and fails on errors", async () => {
    const run = await action({ ".github/workflows/ci.yml": WORKFLOW });
    expect(run.exitCode).toBe(1);
    const annotations = run.annotations
      .filter((a) => a.file)
      .map((a) => ({
        level: a.level,
        title: a.title,
        file: a.file,
        line: a.line,
        column: a.column,
      }));
    expect(annotations).toEqual([
      {
        level: "error",
        title: "missing-top-level-permissions: No top-level permissions",
        file: ".github/workflows/ci.yml",
        ...locate(WORKFLOW, "jobs:"),
      },
      {
        level: "error",
        title: "job-missing-permissions: Job without permissions",
        file: ".github/workflows/ci.yml",
        ...locate(WORKFLOW, "build:"),
      },
      {
        level: "warning",
        title: "unknown-scope: Unknown permission scope",
        file: ".github/workflows/ci.yml",
        ...locate(WORKFLOW, "pull-request:"),
      },
    ]);
    expect(run.annotations[1]?.message).toContain(
      "Fix: add 'permissions: { contents: read }' to job 'build'",
    );
    expect(run.outputs).toMatchObject({
      findings: "3",
      errors: "2",
      warnings: "1",
      fixed: "false",
      patch: "",
    });
    expect(run.summary).toContain("### CI \\(\\.github/workflows/ci\\.yml\\)");
    expect(run.summary).toContain("add &#39;permissions\\: \\{\\}&#39; at the top level");
    const sarif = JSON.parse(readFileSync(run.outputs["sarif-file"] as string, "utf8"));
    expect(sarif.runs[0].results).toHaveLength(3);
  });

  it("passes with fail-on: never and with only warnings below the threshold", async () => {
    const never = await action({ ".github/workflows/ci.yml": WORKFLOW }, { "fail-on": "never" });
    expect(never.exitCode).toBe(0);
    const good = WORKFLOW.replace("on: push", "on: push\npermissions: {}").replace(
      "    steps:",
      "    permissions:\n      contents: read\n    steps:",
    );
    const warningsOnly = await action({ ".github/workflows/ci.yml": good });
    expect(warningsOnly.exitCode).toBe(0);
    expect(warningsOnly.outputs.warnings).toBe("1");
    const strict = await action({ ".github/workflows/ci.yml": good }, { "fail-on": "warning" });
    expect(strict.exitCode).toBe(1);
  });

  it("with fix: true writes the files, outputs a patch that git applies, and never commits", async () => {
    const run = await action({ ".github/workflows/ci.yml": WORKFLOW }, { fix: "true" });
    const fixed = readFileSync(join(run.workspace, ".github/workflows/ci.yml"), "utf8");
    expect(fixed).toContain("permissions: {}\n\njobs:");
    expect(run.outputs.fixed).toBe("true");
    expect(run.outputs["changed-files"]).toBe(".github/workflows/ci.yml");
    expect(run.outputs.patch).toMatch(/^\+permissions: \{\}$/m);
    expect(run.outputs.findings).toBe("1");
    expect(run.summary).toContain("### Fixed");
    const pristine = workspace({ ".github/workflows/ci.yml": WORKFLOW });
    execFileSync("git", ["apply", run.outputs["patch-file"] as string], { cwd: pristine });
    expect(readFileSync(join(pristine, ".github/workflows/ci.yml"), "utf8")).toBe(fixed);
  });

  it("annotates every mistake in the policy file and fails", async () => {
    const policy = yaml(
      "top-level: open",
      "exceptions:",
      "  - rule: job-missing-permissions",
      "    workflow: '*'",
    );
    const run = await action({
      ".github/workflows/ci.yml": WORKFLOW,
      ".github/permissions-policy.yml": policy,
    });
    expect(run.exitCode).toBe(1);
    const policyAnnotations = run.annotations.filter(
      (a) => a.title === "permissions configuration",
    );
    expect(policyAnnotations.map((a) => [a.file, a.line, a.column])).toEqual([
      [".github/permissions-policy.yml", 1, 12],
      [".github/permissions-policy.yml", 3, 5],
    ]);
    expect(policyAnnotations[0]?.message).toContain('valid values: "empty", "read-only"');
  });

  it("fails with the path named when a path does not exist", async () => {
    const run = await action({}, { paths: "workflows" });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain("'workflows' does not exist");
  });
});

describe("status-gate permissions on a laptop", () => {
  it("prints readable findings and exits 1, or JSON / SARIF on request", async () => {
    const cwd = workspace({ ".github/workflows/ci.yml": WORKFLOW });
    const text = await runCli(["permissions"], { cwd });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(
      ".github/workflows/ci.yml:5:3: error job-missing-permissions [job build]",
    );
    const json = await runCli(["permissions", "--format", "json", "--fail-on", "never"], { cwd });
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout).findings).toHaveLength(3);
    const sarif = await runCli(["permissions", "--format=sarif", ".github/workflows/ci.yml"], {
      cwd,
    });
    expect(JSON.parse(sarif.stdout).version).toBe("2.1.0");
  });

  it("fixes in place with --fix, and a second --fix changes nothing", async () => {
    const cwd = workspace({ ".github/workflows/ci.yml": WORKFLOW });
    const first = await runCli(["permissions", "--fix"], { cwd });
    expect(first.stdout).toContain("fixed: added 'permissions: { contents: read }' to job 'build'");
    const once = readFileSync(join(cwd, ".github/workflows/ci.yml"), "utf8");
    const second = await runCli(["permissions", "--fix"], { cwd });
    expect(second.stdout).toContain("0 file(s) fixed");
    expect(readFileSync(join(cwd, ".github/workflows/ci.yml"), "utf8")).toBe(once);
  });

  it("refuses a bad option value with exit 2 and names it", async () => {
    const run = await runCli(["permissions", "--format", "xml"], { cwd: workspace({}) });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--format is 'xml'; valid values are text, json, sarif");
  });

  it("runs on this repository as the README's first command shows", async () => {
    const run = await runCli(["permissions"]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
  });
});
