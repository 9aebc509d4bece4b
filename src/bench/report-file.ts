import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { byBenchmark, type Comparison } from "./compare.ts";
import type { BenchOutcome } from "./run.ts";

/** The comparison as `status-gate bench compare --format json` prints it. */
export function comparisonJson(comparisons: readonly Comparison[]) {
  return {
    comparisons: comparisons.map((comparison) => ({
      id: comparison.id,
      metric: comparison.metric,
      unit: comparison.unit,
      verdict: comparison.verdict,
      base: comparison.base?.value ?? null,
      head: comparison.head?.value ?? null,
      change: comparison.change ?? null,
      relativeChange: comparison.relativeChange ?? null,
      reason: comparison.reason,
      lower: { base: comparison.base?.lower ?? null, head: comparison.head?.lower ?? null },
      upper: { base: comparison.base?.upper ?? null, head: comparison.head?.upper ?? null },
    })),
    // One verdict per benchmark (its worst metric), as the reports count them.
    benchmarks: byBenchmark(comparisons).map((benchmark) => ({
      id: benchmark.id,
      verdict: benchmark.verdict,
      metric: benchmark.worst.metric,
      relativeChange: benchmark.worst.relativeChange ?? null,
    })),
  };
}

/** The full report as a JSON file, for artifacts and later steps. */
export function writeReportFile(directory: string, outcome: BenchOutcome): string {
  const path = join(directory, "status-gate-bench-report.json");
  const report = {
    mode: outcome.mode,
    base: outcome.base ?? null,
    runKey: outcome.runKey ?? null,
    regressions: outcome.regressions,
    results: outcome.results,
    ...comparisonJson(outcome.comparisons),
  };
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
