import { ConfigurationError } from "../core/errors.ts";
import type { Annotation } from "../core/log.ts";
import {
  confidenceRank,
  describeKey,
  type Finding,
  SEVERITIES,
  type Severity,
  severityRank,
} from "./report.ts";

export type Level = Annotation["level"];
export type LevelMap = Record<Severity, Level>;

/**
 * zizmor's own `--format github` mapping (`Severity::as_github_command` in zizmor's
 * `output/github.rs`): High is an error, Medium and Low are warnings, Informational a notice. Its
 * SARIF output agrees that Medium is a warning, so a finding reads the same here as in zizmor's
 * own annotations and in code scanning. Which findings fail the step is `fail-on`'s business.
 */
export const DEFAULT_LEVELS: LevelMap = {
  high: "error",
  medium: "warning",
  low: "warning",
  informational: "notice",
  unknown: "notice",
};

/**
 * GitHub shows at most 10 annotations of each level per step (and 50 per job); the rest are
 * dropped silently, so the most severe must come first.
 */
export const STEP_CAP_PER_LEVEL = 10;

/** `annotation-levels: high=error, medium=warning, low=notice`; unnamed severities keep defaults. */
export function parseLevels(
  items: readonly string[],
  label: (name: string) => string = (name) => `input '${name}'`,
): LevelMap {
  const levels = { ...DEFAULT_LEVELS };
  for (const item of items) {
    const [severity = "", level = ""] = item.split("=").map((part) => part.trim().toLowerCase());
    if (!(SEVERITIES as readonly string[]).includes(severity) || !isLevel(level)) {
      throw new ConfigurationError(
        `${label("annotation-levels")} has '${item}'; use <severity>=<level> with severity one of ` +
          `${SEVERITIES.join(", ")} and level one of error, warning, notice`,
      );
    }
    levels[severity as Severity] = level;
  }
  return levels;
}

function isLevel(value: string): value is Level {
  return value === "error" || value === "warning" || value === "notice";
}

/** Most severe first, then most confident, then by file and line so the order is stable. */
export function bySeverity(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    confidenceRank(b.confidence) - confidenceRank(a.confidence) ||
    compareText(describeKey(a.primary.key), describeKey(b.primary.key)) ||
    a.primary.line - b.primary.line ||
    a.primary.column - b.primary.column ||
    compareText(a.audit, b.audit)
  );
}

/** Code-point order: the same on every machine, and much faster than localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The annotation for one finding; findings with no workspace file get none (summary only). */
export function annotationFor(finding: Finding, levels: LevelMap): Annotation | undefined {
  const { key } = finding.primary;
  if (key.kind !== "local" || key.path === undefined) return undefined;
  return {
    level: levels[finding.severity],
    title: `zizmor ${finding.audit}`,
    message: messageFor(finding),
    file: key.path,
    line: finding.primary.line,
    column: finding.primary.column,
    endLine: finding.primary.endLine,
    endColumn: finding.primary.endColumn,
  };
}

/** zizmor's description, what the location is, related locations, confidence and the docs URL. */
export function messageFor(finding: Finding): string {
  const lines = [
    finding.primary.annotation
      ? `${finding.description}: ${finding.primary.annotation}`
      : finding.description,
  ];
  for (const related of finding.related) {
    const where = `${describeKey(related.key)}:${related.line}`;
    lines.push(`related: ${related.annotation || "see"} (${where})`);
  }
  lines.push(...(finding.notes ?? []));
  lines.push(`severity ${finding.severity}, confidence ${finding.confidence}`);
  if (finding.url) lines.push(`docs: ${finding.url}`);
  return lines.join("\n");
}

export interface AnnotationPlan {
  /** What to emit as workflow commands, most severe first, within the per-step caps. */
  shown: Annotation[];
  /** Every annotatable finding, for the check run (which has no display cap). */
  all: Annotation[];
  /** Annotatable findings left out of `shown`. */
  omitted: number;
}

export function planAnnotations(findings: readonly Finding[], levels: LevelMap): AnnotationPlan {
  const all = [...findings]
    .sort(bySeverity)
    .map((finding) => annotationFor(finding, levels))
    .filter((annotation): annotation is Annotation => annotation !== undefined);
  const perLevel: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  const shown = all.filter((annotation) => ++perLevel[annotation.level] <= STEP_CAP_PER_LEVEL);
  return { shown, all, omitted: all.length - shown.length };
}
