import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { parseWorkflowCommands } from "../harness/workflow-commands.ts";
import {
  corpusReport,
  corpusWorkspace,
  fakeZizmorFolder,
  SEVERAL_INPUTS_FILES,
} from "./helpers.ts";

function reportFile(pathFor: (audit: string) => string): { folder: string; file: string } {
  const folder = mkdtempSync(join(tmpdir(), "sg-zizmor-cli-"));
  const file = join(folder, "zizmor.json");
  writeFileSync(file, corpusReport("json-v1.several-inputs.json", pathFor));
  return { folder, file };
}

describe("status-gate zizmor report", () => {
  it("lists the annotations it would emit as JSON, with workspace-relative paths", async () => {
    const { folder, file } = reportFile(
      (audit) => `/repo/.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    );
    const run = await runCli(
      ["zizmor", "report", file, "--workspace", "/repo", "--format", "json"],
      {
        cwd: folder,
      },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      findings: 7,
      failing: 6,
      highestSeverity: "high",
      passed: false,
    });
    expect(report.annotations).toHaveLength(7);
    expect(report.annotations[0]).toEqual({
      path: ".github/workflows/template-injection.yml",
      line: 19,
      column: 40,
      endLine: 19,
      endColumn: 63,
      level: "error",
      title: "zizmor template-injection",
      message: expect.stringContaining("code injection via template expansion"),
    });
    for (const annotation of report.annotations) {
      expect(Object.keys(annotation)).toEqual(
        expect.arrayContaining(["path", "line", "column", "level", "title", "message"]),
      );
    }
  });

  it("prints readable lines and exits 0 when nothing reaches the threshold", async () => {
    const { folder, file } = reportFile((audit) => `./${SEVERAL_INPUTS_FILES[audit]}`);
    const run = await runCli(["zizmor", "report", file, "--fail-on", "never"], { cwd: folder });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      "template-injection.yml:19:40: high [template-injection] code injection via template expansion",
    );
    expect(run.stdout).toContain("passed: 7 findings, none failing");
  });

  it("writes workflow commands and the job summary with --format github", async () => {
    const { folder, file } = reportFile((audit) => `./${SEVERAL_INPUTS_FILES[audit]}`);
    const summary = join(folder, "summary.md");
    writeFileSync(summary, "");
    const run = await runCli(["zizmor", "report", file, "--format", "github"], {
      cwd: folder,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    const commands = parseWorkflowCommands(run.stdout);
    expect(commands.filter((command) => command.command === "error")).toHaveLength(6);
    expect(readFileSync(summary, "utf8")).toContain("zizmor\\: 7 findings, 6 failing");
  });

  it("refuses a file that is not a zizmor JSON v1 report, naming it", async () => {
    const folder = mkdtempSync(join(tmpdir(), "sg-zizmor-cli-"));
    writeFileSync(join(folder, "bad.json"), '{"runs": []}');
    const run = await runCli(["zizmor", "report", "bad.json"], { cwd: folder });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/bad\.json is not zizmor JSON v1/);
    const missing = await runCli(["zizmor", "report", "nope.json"], { cwd: folder });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("cannot read the zizmor report");
    const usage = await runCli(["zizmor", "report", "bad.json", "--format", "xml"], {
      cwd: folder,
    });
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toBe(
      "status-gate zizmor: --format is 'xml'; valid values are text, json, github\n",
    );
  });

  it("names flags as flags, once, with one prefix", async () => {
    const { folder, file } = reportFile((audit) => `./${SEVERAL_INPUTS_FILES[audit]}`);
    const failOn = await runCli(["zizmor", "report", file, "--fail-on", "hihg"], { cwd: folder });
    expect(failOn.exitCode).toBe(2);
    expect(failOn.stderr).toBe(
      "status-gate zizmor: --fail-on is 'hihg'; valid values are 'high', 'medium', 'low', 'informational', 'never'; did you mean 'high'?\n",
    );
    const levels = await runCli(["zizmor", "report", file, "--annotation-levels", "bad"], {
      cwd: folder,
    });
    expect(levels.stderr).toMatch(/^status-gate zizmor: --annotation-levels has 'bad'/);
  });

  it("refuses a report whose findings all lie outside --workspace, instead of passing", async () => {
    const { folder, file } = reportFile(
      (audit) => `/repo/.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    );
    const run = await runCli(["zizmor", "report", file, "--format", "json"], { cwd: folder });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /all 7 findings are in files outside the workspace .* \(such as \/repo\/\.github\/workflows\/.*\.yml\).*\(--workspace\)/,
    );
  });
});

describe("status-gate zizmor run", () => {
  const report = () =>
    corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    );

  it("runs zizmor and prints the action's outcome as JSON", async () => {
    const fake = fakeZizmorFolder({ stdout: report(), exitCode: 14 });
    const run = await runCli(
      ["zizmor", "run", "--zizmor-path", join(fake, "zizmor"), "--format", "json", "."],
      { cwd: corpusWorkspace() },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    const outcome = JSON.parse(run.stdout);
    expect(outcome).toMatchObject({
      passed: false,
      failure: "6 finding(s) at or above fail-on 'high'",
      outputs: { findings: "7", "failing-findings": "6", "zizmor-version": "1.30.1" },
    });
    expect(outcome.annotations).toHaveLength(7);
    expect(run.stderr).toContain("given as --zizmor-path; not verified by this action");
  });

  it("prints findings as lines and names flags in its errors", async () => {
    const fake = fakeZizmorFolder({ stdout: report(), exitCode: 14 });
    const lines = await runCli(
      ["zizmor", "run", "--zizmor-path", join(fake, "zizmor"), "--fail-on", "never"],
      { cwd: corpusWorkspace() },
    );
    expect(lines.exitCode, lines.stderr).toBe(0);
    expect(lines.stdout).toContain(
      ".github/workflows/template-injection.yml:19:40: error [zizmor template-injection]",
    );
    const bad = await runCli(["zizmor", "run", "--persona", "paranoid"], {
      cwd: corpusWorkspace(),
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^status-gate zizmor: --persona is 'paranoid'; valid values/);
    const missing = await runCli(["zizmor", "run", "--zizmor-path", "./nope"], {
      cwd: corpusWorkspace(),
    });
    expect(missing.stderr).toMatch(/^status-gate zizmor: --zizmor-path is '\.\/nope', but/);
  });

  it("exits 2 when zizmor finds nothing to audit", async () => {
    const fake = fakeZizmorFolder({ stderr: "no inputs collected\n", exitCode: 3 });
    const run = await runCli(["zizmor", "run", "--zizmor-path", join(fake, "zizmor")], {
      cwd: corpusWorkspace(),
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("zizmor collected no inputs (exit 3)");
  });

  it("has no hidden subcommands", async () => {
    const run = await runCli(["zizmor", "harden-summary"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown subcommand 'harden-summary'");
  });
});
