import { annotationLine, type CliIO, paint } from "../../cli/command.ts";
import type { Annotation } from "../../core/log.ts";
import { showControls } from "../../core/text.ts";
import type { DoctorReport } from "./doctor.ts";
import { type Finding, listed } from "./findings.ts";
import { describeEvent } from "./triggers.ts";

/** A finding as an annotation at its line, titled with its kind. */
export function findingAnnotation(finding: Finding): Annotation {
  return {
    level: finding.level,
    title: `status gate doctor: ${finding.kind}`,
    message: finding.message,
    ...finding.position,
  };
}

/** `--format json`: the report as plain data. */
export function doctorJson(report: DoctorReport) {
  return {
    passed: !report.findings.some((finding) => finding.level === "error"),
    rulesFile: report.rulesPath,
    rules: report.rules,
    workflows: report.workflows,
    eventsFrom: report.eventsFrom,
    gates: report.gates.map((gate) => ({
      workflow: gate.workflow ?? null,
      job: gate.job ?? null,
      mode: gate.mode,
      events: gate.events.map((event) => ({ ...event, description: describeEvent(event) })),
    })),
    findings: report.findings.map((finding) => ({
      kind: finding.kind,
      level: finding.level,
      rule: finding.rule ?? null,
      message: finding.message,
      file: finding.position.file,
      line: finding.position.line ?? null,
      column: finding.position.column ?? null,
      event: finding.event ?? null,
      workflow: finding.workflow ?? null,
      job: finding.job ?? null,
      example: finding.example ?? null,
    })),
    notChecked: report.notChecked,
  };
}

/** The report as text: one line per finding, as compilers print them, then what was checked. */
export function doctorText(report: DoctorReport, io: CliIO): string {
  const lines = report.findings.map((finding) => annotationLine(io, findingAnnotation(finding)));
  for (const { rule, reason } of report.notChecked)
    lines.push(showControls(`not checked: rule '${rule}': ${reason}`));
  const gates = report.gates.map((gate) =>
    gate.workflow
      ? `${gate.mode} mode in ${gate.workflow} (job ${gate.job}) on ${listed(gate.events.map(describeEvent))}`
      : `checks mode on ${listed(gate.events.map(describeEvent))}`,
  );
  if (lines.length > 0) lines.push("");
  // Workflow, job and branch names are the workflows' text: one line each, controls shown.
  lines.push(
    showControls(
      `Checked ${report.rules} ${report.rules === 1 ? "rule" : "rules"} of ${report.rulesPath} against ${report.workflows} ${report.workflows === 1 ? "workflow" : "workflows"}: ${gates.join("; ")}.`,
    ),
    showControls(`Events: ${report.eventsFrom}.`),
  );
  const errors = report.findings.filter((finding) => finding.level === "error").length;
  const warnings = report.findings.length - errors;
  lines.push(
    errors + warnings === 0
      ? paint(io, "green", "No problems: every rule can be satisfied.")
      : paint(
          io,
          errors > 0 ? "red" : "yellow",
          `${errors} ${errors === 1 ? "error" : "errors"}, ${warnings} ${warnings === 1 ? "warning" : "warnings"}.`,
        ),
  );
  return `${lines.join("\n")}\n`;
}
