import { escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
import {
  type BenchmarkVerdict,
  byBenchmark,
  type Comparison,
  countVerdicts,
  notJudged,
  VERDICT_ORDER,
} from "./compare.ts";
import { formatChange, formatMeasurement, VERDICT_LABELS } from "./format.ts";

/** GitHub refuses issue comments longer than this many characters. */
export const COMMENT_LIMIT = 65_536;
export const COMMENT_MARKER = "<!-- status-gate:bench -->";

/** What the head was compared with, said plainly in every report. */
export interface BaseDescription {
  commit: string | null;
  mergeBase: string | null;
  /** Commits between the merge base and the stored run used instead (0: exactly the merge base). */
  distance: number;
  /** The base run's workflow run page. */
  url: string | null;
}

/** Where the report's links point: commits on the repository's own server, the dashboard. */
export interface ReportLinks {
  /** `https://github.com/owner/repo` or the GHES equivalent. */
  repositoryUrl?: string;
  headCommit?: string;
  /** The dashboard's address, when the workflow set one (input `dashboard-url`). */
  dashboardUrl?: string;
  /** This run's page, for the full report when the comment is cut. */
  runUrl?: string;
}

function commitLink(commit: string, links: ReportLinks): string {
  const url = links.repositoryUrl ? `${links.repositoryUrl}/commit/${commit}` : undefined;
  return link(commit.slice(0, 12), url);
}

export function describeBase(base: BaseDescription, links: ReportLinks = {}): string {
  const head = links.headCommit ? `Head ${commitLink(links.headCommit, links)}. ` : "";
  const dashboard = links.dashboardUrl ? ` ${link("Dashboard", links.dashboardUrl)}.` : "";
  const run = base.url ? ` (${link("base run", base.url)})` : "";
  if (!base.commit) {
    return `${head}${
      base.mergeBase
        ? `No stored run on the base branch at or before the merge base ${commitLink(base.mergeBase, links)}: every benchmark is new.`
        : "No base run to compare with: every benchmark is new."
    }${dashboard}`;
  }
  const commit = commitLink(base.commit, links);
  if (base.mergeBase === null) {
    return `${head}Compared with the previous stored run of this branch, at ${commit}${run}.${dashboard}`;
  }
  if (base.distance === 0) {
    return `${head}Compared with the base branch at the merge base ${commit}${run}.${dashboard}`;
  }
  return `${head}The merge base ${commitLink(base.mergeBase ?? "", links)} has no stored run; compared with ${commit}${run}, the nearest earlier stored commit on the base branch (${base.distance} commit${base.distance === 1 ? "" : "s"} before it).${dashboard}`;
}

export function headline(comparisons: readonly Comparison[]): string {
  const counts = countVerdicts(comparisons);
  const parts = VERDICT_ORDER.filter((verdict) => counts[verdict] > 0).map(
    (verdict) => `${counts[verdict]} ${verdict}`,
  );
  return parts.length === 0 ? "no benchmarks" : parts.join(", ");
}

/**
 * One row per benchmark, showing the metric that decided its verdict; its other metrics that
 * also changed are named in the verdict cell, so a benchmark never counts twice.
 */
function row(benchmark: BenchmarkVerdict): string[] {
  const comparison = benchmark.worst;
  const also = benchmark.comparisons
    .slice(1)
    .filter((other) => other.verdict === "regressed" || other.verdict === "improved")
    .map((other) => `${other.metric} ${formatChange(other)}`);
  const verdict = notJudged(comparison)
    ? `${VERDICT_LABELS[comparison.verdict]}: ${escapeMarkdown(comparison.reason)}`
    : VERDICT_LABELS[comparison.verdict];
  return [
    inlineCode(comparison.id),
    escapeMarkdown(comparison.metric),
    escapeMarkdown(formatMeasurement(comparison.base, comparison.base?.unit ?? comparison.unit)),
    escapeMarkdown(formatMeasurement(comparison.head, comparison.head?.unit ?? comparison.unit)),
    escapeMarkdown(formatChange(comparison)),
    also.length > 0 ? `${verdict} (also ${escapeMarkdown(also.join(", "))})` : verdict,
  ];
}

const HEADERS = ["Benchmark", "Metric", "Base", "Head", "Change", "Verdict"];

/** The job summary: every benchmark, most severe first. */
export function summaryReport(
  comparisons: readonly Comparison[],
  base: BaseDescription,
  links: ReportLinks = {},
  title = "Benchmarks",
): Summary {
  return new Summary()
    .heading(`${title}: ${headline(comparisons)}`)
    .raw(describeBase(base, links))
    .table(HEADERS, byBenchmark(comparisons).map(row));
}

/**
 * The sticky pull-request comment: the same table, cut at a row boundary to fit GitHub's limit,
 * with a link to the full report when rows were left out.
 */
export function commentBody(
  comparisons: readonly Comparison[],
  base: BaseDescription,
  fullReportUrl: string | undefined,
  links: ReportLinks = {},
  { marker = COMMENT_MARKER, title = "Benchmarks", preface = "" } = {},
): string {
  const top = `${marker}\n## ${escapeMarkdown(title)}: ${escapeMarkdown(headline(comparisons))}\n\n${preface}${describeBase(base, links)}\n\n`;
  const header = `| ${HEADERS.join(" | ")} |\n|${HEADERS.map(() => " --- |").join("")}\n`;
  const lines = byBenchmark(comparisons).map((benchmark) => `| ${row(benchmark).join(" | ")} |\n`);
  const whole = `${top}${header}${lines.join("")}`;
  if (whole.length <= COMMENT_LIMIT) return whole;
  let body = `${top}${header}`;
  let kept = 0;
  const noteFor = (left: number) =>
    `\n${left} more row${left === 1 ? "" : "s"} left out to fit GitHub's comment limit; ${link("see the full report", fullReportUrl)}.\n`;
  for (const line of lines) {
    if (body.length + line.length + noteFor(lines.length).length > COMMENT_LIMIT) break;
    body += line;
    kept++;
  }
  return `${body}${noteFor(lines.length - kept)}`;
}
