import { describe, expect, it } from "vitest";
import { compareResults, countVerdicts } from "../../src/bench/compare.ts";
import { commentBody, summaryReport } from "../../src/bench/report.ts";
import type { BenchmarkResult } from "../../src/bench/results.ts";

const criterion = (time: number): BenchmarkResult[] => [
  {
    id: "parse",
    metric: "wall-time",
    unit: "ns",
    value: time,
    lower: time - 2,
    upper: time + 2,
    source: "a",
  },
  {
    id: "parse",
    metric: "throughput",
    unit: "elements/s",
    value: 1e9 / time,
    lower: 1e9 / (time + 2),
    upper: 1e9 / (time - 2),
    source: "a",
  },
];

describe("the report counts a benchmark once, however many metrics regressed", () => {
  const comparisons = compareResults(criterion(100), criterion(150));
  const base = { commit: "a".repeat(40), mergeBase: "a".repeat(40), distance: 0, url: null };
  const links = {
    repositoryUrl: "https://ghes.example.com/o/r",
    headCommit: "b".repeat(40),
    dashboardUrl: "https://perf.example.com/",
  };

  it("one regression, the worst metric named, the other said in the verdict", () => {
    expect(countVerdicts(comparisons).regressed).toBe(1);
    const summary = summaryReport(comparisons, base, links).toString();
    expect(summary).toContain("Benchmarks\\: 1 regressed");
    const rows = summary.split("\n").filter((line) => line.startsWith("| <code>"));
    expect(rows).toEqual([
      "| <code>parse</code> | wall\\-time | 100 ns ± 2 ns \\(±2%\\) | 150 ns ± 2 ns \\(±1\\.33%\\) | \\+50% | 🔴 regressed (also throughput \\-33\\.3%) |",
    ]);
  });

  it("links the head and base commits on the run's server, and the dashboard", () => {
    const body = commentBody(comparisons, base, undefined, links);
    expect(body).toContain(
      `Head <a href="https://ghes.example.com/o/r/commit/${"b".repeat(40)}">bbbbbbbbbbbb</a>.`,
    );
    expect(body).toContain(
      `merge base <a href="https://ghes.example.com/o/r/commit/${"a".repeat(40)}">aaaaaaaaaaaa</a>`,
    );
    expect(body).toContain('<a href="https://perf.example.com/">Dashboard</a>');
  });
});
