import type { Annotation } from "../core/log.ts";
import type { Summary } from "../core/summary.ts";
import { type AnnotationPlan, type LevelMap, planAnnotations } from "./annotations.ts";
import { decide, type FailOn, type NewOnly, type Verdict } from "./gate.ts";
import type { Finding } from "./report.ts";
import { renderSummary, type SummaryContext } from "./summary.ts";

export interface AnalysisOptions {
  failOn: FailOn;
  newOnly: NewOnly;
  levels: LevelMap;
  blobUrl?: string;
  provenance?: string;
  warnings: readonly string[];
  /** Plain-text paragraphs about how findings were selected (a pull request's ignores). */
  notes?: readonly string[];
}

export interface Analysis {
  findings: Finding[];
  verdict: Verdict;
  annotations: AnnotationPlan;
  summary: Summary;
}

/** Everything the action, the CLI and the harden step show for one zizmor report. */
export function analyse(findings: Finding[], options: AnalysisOptions): Analysis {
  const verdict = decide(findings, options.failOn, options.newOnly);
  const annotations = planAnnotations(findings, options.levels);
  const context: SummaryContext = {
    blobUrl: options.blobUrl,
    failOn: options.failOn,
    provenance: options.provenance,
    warnings: options.warnings,
    notes: options.notes ?? [],
    omittedAnnotations: annotations.omitted,
    newOnlyMode: options.newOnly.mode,
  };
  return {
    findings,
    verdict,
    annotations,
    summary: renderSummary(findings, verdict, context),
  };
}

/** An annotation as `status-gate zizmor report --format json` lists it. */
export function annotationRecord(annotation: Annotation) {
  return {
    path: annotation.file ?? null,
    line: annotation.line ?? null,
    column: annotation.column ?? null,
    endLine: annotation.endLine ?? null,
    endColumn: annotation.endColumn ?? null,
    level: annotation.level,
    title: annotation.title ?? "",
    message: annotation.message,
  };
}
