import { join } from "node:path";
import type { Annotation } from "../core/log.ts";
import { type ActionOutcome, Outcome } from "../core/outcome.ts";
import { countLine, toSarif, toSummary } from "./report.ts";
import { RULES, type Severity } from "./rules.ts";
import type { PermissionsResult } from "./run.ts";

const LEVEL: Record<Severity, Annotation["level"]> = {
  error: "error",
  warning: "warning",
  note: "notice",
};

export interface PermissionsOutcomeOptions {
  failOn: Severity | "never";
  /** Where the SARIF log goes. */
  sarifFile: string;
  /** Where the patch goes when the fixer changed files. */
  patchFile: string;
}

/**
 * What a run means for the step, as plain data: an annotation per finding, the job summary, the
 * outputs, the SARIF log and the patch as files to write, and the failure when a finding reaches
 * `fail-on`. Pure: `runAction` (or harden, merging it with zizmor's) publishes it.
 */
export function permissionsOutcome(
  result: PermissionsResult,
  options: PermissionsOutcomeOptions,
): ActionOutcome {
  const outcome = new Outcome();
  for (const finding of result.findings) {
    outcome.annotate({
      level: LEVEL[finding.severity],
      title: `${finding.rule}: ${RULES[finding.rule].title}`,
      message: finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message,
      file: finding.path,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
    });
  }
  outcome.summary = toSummary(result);
  outcome.file(options.sarifFile, "SARIF 2.1.0 log of the findings", toSarif(result));
  const count = (severity: Severity) =>
    result.findings.filter((finding) => finding.severity === severity).length;
  outcome
    .output("findings", result.findings.length)
    .output("errors", count("error"))
    .output("warnings", count("warning"))
    .output("sarif-file", options.sarifFile)
    .output("fixed", result.fixes.length > 0)
    .output("changed-files", result.fixes.map((fix) => fix.path).join("\n"))
    .output("patch", result.patch)
    .output("patch-file", result.patch ? options.patchFile : "");
  if (result.patch)
    outcome.file(options.patchFile, "the fixer's changes for git apply", result.patch);
  if (result.failed) outcome.fail(`${countLine(result)}; fail-on is '${options.failOn}'`);
  return outcome;
}

/** A file in the runner's temporary folder (the working folder outside a runner). */
export function defaultArtifactPath(name: string, folder: string | undefined): string {
  return join(folder ?? process.cwd(), name);
}
