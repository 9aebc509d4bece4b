import { escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
import {
  type Comparison,
  countVerdicts,
  percent,
  unitChanged,
  VERDICT_ORDER,
  type Verdict,
} from "./compare.ts";
import type { Unit } from "./results.ts";

/** GitHub refuses issue comments longer than this many characters. */
export const COMMENT_LIMIT = 65_536;
export const COMMENT_MARKER = "<!-- status-gate:bench -->";

/** What the head was compared with, said plainly in every report. */
export interface BaseDescription {
  commit: string | null;
  mergeBase: string | null;
  /** Commits between the merge base and the stored run used instead (0: exactly the merge base). */
  distance: number;
  url: string | null;
}

const ICONS: Record<Verdict, string> = {
  regressed: "🔴 regressed",
  noisy: "🟡 noisy",
  removed: "⚪ removed",
  added: "🆕 added",
  improved: "🟢 improved",
  unchanged: "unchanged",
};

export function formatValue(value: number | undefined, unit: Unit): string {
  if (value === undefined) return "";
  if (unit === "ns") {
    const scales: [number, string][] = [
      [1e9, "s"],
      [1e6, "ms"],
      [1e3, "µs"],
      [1, "ns"],
    ];
    const [factor, name] = scales.find(([scale]) => Math.abs(value) >= scale) ?? [1, "ns"];
    return `${Number((value / factor).toPrecision(4))} ${name}`;
  }
  if (unit === "%") return `${Number(value.toPrecision(4))}%`;
  const rounded = Number.isInteger(value) ? value : Number(value.toPrecision(4));
  return `${rounded.toLocaleString("en-US")} ${unit}`;
}

export function formatChange(comparison: Comparison): string {
  if (comparison.relativeChange === undefined) return comparison.change === undefined ? "" : "∞";
  const sign = comparison.relativeChange > 0 ? "+" : "";
  return `${sign}${percent(comparison.relativeChange)}`;
}

export function describeBase(base: BaseDescription): string {
  if (!base.commit) {
    return base.mergeBase
      ? `No stored run on the base branch at or before the merge base ${escapeMarkdown(base.mergeBase.slice(0, 12))}: every benchmark is new.`
      : "No base run to compare with: every benchmark is new.";
  }
  const commit = link(base.commit.slice(0, 12), base.url ?? undefined);
  if (base.distance === 0) return `Compared with the base branch at the merge base ${commit}.`;
  return `The merge base ${escapeMarkdown((base.mergeBase ?? "").slice(0, 12))} has no stored run; compared with ${commit}, the nearest earlier stored commit on the base branch (${base.distance} commit${base.distance === 1 ? "" : "s"} before it).`;
}

export function headline(comparisons: readonly Comparison[]): string {
  const counts = countVerdicts(comparisons);
  const parts = VERDICT_ORDER.filter((verdict) => counts[verdict] > 0).map(
    (verdict) => `${counts[verdict]} ${verdict}`,
  );
  return parts.length === 0 ? "no benchmarks" : parts.join(", ");
}

function row(comparison: Comparison): string[] {
  return [
    inlineCode(comparison.id),
    escapeMarkdown(comparison.metric),
    escapeMarkdown(formatValue(comparison.base?.value, comparison.base?.unit ?? comparison.unit)),
    escapeMarkdown(formatValue(comparison.head?.value, comparison.head?.unit ?? comparison.unit)),
    escapeMarkdown(formatChange(comparison)),
    unitChanged(comparison)
      ? `${ICONS[comparison.verdict]}: ${escapeMarkdown(comparison.reason)}`
      : ICONS[comparison.verdict],
  ];
}

const HEADERS = ["Benchmark", "Metric", "Base", "Head", "Change", "Verdict"];

/** The job summary: every benchmark, most severe first. */
export function summaryReport(comparisons: readonly Comparison[], base: BaseDescription): Summary {
  return new Summary()
    .heading(`Benchmarks: ${headline(comparisons)}`)
    .raw(describeBase(base))
    .table(HEADERS, comparisons.map(row));
}

/**
 * The sticky pull-request comment: the same table, cut at a row boundary to fit GitHub's limit,
 * with a link to the full report when rows were left out.
 */
export function commentBody(
  comparisons: readonly Comparison[],
  base: BaseDescription,
  fullReportUrl: string | undefined,
): string {
  const top = `${COMMENT_MARKER}\n## Benchmarks: ${escapeMarkdown(headline(comparisons))}\n\n${describeBase(base)}\n\n`;
  const header = `| ${HEADERS.join(" | ")} |\n|${HEADERS.map(() => " --- |").join("")}\n`;
  const lines = comparisons.map((comparison) => `| ${row(comparison).join(" | ")} |\n`);
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
