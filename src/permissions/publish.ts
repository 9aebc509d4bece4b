import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import { annotate, info, setOutput } from "../core/log.ts";
import { countLine, toSarif, toSummary, toText } from "./report.ts";
import { RULES, type Severity } from "./rules.ts";
import type { PermissionsResult } from "./run.ts";

const LEVEL: Record<Severity, "error" | "warning" | "notice"> = {
  error: "error",
  warning: "warning",
  note: "notice",
};

export interface PublishOptions {
  failOn: Severity | "never";
  /** Where the SARIF log goes. */
  sarifFile: string;
  /** Where the patch goes when the fixer changed files. */
  patchFile: string;
}

/** Reports a run to the runner: annotations, job summary, outputs, and the step's verdict. */
export function publish(result: PermissionsResult, options: PublishOptions): void {
  for (const problem of result.policyProblems) {
    annotate({
      level: "error",
      title: "permissions policy",
      ...pointAt(problem.position),
      message: problem.message,
    });
  }
  for (const finding of result.findings) {
    annotate({
      level: LEVEL[finding.severity],
      title: `${finding.rule}: ${RULES[finding.rule].title}`,
      message: finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message,
      ...pointAt({ file: finding.path, ...finding }),
    });
  }
  info(toText(result));
  toSummary(result).write();
  writeFileSync(options.sarifFile, toSarif(result));
  const count = (severity: Severity) =>
    result.findings.filter((f) => f.severity === severity).length;
  setOutput("findings", result.findings.length);
  setOutput("errors", count("error"));
  setOutput("warnings", count("warning"));
  setOutput("sarif-file", options.sarifFile);
  setOutput("fixed", result.fixes.length > 0);
  setOutput("changed-files", result.fixes.map((fix) => fix.path).join("\n"));
  setOutput("patch", result.patch);
  if (result.patch) writeFileSync(options.patchFile, result.patch);
  setOutput("patch-file", result.patch ? options.patchFile : "");
  if (result.policyProblems.length > 0) {
    core.setFailed(
      `permissions: the policy file has ${result.policyProblems.length} problem(s); see the annotations`,
    );
  } else if (result.failed) {
    core.setFailed(`permissions: ${countLine(result)}; fail-on is '${options.failOn}'`);
  }
}

/**
 * The runner drops columns from annotations that span lines; a node that spans lines (a map) is
 * pointed at by where it starts instead, so the column survives.
 */
function pointAt(span: {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}) {
  const { file, line, column, endLine, endColumn } = span;
  return endLine === line ? { file, line, column, endLine, endColumn } : { file, line, column };
}

export function defaultArtifactPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.RUNNER_TEMP ?? process.cwd(), name);
}
