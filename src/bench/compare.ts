import {
  type BenchmarkResult,
  higherIsBetter,
  isExactUnit,
  resultsByKey,
  type Unit,
} from "./results.ts";

export type Verdict = "regressed" | "noisy" | "removed" | "added" | "improved" | "unchanged";

/** Most severe first: the order of the report. */
export const VERDICT_ORDER: readonly Verdict[] = [
  "regressed",
  "noisy",
  "removed",
  "added",
  "improved",
  "unchanged",
];

export interface Thresholds {
  /** Exact counts (instructions, events): relative change that counts, e.g. 0.01 for 1%. */
  countRelative: number;
  /** ...and the smallest absolute change that counts, so tiny benchmarks do not flap. */
  countAbsolute: number;
  /** Wall time and throughput: relative change that counts, and intervals must not overlap. */
  timeRelative: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  countRelative: 0.01,
  countAbsolute: 100,
  timeRelative: 0.05,
};

export interface Comparison {
  id: string;
  metric: string;
  unit: Unit;
  verdict: Verdict;
  base: BenchmarkResult | undefined;
  head: BenchmarkResult | undefined;
  /** head − base, and that over base (undefined when either side is missing or base is 0). */
  change: number | undefined;
  relativeChange: number | undefined;
  /** Why the verdict, in words for the report. */
  reason: string;
}

/** Every benchmark of either side with its verdict, most severe first. */
export function compareResults(
  base: readonly BenchmarkResult[],
  head: readonly BenchmarkResult[],
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): Comparison[] {
  const baseByKey = resultsByKey(base, "base");
  const headByKey = resultsByKey(head, "head");
  const comparisons: Comparison[] = [];
  for (const [key, headResult] of headByKey) {
    comparisons.push(judge(baseByKey.get(key), headResult, thresholds));
  }
  for (const [key, baseResult] of baseByKey) {
    if (!headByKey.has(key)) comparisons.push(judge(baseResult, undefined, thresholds));
  }
  return sortBySeverity(comparisons);
}

/** Both sides measured, in different units: shown, never judged. */
export function unitChanged(comparison: Comparison): boolean {
  return !!comparison.base && !!comparison.head && comparison.base.unit !== comparison.head.unit;
}

/** Both sides measured, one saying smaller is better and the other bigger: shown, never judged. */
export function directionChanged(comparison: Comparison): boolean {
  const { base, head } = comparison;
  return (
    !!base &&
    !!head &&
    base.unit === head.unit &&
    higherIsBetter(base.unit, base.metric, base.direction) !==
      higherIsBetter(head.unit, head.metric, head.direction)
  );
}

/** A pair shown with the reason it was not judged (another unit or another direction). */
export function notJudged(comparison: Comparison): boolean {
  return unitChanged(comparison) || directionChanged(comparison);
}

export function sortBySeverity(comparisons: Comparison[]): Comparison[] {
  const rank = (verdict: Verdict) => VERDICT_ORDER.indexOf(verdict);
  return comparisons.sort(
    (a, b) =>
      rank(a.verdict) - rank(b.verdict) ||
      Math.abs(b.relativeChange ?? 0) - Math.abs(a.relativeChange ?? 0) ||
      a.id.localeCompare(b.id) ||
      a.metric.localeCompare(b.metric),
  );
}

function judge(
  base: BenchmarkResult | undefined,
  head: BenchmarkResult | undefined,
  thresholds: Thresholds,
): Comparison {
  const either = (head ?? base) as BenchmarkResult;
  const common = { id: either.id, metric: either.metric, unit: either.unit, base, head };
  if (!base)
    return {
      ...common,
      verdict: "added",
      change: undefined,
      relativeChange: undefined,
      reason: "new benchmark",
    };
  if (!head)
    return {
      ...common,
      verdict: "removed",
      change: undefined,
      relativeChange: undefined,
      reason: "no longer measured",
    };
  if (base.unit !== head.unit) {
    // bytes/s against elements/s, or ns against instructions, are different quantities: no
    // direction or size of change means anything, so the pair is shown but never judged.
    return {
      ...common,
      verdict: "noisy",
      change: undefined,
      relativeChange: undefined,
      reason: `unit changed from ${base.unit} to ${head.unit}, not compared`,
    };
  }
  const better = (result: BenchmarkResult) =>
    higherIsBetter(result.unit, result.metric, result.direction) ? "bigger" : "smaller";
  if (better(base) !== better(head)) {
    // Judged by the head's direction alone, a pull request that flips `direction` (or the
    // json-direction input) would turn a regression into an improvement.
    return {
      ...common,
      verdict: "noisy",
      change: undefined,
      relativeChange: undefined,
      reason: `better direction changed from ${better(base)} to ${better(head)}, not compared`,
    };
  }
  const change = head.value - base.value;
  const relativeChange = base.value === 0 ? (change === 0 ? 0 : undefined) : change / base.value;
  const worse = better(head) === "bigger" ? change < 0 : change > 0;
  const direction: Verdict = worse ? "regressed" : "improved";
  const outcome = (verdict: Verdict, reason: string): Comparison => ({
    ...common,
    verdict,
    change,
    relativeChange,
    reason,
  });
  const size = relativeChange === undefined ? Number.POSITIVE_INFINITY : Math.abs(relativeChange);
  if (isExactUnit(head.unit)) {
    if (Math.abs(change) < thresholds.countAbsolute) {
      return outcome("unchanged", `below the absolute floor of ${thresholds.countAbsolute}`);
    }
    if (size < thresholds.countRelative) {
      return outcome("unchanged", `below the ${percent(thresholds.countRelative)} threshold`);
    }
    return outcome(
      direction,
      `beyond ${percent(thresholds.countRelative)} and ${thresholds.countAbsolute}`,
    );
  }
  if (size < thresholds.timeRelative) {
    return outcome("unchanged", `below the ${percent(thresholds.timeRelative)} threshold`);
  }
  if (intervalsOverlap(base, head)) {
    return outcome("noisy", "beyond the threshold, but the confidence intervals overlap");
  }
  return outcome(direction, `beyond ${percent(thresholds.timeRelative)}; intervals apart`);
}

/** Without intervals on both sides there is nothing to say the change is noise. */
export function intervalsOverlap(a: BenchmarkResult, b: BenchmarkResult): boolean {
  if (a.lower === null || a.upper === null || b.lower === null || b.upper === null) return false;
  return a.lower <= b.upper && b.lower <= a.upper;
}

export function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(3))}%`;
}

/** One benchmark with all its metrics; its verdict is its worst metric's. */
export interface BenchmarkVerdict {
  id: string;
  verdict: Verdict;
  /** The metric that decided the verdict: the most severe, then the largest change. */
  worst: Comparison;
  comparisons: Comparison[];
}

/**
 * Comparisons folded per benchmark, most severe first. Wall time and throughput of one Criterion
 * benchmark, or the events of one Callgrind run, are one benchmark: it regresses once, and the
 * report names the worst metric.
 */
export function byBenchmark(comparisons: readonly Comparison[]): BenchmarkVerdict[] {
  const groups = new Map<string, Comparison[]>();
  for (const comparison of sortBySeverity([...comparisons])) {
    const group = groups.get(comparison.id) ?? [];
    group.push(comparison);
    groups.set(comparison.id, group);
  }
  return [...groups].map(([id, group]) => {
    const worst = group[0] as Comparison;
    return { id, verdict: worst.verdict, worst, comparisons: group };
  });
}

/** Benchmarks per verdict (a benchmark counts once, by its worst metric). */
export function countVerdicts(comparisons: readonly Comparison[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICT_ORDER.map((verdict) => [verdict, 0])) as Record<
    Verdict,
    number
  >;
  for (const benchmark of byBenchmark(comparisons)) counts[benchmark.verdict]++;
  return counts;
}
