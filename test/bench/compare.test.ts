import { describe, expect, it } from "vitest";
import { compareResults, DEFAULT_THRESHOLDS, type Thresholds } from "../../src/bench/compare.ts";
import { mergedPullRequestOf } from "../../src/bench/context.ts";
import { readThresholds } from "../../src/bench/inputs.ts";
import {
  COMMENT_LIMIT,
  COMMENT_MARKER,
  commentBody,
  describeBase,
  summaryReport,
} from "../../src/bench/report.ts";
import type { BenchmarkResult, Unit } from "../../src/bench/results.ts";

function result(
  id: string,
  value: number,
  unit: Unit = "instructions",
  spread = 0,
  metric?: string,
): BenchmarkResult {
  return {
    id,
    metric:
      metric ??
      (unit === "ns" ? "wall-time" : unit === "instructions" ? "instructions" : "throughput"),
    value,
    unit,
    lower: value - spread,
    upper: value + spread,
    source: "test",
  };
}

const thresholds: Thresholds = { countRelative: 0.01, countAbsolute: 100, timeRelative: 0.05 };
const verdictOf = (base: BenchmarkResult, head: BenchmarkResult, with_ = thresholds) =>
  compareResults([base], [head], with_)[0]?.verdict;

describe("instruction counts", () => {
  it("alerts on a change past the relative threshold even though the history has zero spread", () => {
    expect(verdictOf(result("parse", 1_000_000), result("parse", 1_020_000))).toBe("regressed");
    expect(verdictOf(result("parse", 1_000_000), result("parse", 980_000))).toBe("improved");
  });

  it("stays quiet below the relative threshold", () => {
    expect(verdictOf(result("parse", 1_000_000), result("parse", 1_009_000))).toBe("unchanged");
  });

  it("stays quiet below the absolute floor however large the relative change", () => {
    expect(verdictOf(result("tiny", 100), result("tiny", 150))).toBe("unchanged");
    expect(
      verdictOf(result("tiny", 100), result("tiny", 150), { ...thresholds, countAbsolute: 10 }),
    ).toBe("regressed");
  });
});

describe("wall time", () => {
  it("counts a change only past the threshold with intervals apart", () => {
    expect(verdictOf(result("fib", 100, "ns", 1), result("fib", 110, "ns", 1))).toBe("regressed");
    expect(verdictOf(result("fib", 100, "ns", 1), result("fib", 90, "ns", 1))).toBe("improved");
  });

  it("reports overlapping intervals as noisy, not as a regression", () => {
    expect(verdictOf(result("fib", 100, "ns", 8), result("fib", 110, "ns", 8))).toBe("noisy");
  });

  it("ignores a change below the threshold even with intervals apart", () => {
    expect(verdictOf(result("fib", 100, "ns", 0.1), result("fib", 103, "ns", 0.1))).toBe(
      "unchanged",
    );
  });

  it("treats lower throughput as the regression", () => {
    expect(verdictOf(result("io", 1000, "bytes/s", 1), result("io", 800, "bytes/s", 1))).toBe(
      "regressed",
    );
  });
});

describe("cache rates", () => {
  it("treats a falling L1 hit rate as the regression and a rising miss rate too", () => {
    const rate = (value: number, metric: string) => result("game", value, "%", 0, metric);
    expect(verdictOf(rate(99, "L1HitRate"), rate(90, "L1HitRate"))).toBe("regressed");
    expect(verdictOf(rate(90, "cachegrind.L1HitRate"), rate(99, "cachegrind.L1HitRate"))).toBe(
      "improved",
    );
    expect(verdictOf(rate(1, "D1MissRate"), rate(2, "D1MissRate"))).toBe("regressed");
    expect(verdictOf(rate(1, "RamHitRate"), rate(2, "RamHitRate"))).toBe("regressed");
  });
});

describe("thresholds", () => {
  const read = (values: Record<string, string>) =>
    readThresholds(
      (name) => values[name],
      (name) => `input '${name}'`,
    );

  it("reads percentages and fractions", () => {
    expect(read({ "time-threshold": "5%", "instruction-threshold": "0.02" })).toMatchObject({
      timeRelative: 0.05,
      countRelative: 0.02,
    });
  });

  it("refuses a bare number above 1 instead of reading 5 as 500%", () => {
    expect(() => read({ "time-threshold": "5" })).toThrow(/input 'time-threshold' is '5'.*5%/);
    expect(() => read({ "instruction-threshold": "2" })).toThrow(/instruction-threshold.*2%/);
  });
});

describe("the set of benchmarks", () => {
  it("lists added and removed benchmarks, most severe verdict first", () => {
    const comparisons = compareResults(
      [result("kept", 1000, "ns", 1), result("gone", 5), result("slow", 1_000_000)],
      [result("kept", 1001, "ns", 1), result("new", 7), result("slow", 2_000_000)],
      DEFAULT_THRESHOLDS,
    );
    expect(comparisons.map((comparison) => [comparison.id, comparison.verdict])).toEqual([
      ["slow", "regressed"],
      ["gone", "removed"],
      ["new", "added"],
      ["kept", "unchanged"],
    ]);
  });
});

describe("the same benchmark twice on one side", () => {
  it("is refused naming both sources instead of the last one winning", () => {
    const from = (source: string, value: number) => ({ ...result("parse", value), source });
    expect(() =>
      compareResults([from("base-a.txt", 1), from("base-b.txt", 2)], [result("parse", 3)]),
    ).toThrow(
      "benchmark 'parse' (instructions) appears twice in the base: in both base-a.txt and base-b.txt",
    );
    expect(() =>
      compareResults([result("parse", 1)], [from("head-a.txt", 1), from("head-b.txt", 2)]),
    ).toThrow(/twice in the head: in both head-a\.txt and head-b\.txt/);
  });
});

describe("a benchmark whose unit changed", () => {
  it("is never compared across units, and is shown as noisy saying so", () => {
    const comparisons = compareResults(
      [
        result("encode", 1_000, "bytes/s", 0, "throughput"),
        result("decode", 1_000, "ns", 0, "wall-time"),
      ],
      [
        result("encode", 10, "elements/s", 0, "throughput"),
        result("decode", 5_000_000, "instructions", 0, "wall-time"),
      ],
    );
    expect(comparisons.map((c) => [c.id, c.verdict, c.reason, c.change])).toEqual([
      ["decode", "noisy", "unit changed from ns to instructions, not compared", undefined],
      ["encode", "noisy", "unit changed from bytes/s to elements/s, not compared", undefined],
    ]);
    const base = { commit: "a".repeat(40), mergeBase: "a".repeat(40), distance: 0, url: null };
    const markdown = summaryReport(comparisons, base).toString();
    expect(markdown).toContain("1,000 bytes/s");
    expect(markdown).toContain("10 elements/s");
    expect(markdown).toContain("noisy: unit changed from bytes/s to elements/s, not compared");
  });
});

describe("reports", () => {
  const base = { commit: "a".repeat(40), mergeBase: "a".repeat(40), distance: 0, url: null };

  it("writes a job summary table of benchmark, base, head, change and verdict", () => {
    const comparisons = compareResults(
      [result("parse|<b>", 1_000_000)],
      [result("parse|<b>", 1_100_000)],
    );
    const markdown = summaryReport(comparisons, base).toString();
    expect(markdown).toContain("| Benchmark | Metric | Base | Head | Change | Verdict |");
    expect(markdown).toContain("&lt;b&gt;");
    expect(markdown).not.toContain("<b>");
    expect(
      markdown
        .split("\n")
        .at(-2)
        ?.split(/(?<!\\)\|/).length,
    ).toBe(8);
    expect(markdown).toContain("1,000,000 instructions");
    expect(markdown).toContain("\\+10%");
    expect(markdown).toContain("regressed");
  });

  it("says when the base is the nearest earlier stored commit rather than the merge base", () => {
    const text = describeBase({
      commit: "b".repeat(40),
      mergeBase: "c".repeat(40),
      distance: 2,
      url: null,
    });
    expect(text).toContain("has no stored run");
    expect(text).toContain("nearest earlier stored commit");
    expect(text).toContain("2 commits before it");
  });

  it("says when the base is exactly the merge base, and when there is no base at all", () => {
    expect(describeBase(base)).toBe(
      `Compared with the base branch at the merge base ${"a".repeat(12)}.`,
    );
    const none = describeBase({ commit: null, mergeBase: "d".repeat(40), distance: 0, url: null });
    expect(none).toContain(
      `No stored run on the base branch at or before the merge base ${"d".repeat(12)}`,
    );
  });

  it("keeps the sticky comment under GitHub's limit with a link to the full report", () => {
    const many = Array.from({ length: 3000 }, (_, index) =>
      result(`benchmark/${index}/${"x".repeat(20)}`, 1000 + index),
    );
    const body = commentBody(
      compareResults([], many),
      base,
      "https://github.com/o/r/actions/runs/1",
    );
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toMatch(
      /\d+ more rows left out to fit GitHub's comment limit; <a href="https:\/\/github\.com\/o\/r\/actions\/runs\/1">see the full report<\/a>/,
    );
    const small = commentBody(compareResults([], many.slice(0, 3)), base, undefined);
    expect(small).not.toContain("left out");
  });
});

describe("the pull request a pushed commit came from", () => {
  it("is read from merge and squash messages, and absent otherwise", () => {
    expect(mergedPullRequestOf("Merge pull request #4521 from wasmcloud/fast-host\n\nFaster")).toBe(
      4521,
    );
    expect(mergedPullRequestOf("feat(host): faster start (#4522)\n\n* squashed")).toBe(4522);
    expect(mergedPullRequestOf("fix: see #12 for details")).toBeNull();
    expect(mergedPullRequestOf(undefined)).toBeNull();
  });
});
