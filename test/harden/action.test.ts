import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runAction } from "../harness/runner.ts";
import {
  corpusReport,
  fakeZizmorFolder,
  SEVERAL_INPUTS_FILES,
  writeFile,
} from "../zizmor/helpers.ts";

// harden runs the permissions enforcer and zizmor in one process (the built bundle, as the runner
// runs it) and publishes one outcome: both tools' annotations and outputs, one summary.

const COMPLIANT = [
  "name: ok",
  "on: push",
  "permissions: {}",
  "jobs:",
  "  build:",
  "    runs-on: ubuntu-latest",
  "    permissions: {}",
  "    steps:",
  "      - run: echo hi",
  "",
].join("\n");

const findings = () =>
  corpusReport(
    "json-v1.several-inputs.json",
    (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
  );

/** A workflow with no permissions block at all: the enforcer's error, under any policy. */
const NO_PERMISSIONS =
  "name: bad\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";

function failingWorkspace(): string {
  const workspace = mkdtempSync(join(tmpdir(), "sg-harden-ws-"));
  writeFile(join(workspace, ".github/workflows/bad.yml"), NO_PERMISSIONS);
  return workspace;
}

/** A workspace whose only workflow passes the permissions enforcer. */
function compliantWorkspace(): string {
  const workspace = mkdtempSync(join(tmpdir(), "sg-harden-ws-"));
  writeFile(join(workspace, ".github/workflows/ok.yml"), COMPLIANT);
  return workspace;
}

async function harden(options: {
  workspace: string;
  zizmor: { stdout: string; exitCode?: number };
  inputs?: Record<string, string>;
}) {
  const fake = fakeZizmorFolder(options.zizmor);
  return runAction({
    action: "actions/harden",
    workspace: options.workspace,
    inputs: { "zizmor-path": join(fake, "zizmor"), ...options.inputs },
  });
}

describe("actions/harden", () => {
  it("is a node24 action whose outputs include each tool's, prefixed", () => {
    const definition = parse(readFileSync("actions/harden/action.yml", "utf8"));
    expect(definition.runs).toEqual({ using: "node24", main: "../../dist/harden.js" });
    for (const output of ["passed", "permissions-findings", "zizmor-findings"]) {
      expect(definition.outputs).toHaveProperty(output);
    }
  });

  it("fails on permissions findings while zizmor passes, and says which half failed", async () => {
    const run = await harden({ workspace: failingWorkspace(), zizmor: { stdout: "[]" } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({
      passed: "false",
      "zizmor-findings": "0",
      "zizmor-passed": "true",
      "zizmor-version": "1.30.1",
    });
    expect(Number(run.outputs["permissions-errors"])).toBeGreaterThan(0);
    expect(run.summary.split("\n")[0]).toBe(
      "## Hardening\\: ❌ failed \\(Permissions enforcer failed, zizmor passed\\)",
    );
    expect(run.summary).toContain("## Workflow permissions");
    expect(run.summary).toContain("## zizmor\\: no findings");
    // As in the permissions action, line numbers link to the file at the commit that was checked.
    expect(run.summary).toContain(
      `<a href="https://github.com/wasmcloud/wasmcloud/blob/${"0".repeat(40)}/.github/workflows/bad.yml#L`,
    );
    const permission = run.annotations.find((a) => a.file === ".github/workflows/bad.yml");
    expect(permission).toMatchObject({ level: "error", line: expect.any(Number) });
    expect(run.log).toMatch(/::error::harden: permissions: \d+ workflow file/);
    expect(run.log).not.toMatch(/::error::harden: .*zizmor:/);
  });

  it("fails on zizmor findings while the permissions check passes", async () => {
    const workspace = compliantWorkspace();
    for (const name of Object.values(SEVERAL_INPUTS_FILES)) {
      // The findings' files, with blocks the enforcer accepts: only zizmor has something to say.
      writeFile(join(workspace, ".github/workflows", name), COMPLIANT);
    }
    const run = await harden({ workspace, zizmor: { stdout: findings(), exitCode: 14 } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({
      passed: "false",
      "permissions-errors": "0",
      "zizmor-findings": "7",
      "zizmor-failing-findings": "6",
      "zizmor-highest-severity": "high",
      "zizmor-exit-code": "14",
    });
    expect(run.summary.split("\n")[0]).toBe(
      "## Hardening\\: ❌ failed \\(Permissions enforcer passed, zizmor failed\\)",
    );
    expect(run.annotations.some((a) => a.title === "zizmor template-injection")).toBe(true);
    expect(run.log).toContain("::error::harden: zizmor: 6 finding(s) at or above fail-on 'high'");
  });

  it("shows both tools' errors within GitHub's 10 annotations of a level per step", async () => {
    // The findings' files have no permissions at all: both halves have errors to show, the
    // enforcer two per file (more than GitHub displays for a step).
    const workspace = failingWorkspace();
    for (const name of Object.values(SEVERAL_INPUTS_FILES)) {
      writeFile(join(workspace, ".github/workflows", name), NO_PERMISSIONS);
    }
    for (let n = 0; n < 6; n++)
      writeFile(join(workspace, `.github/workflows/more-${n}.yml`), NO_PERMISSIONS);
    const run = await harden({ workspace, zizmor: { stdout: findings(), exitCode: 14 } });
    expect(Number(run.outputs["permissions-errors"])).toBeGreaterThan(10);
    // What GitHub displays: the first 10 error annotations the step writes.
    const shown = run.annotations.filter((a) => a.level === "error" && a.file).slice(0, 10);
    const zizmor = shown.filter((a) => a.title?.startsWith("zizmor "));
    expect(zizmor.length, shown.map((a) => a.title).join("\n")).toBeGreaterThanOrEqual(5);
    expect(shown.length - zizmor.length).toBeGreaterThanOrEqual(5);
  });

  it("passes when both pass, and keeps the old inputs and the passed output working", async () => {
    const run = await harden({
      workspace: compliantWorkspace(),
      zizmor: { stdout: findings(), exitCode: 14 },
      inputs: { "permissions-paths": ".github/workflows", "fail-on": "never" },
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.passed).toBe("true");
    expect(run.summary.split("\n")[0]).toBe(
      "## Hardening\\: ✅ passed \\(Permissions enforcer passed, zizmor passed\\)",
    );
  });

  it("reads the permissions policy input, reporting its problems at their lines", async () => {
    const workspace = compliantWorkspace();
    writeFileSync(join(workspace, "policy.yml"), "top-level: sometimes\n");
    const run = await harden({
      workspace,
      zizmor: { stdout: "[]" },
      inputs: { "permissions-policy": "policy.yml" },
    });
    expect(run.exitCode).toBe(1);
    const problem = run.annotations.find((a) => a.title === "permissions configuration");
    expect(problem).toMatchObject({ file: "policy.yml", line: 1 });
    // zizmor still ran and reported.
    expect(run.outputs["zizmor-passed"]).toBe("true");
    expect(run.summary).toContain("## zizmor\\: no findings");
  });

  it("runs the permissions check when zizmor's inputs are wrong, naming harden's input", async () => {
    const run = await harden({
      workspace: failingWorkspace(),
      zizmor: { stdout: "[]" },
      inputs: { persona: "paranoid" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain("zizmor: input 'persona' is 'paranoid'");
    expect(Number(run.outputs["permissions-errors"])).toBeGreaterThan(0);
    expect(run.summary).toContain("Could not run");
  });

  it("fixes permissions when asked, with the patch as an output", async () => {
    const workspace = failingWorkspace();
    const run = await harden({
      workspace,
      zizmor: { stdout: "[]" },
      inputs: { "permissions-fix": "true" },
    });
    expect(run.outputs["permissions-fixed"]).toBe("true");
    expect(run.outputs["permissions-patch"]).toContain("+permissions: {}");
    expect(readFileSync(join(workspace, ".github/workflows/bad.yml"), "utf8")).toContain(
      "permissions: {}",
    );
    expect(readFileSync(run.outputs["permissions-patch-file"] as string, "utf8")).toBe(
      run.outputs["permissions-patch"],
    );
  });

  it("keeps quoted workflow text and zizmor's output from running as workflow commands", async () => {
    const workspace = compliantWorkspace();
    writeFileSync(
      join(workspace, ".github/workflows/evil.yml"),
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n# ::add-mask::leak\n",
    );
    const report = JSON.parse(findings());
    report[0].desc = "evil\n::add-mask::leak2\n::set-output name=passed::true";
    const run = await harden({
      workspace,
      zizmor: { stdout: JSON.stringify(report), exitCode: 14 },
    });
    expect(run.masks).toEqual([]);
    expect(run.commands.some((c) => c.command === "set-output")).toBe(false);
    expect(run.outputs.passed).toBe("false");
    expect(run.annotations.some((a) => a.file?.endsWith("evil.yml"))).toBe(true);
  });
});
