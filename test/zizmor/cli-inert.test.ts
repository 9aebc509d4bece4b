import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";
import {
  corpusReport,
  corpusWorkspace,
  fakeZizmorFolder,
  SEVERAL_INPUTS_FILES,
} from "./helpers.ts";

/**
 * A real zizmor report whose descriptions, annotations and paths hold workflow commands, bidi
 * controls and line breaks: everything zizmor prints comes from the audited files or the tool.
 */
function hostileReport(): string {
  const findings = JSON.parse(
    corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    ),
  );
  for (const finding of findings) {
    finding.desc = `${finding.desc}\n${HOSTILE}`;
    finding.ident = `${finding.ident}\n::add-mask::ident`;
    for (const location of finding.locations) location.symbolic.annotation = HOSTILE;
  }
  return JSON.stringify(findings);
}

/** Commands other than the annotations and the step's failure `--format github` writes. */
function unexpected(output: { stdout: string; stderr: string }) {
  return executedCommands(output).filter(
    (command) =>
      !(
        ["error", "warning", "notice"].includes(command.command) &&
        (command.properties.title?.startsWith("zizmor ") ||
          command.message === "zizmor: 6 finding(s) at or above fail-on 'high'")
      ),
  );
}

/** A step's environment: its output and summary files, as the runner gives them. */
function stepFiles(): Record<string, string> {
  const folder = mkdtempSync(join(tmpdir(), "sg-zizmor-step-"));
  const files = {
    GITHUB_OUTPUT: join(folder, "output"),
    GITHUB_STEP_SUMMARY: join(folder, "summary"),
  };
  for (const file of Object.values(files)) writeFileSync(file, "");
  return files;
}

describe("zizmor commands inside GitHub Actions run no command from zizmor's findings", () => {
  it.each([["text"], ["json"]])("zizmor report --format %s", async (format) => {
    const folder = mkdtempSync(join(tmpdir(), "sg-zizmor-inert-"));
    writeFileSync(join(folder, "report.json"), hostileReport());
    const run = await runCli(["zizmor", "report", "report.json", "--format", format], {
      cwd: folder,
      env: IN_ACTIONS,
    });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).toContain("::add-mask::");
    expect(executedCommands(run)).toEqual([]);
  });

  it("zizmor report --format github writes only its own annotations", async () => {
    const folder = mkdtempSync(join(tmpdir(), "sg-zizmor-inert-"));
    writeFileSync(join(folder, "report.json"), hostileReport());
    const run = await runCli(["zizmor", "report", "report.json", "--format", "github"], {
      cwd: folder,
      env: IN_ACTIONS,
    });
    expect(executedCommands(run).length).toBeGreaterThan(0);
    expect(unexpected(run)).toEqual([]);
  });

  it.each([["text"], ["json"], ["github"]])("zizmor run --format %s", async (format) => {
    const fake = fakeZizmorFolder({
      stdout: hostileReport(),
      stderr: ` WARN collect_inputs: skipped ${HOSTILE}\n`,
      exitCode: 14,
    });
    const run = await runCli(
      ["zizmor", "run", "--zizmor-path", join(fake, "zizmor"), "--format", format],
      { cwd: corpusWorkspace(), env: { ...IN_ACTIONS, ...stepFiles() } },
    );
    expect(run.exitCode, run.stderr).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toContain("::add-mask::");
    if (format === "github") expect(unexpected(run)).toEqual([]);
    else expect(executedCommands(run)).toEqual([]);
  });
});
