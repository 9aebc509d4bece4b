import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";
import { fakeZizmorFolder, writeFile } from "../zizmor/helpers.ts";

// "Each action is also a command of one CLI": `status-gate harden` runs both checks as the action
// does, with its inputs as options of the same names.

/** A workflow without any permissions block, whose job id carries workflow commands. */
const HOSTILE_WORKFLOW = [
  "name: bad",
  "on: push",
  "jobs:",
  `  "${HOSTILE.replace(/\n/g, " ").replace(/"/g, "'")}":`,
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - run: echo hi",
  "",
].join("\n");

function checkout(workflow = HOSTILE_WORKFLOW): string {
  const root = mkdtempSync(join(tmpdir(), "sg-harden-cli-"));
  writeFile(join(root, ".github/workflows/bad.yml"), workflow);
  return root;
}

const zizmorPath = () => join(fakeZizmorFolder({ stdout: "[]" }), "zizmor");

describe("status-gate harden", () => {
  it("is listed among the commands", async () => {
    const run = await runCli(["--help"]);
    expect(run.stdout).toMatch(/^ {2}harden\s+\S/m);
  });

  it("runs both checks and prints the combined outcome as JSON", async () => {
    const run = await runCli(["harden", "--zizmor-path", zizmorPath(), "--format", "json"], {
      cwd: checkout(),
    });
    expect(run.exitCode, run.stderr).toBe(1);
    const outcome = JSON.parse(run.stdout);
    expect(outcome.outputs).toMatchObject({ passed: "false", "zizmor-passed": "true" });
    expect(Number(outcome.outputs["permissions-errors"])).toBeGreaterThan(0);
  });

  it("passes with the permissions threshold at never", async () => {
    const run = await runCli(
      ["harden", "--zizmor-path", zizmorPath(), "--permissions-fail-on", "never"],
      { cwd: checkout() },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain("missing-top-level-permissions");
  });

  it("names a bad option as an option, exit 2, before running anything", async () => {
    const typo = await runCli(["harden", "--permisions-fail-on", "never"], { cwd: checkout() });
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain("--permissions-fail-on");
    const value = await runCli(["harden", "--permissions-fail-on", "sometimes"], {
      cwd: checkout(),
    });
    expect(value.exitCode).toBe(2);
    expect(value.stderr).toContain("--permissions-fail-on is 'sometimes'");
  });

  it.each([["text"], ["json"]])(
    "runs no workflow command from hostile job ids inside Actions (--format %s)",
    async (format) => {
      const run = await runCli(["harden", "--zizmor-path", zizmorPath(), "--format", format], {
        cwd: checkout(),
        env: { ...IN_ACTIONS },
      });
      expect(run.exitCode, run.stderr).toBe(1);
      expect(`${run.stdout}${run.stderr}`).toContain("::add-mask::");
      expect(executedCommands(run)).toEqual([]);
    },
  );

  it("with --format github runs only its own annotations and verdict from hostile job ids", async () => {
    const step = mkdtempSync(join(tmpdir(), "sg-harden-step-"));
    const files = {
      GITHUB_OUTPUT: join(step, "output"),
      GITHUB_STEP_SUMMARY: join(step, "summary"),
    };
    for (const file of Object.values(files)) writeFileSync(file, "");
    const run = await runCli(["harden", "--zizmor-path", zizmorPath(), "--format", "github"], {
      cwd: checkout(),
      env: { ...IN_ACTIONS, ...files },
    });
    expect(run.exitCode, run.stderr).toBe(1);
    const commands = executedCommands(run);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) {
      expect(["error", "warning", "notice"]).toContain(command.command);
      // Findings at the workflow's lines (their messages quote the job id as text), or the verdict.
      if (command.properties.file === undefined) expect(command.message).toMatch(/^harden: /);
      else expect(command.properties.file).toBe(".github/workflows/bad.yml");
    }
    expect(readFileSync(files.GITHUB_OUTPUT, "utf8")).toContain("permissions-errors");
  });

  it("with --format github fails when a report cannot be written (a link in the checkout)", async () => {
    const root = checkout(
      "name: ok\non: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
    );
    const outside = mkdtempSync(join(tmpdir(), "sg-harden-outside-"));
    symlinkSync(outside, join(root, "reports"));
    const step = mkdtempSync(join(tmpdir(), "sg-harden-step-"));
    const files = {
      GITHUB_OUTPUT: join(step, "output"),
      GITHUB_STEP_SUMMARY: join(step, "summary"),
    };
    for (const file of Object.values(files)) writeFileSync(file, "");
    const run = await runCli(
      [
        "harden",
        "--zizmor-path",
        zizmorPath(),
        "--permissions-sarif-file",
        "reports/permissions.sarif",
        "--format",
        "github",
      ],
      { cwd: root, env: { ...IN_ACTIONS, ...files, GITHUB_WORKSPACE: root } },
    );
    expect(existsSync(join(outside, "permissions.sarif"))).toBe(false);
    expect(run.stdout).toContain("symbolic link");
    expect(run.exitCode, run.stderr).toBe(1);
  });
});
