import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { parseWorkflowCommands } from "../harness/workflow-commands.ts";
import { corpusReport, SEVERAL_INPUTS_FILES } from "./helpers.ts";

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
  });
});
