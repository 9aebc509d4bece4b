import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DIST, PROJECT_ROOT } from "../harness/runner.ts";
import { parseFileCommands, parseWorkflowCommands } from "../harness/workflow-commands.ts";
import {
  corpusReport,
  corpusWorkspace,
  fakeZizmorFolder,
  SEVERAL_INPUTS_FILES,
} from "./helpers.ts";

interface CompositeStep {
  id?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}

const definition = parse(readFileSync(join(PROJECT_ROOT, "actions/harden/action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  runs: { using: string; steps: CompositeStep[] };
};
const hardenStep = definition.runs.steps.find((step) => step.id === "harden") as CompositeStep;

/**
 * Runs the composite's main step as the runner would: its script under bash, `env:` expanded from
 * the inputs, from an action folder whose ../../dist is the build under test.
 */
function runHarden(inputs: Record<string, string>, workspace: string) {
  const root = mkdtempSync(join(tmpdir(), "sg-harden-"));
  const actionPath = join(root, "actions", "harden");
  mkdirSync(actionPath, { recursive: true });
  cpSync(join(PROJECT_ROOT, "actions/harden/action.yml"), join(actionPath, "action.yml"));
  symlinkSync(DIST, join(root, "dist"));
  const files = { GITHUB_OUTPUT: join(root, "output"), GITHUB_STEP_SUMMARY: join(root, "summary") };
  for (const file of Object.values(files)) writeFileSync(file, "");
  const values = (name: string) => inputs[name] ?? definition.inputs[name]?.default ?? "";
  const env: Record<string, string> = {};
  for (const [name, expression] of Object.entries(hardenStep.env ?? {})) {
    const input = /^\$\{\{ inputs\.([a-z0-9-]+) \}\}$/.exec(expression)?.[1];
    if (!input) throw new Error(`env ${name} is not a plain input: ${expression}`);
    env[name] = input === "token" ? "" : values(input);
  }
  const result = spawnSync("bash", ["-e", "-c", hardenStep.run ?? ""], {
    cwd: workspace,
    encoding: "utf8",
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
      HOME: process.env.HOME ?? root,
      GITHUB_ACTION_PATH: actionPath,
      GITHUB_WORKSPACE: workspace,
      GITHUB_REPOSITORY: "wasmcloud/wasmcloud",
      RUNNER_TEMP: root,
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      ...files,
      ...env,
    },
  });
  return {
    ...result,
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, "utf8"),
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, "utf8")),
  };
}

describe("actions/harden", () => {
  it("passes every input through env:, never templated into its scripts", () => {
    expect(definition.runs.using).toBe("composite");
    for (const step of definition.runs.steps) {
      expect(step.run ?? "").not.toContain("${{");
      if (step.uses) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
    }
    expect(hardenStep.run).toContain('"$GITHUB_ACTION_PATH/../../dist/cli.js"');
    const passed = Object.values(hardenStep.env ?? {}).map(
      (value) => /inputs\.([a-z0-9-]+)/.exec(value)?.[1],
    );
    expect(new Set(passed)).toEqual(new Set(Object.keys(definition.inputs)));
  });

  it("runs the permissions enforcer and zizmor and writes one combined summary", () => {
    const workspace = corpusWorkspace();
    const report = corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    );
    const fake = fakeZizmorFolder({ stdout: report, exitCode: 14 });
    const run = runHarden({ "zizmor-path": join(fake, "zizmor") }, workspace);
    expect(run.status, run.stderr).toBe(1);
    expect(run.outputs.passed).toBe("false");
    expect(run.summary.match(/^## Hardening/gm)).toHaveLength(1);
    // One corpus workflow grants write-all (the others inherit 'permissions: {}', which is
    // compliant): the enforcer's verdict and summary are shown, and its findings are annotations
    // at their lines.
    expect(run.summary).toMatch(/\| Permissions enforcer \| ❌ failed \|/);
    expect(run.summary).toMatch(/blanket\\?-permissions/);
    const errors = parseWorkflowCommands(run.stdout).filter((c) => c.command === "error");
    const permission = errors.find((c) => c.properties.title?.includes("blanket-permissions"));
    expect(permission?.properties.file).toMatch(/^\.github\/workflows\/.+\.yml$/);
    expect(Number(permission?.properties.line)).toBeGreaterThan(0);
    expect(run.summary).toMatch(/\| zizmor \| ❌ failed \|/);
    expect(run.summary).toContain("7 findings, 6 failing");
    const annotations = parseWorkflowCommands(run.stdout).filter((c) => c.command === "error");
    expect(annotations.some((c) => c.properties.title === "zizmor template-injection")).toBe(true);
  });

  it("keeps quoted workflow text from running as a workflow command", async () => {
    const workspace = corpusWorkspace();
    writeFileSync(
      join(workspace, ".github", "workflows", "evil.yml"),
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n# ::add-mask::leak\n",
    );
    const fake = fakeZizmorFolder({ stdout: "[]" });
    const run = runHarden({ "zizmor-path": join(fake, "zizmor"), "fail-on": "never" }, workspace);
    const commands = parseWorkflowCommands(run.stdout);
    expect(commands.some((command) => command.command === "add-mask")).toBe(false);
    expect(
      commands.some((c) => c.command === "error" && c.properties.file?.endsWith("evil.yml")),
    ).toBe(true);
    expect(run.summary).toMatch(/\| zizmor \| ✅ passed \|/);
  });
});
