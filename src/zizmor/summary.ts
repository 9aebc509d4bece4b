import { escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
import { bySeverity } from "./annotations.ts";
import { fingerprint, type Verdict } from "./gate.ts";
import { describeKey, type Finding, SEVERITIES, type Severity } from "./report.ts";

export interface SummaryContext {
  /** `https://github.com/owner/repo/blob/<sha>`: lines become links when it is known. */
  blobUrl?: string;
  failOn: string;
  /** How zizmor was obtained and verified, one line (already plain text). */
  provenance?: string;
  /** zizmor's WARN lines about inputs it skipped. */
  warnings: readonly string[];
  /** Plain-text paragraphs about how findings were selected. */
  notes: readonly string[];
  /** Annotatable findings not shown as annotations because of GitHub's caps. */
  omittedAnnotations: number;
  newOnlyMode: string;
}

const ICON: Record<Severity, string> = {
  high: "🔴",
  medium: "🟠",
  low: "🟡",
  informational: "🔵",
  unknown: "⚪",
};

/** Every finding, grouped by file and then by audit, most severe file and audit first. */
export function renderSummary(
  findings: readonly Finding[],
  verdict: Verdict,
  context: SummaryContext,
): Summary {
  const summary = new Summary();
  const failing = new Set(verdict.failing.map(fingerprint));
  summary.heading(headline(findings, verdict), 2);
  summary.raw(verdictLine(verdict, context));
  if (context.provenance) summary.paragraph(context.provenance);
  for (const note of context.notes) summary.paragraph(note);
  if (findings.length > 0) summary.table(["severity", "findings"], countRows(findings));
  if (context.warnings.length > 0) {
    summary.raw("**zizmor skipped some inputs:**");
    summary.list(context.warnings.map((warning) => inlineCode(warning)));
  }
  if (context.omittedAnnotations > 0) {
    summary.paragraph(
      `${context.omittedAnnotations} findings are not annotated on the diff because GitHub ` +
        "shows at most 10 annotations of each level per step; all of them are listed below.",
    );
  }
  const sorted = [...findings].sort(bySeverity);
  const sections = fileSections(sorted, context, failing, "full");
  const fits =
    sections.reduce((bytes, section) => bytes + Buffer.byteLength(section), 0) <= FULL_BUDGET;
  if (!fits) {
    summary.paragraph(
      "This report is too large to list every finding in full within GitHub's 1 MiB summary " +
        "limit, so each audit's findings are listed by line.",
    );
  }
  for (const section of fits ? sections : fileSections(sorted, context, failing, "compact")) {
    summary.raw(section);
  }
  return summary;
}

/** Bytes of findings listed in full; past this, lines are listed compactly so all still fit. */
const FULL_BUDGET = 768 * 1024;

/** One markdown block per file (few blocks keep the summary builder's size checks cheap). */
function fileSections(
  sorted: readonly Finding[],
  context: SummaryContext,
  failing: Set<string>,
  detail: "full" | "compact",
): string[] {
  const sections: string[] = [];
  for (const [file, inFile] of groupBy(sorted, (f) => describeKey(f.primary.key))) {
    const parts = [`### ${escapeMarkdown(file)}`];
    for (const [, ofAudit] of groupBy(inFile, (f) => f.audit)) {
      const first = ofAudit[0] as Finding;
      parts.push(
        `**${link(first.audit, first.url)}**: ${escapeMarkdown(first.description)} (${ofAudit.length})`,
      );
      if (detail === "full") {
        parts.push(
          ofAudit.map((finding) => `- ${findingLine(finding, context, failing)}`).join("\n"),
        );
      } else {
        parts.push(compactLines(ofAudit, failing));
      }
    }
    sections.push(parts.join("\n\n"));
  }
  return sections;
}

/** `line 20 (high, failing), line 24 (low)`: every finding, without links or notes. */
function compactLines(findings: readonly Finding[], failing: Set<string>): string {
  return findings
    .map((finding) => {
      const failed = failing.has(fingerprint(finding)) ? ", **failing**" : "";
      return `line ${finding.primary.line} (${finding.severity}${failed})`;
    })
    .join(", ");
}

function headline(findings: readonly Finding[], verdict: Verdict): string {
  if (findings.length === 0) return "zizmor: no findings";
  const noun = findings.length === 1 ? "finding" : "findings";
  return `zizmor: ${findings.length} ${noun}, ${verdict.failing.length} failing`;
}

function verdictLine(verdict: Verdict, context: SummaryContext): string {
  const threshold = `fail-on: ${inlineCode(context.failOn)}`;
  const scope = context.newOnlyMode === "off" ? "" : `, new findings only (${context.newOnlyMode})`;
  if (verdict.passed) {
    const quiet = verdict.preexisting.length
      ? `; ${verdict.preexisting.length} at the threshold were already there`
      : "";
    return `✅ Passed (${threshold}${scope})${quiet}.`;
  }
  return `❌ Failed: ${verdict.failing.length} at or above the threshold (${threshold}${scope}).`;
}

function countRows(findings: readonly Finding[]): string[][] {
  return [...SEVERITIES]
    .reverse()
    .map((severity) => [severity, findings.filter((f) => f.severity === severity).length] as const)
    .filter(([, total]) => total > 0)
    .map(([severity, total]) => [`${ICON[severity]} ${severity}`, String(total)]);
}

function findingLine(finding: Finding, context: SummaryContext, failing: Set<string>): string {
  const { primary } = finding;
  const place = `line ${primary.line}, column ${primary.column}`;
  const where =
    context.blobUrl && primary.key.kind === "local" && primary.key.path !== undefined
      ? link(place, `${context.blobUrl}/${encodePath(primary.key.path)}#L${primary.line}`)
      : escapeMarkdown(place);
  const tags = [
    `${ICON[finding.severity]} ${finding.severity}`,
    `confidence ${finding.confidence}`,
    ...(failing.has(fingerprint(finding)) ? ["**failing**"] : []),
    ...(finding.ignored ? ["ignored"] : []),
  ];
  const related = finding.related.map(
    (location) => `${escapeMarkdown(location.annotation || "related")} (line ${location.line})`,
  );
  const note = primary.annotation ? `: ${escapeMarkdown(primary.annotation)}` : "";
  const also = related.length ? `; related: ${related.join(", ")}` : "";
  const notes = (finding.notes ?? []).map((text) => ` ${escapeMarkdown(text)}`).join("");
  return `${where} (${tags.join(", ")})${note}${also}${notes}`;
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
