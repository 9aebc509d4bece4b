import { describe, expect, it } from "vitest";
import { compareResults } from "../../src/bench/compare.ts";
import { parseResultText } from "../../src/bench/parse.ts";

describe("generic JSON results", () => {
  it("reads the documented format: name, value, unit, direction and range", () => {
    const text = JSON.stringify({
      benchmarks: [
        { name: "binary size", value: 7, unit: "MiB", direction: "smaller" },
        { name: "requests", value: 5200, unit: "req/s", direction: "bigger", range: "± 40" },
        { name: "p99 latency", value: 1.5, unit: "ms", lower: 1.4, upper: 1.7 },
      ],
    });
    expect(parseResultText(text, "custom.json")).toEqual([
      {
        id: "binary size",
        metric: "value",
        value: 7 * 1024 ** 2,
        unit: "bytes",
        lower: null,
        upper: null,
        source: "custom.json",
        direction: "smaller",
      },
      {
        id: "requests",
        metric: "value",
        value: 5200,
        unit: "req/s",
        lower: 5160,
        upper: 5240,
        source: "custom.json",
        direction: "bigger",
      },
      {
        id: "p99 latency",
        metric: "value",
        value: 1_500_000,
        unit: "ns",
        lower: 1_400_000,
        upper: 1_700_000,
        source: "custom.json",
        direction: "smaller",
      },
    ]);
  });

  it("accepts github-action-benchmark's custom format as it is, direction from the caller", () => {
    const text = JSON.stringify([
      {
        name: "My Custom Bigger Is Better Benchmark - Throughput",
        unit: "req/s",
        value: 70,
        range: "+/- 2",
        extra: "Value: 70",
      },
    ]);
    const [smaller] = parseResultText(text, "gab.json");
    expect(smaller).toMatchObject({ direction: "smaller", lower: 68, upper: 72, unit: "req/s" });
    const [bigger] = parseResultText(text, "gab.json", { direction: "bigger" });
    expect(bigger?.direction).toBe("bigger");
  });

  it("judges by the direction the entry gives: less throughput is a regression", () => {
    const entry = (value: number) =>
      JSON.stringify([{ name: "rps", value, unit: "req/s", direction: "bigger", range: "±1" }]);
    const [comparison] = compareResults(
      parseResultText(entry(100), "base.json"),
      parseResultText(entry(80), "head.json"),
    );
    expect(comparison).toMatchObject({ verdict: "regressed", relativeChange: -0.2 });
    const [better] = compareResults(
      parseResultText(entry(100), "base.json"),
      parseResultText(entry(120), "head.json"),
    );
    expect(better?.verdict).toBe("improved");
  });

  it("names the file, line and entry of a bad one", () => {
    const text =
      '{"benchmarks": [\n  {"name": "a", "value": 1, "unit": "ms"},\n  {"name": "b", "value": "fast", "unit": "ms"}\n]}';
    expect(() => parseResultText(text, "custom.json")).toThrow(
      "custom.json:3: entry 2 ('b'): 'value' is \"fast\"; use a finite number",
    );
    expect(() =>
      parseResultText('[{"name": "a", "value": 1, "unit": "ms", "direction": "up"}]', "d.json"),
    ).toThrow('d.json:1: entry 1 (\'a\'): \'direction\' is "up"; use "smaller" or "bigger"');
    expect(() => parseResultText('[{"value": 1, "unit": "ms"}]', "n.json")).toThrow(
      "n.json:1: entry 1: 'name' must be a non-empty string",
    );
    expect(() => parseResultText("[]", "e.json")).toThrow("e.json:1: the file lists no benchmarks");
    expect(() =>
      parseResultText('[{"name": "a", "value": 1, "unit": "ms", "range": "wide"}]', "r.json"),
    ).toThrow("'range' is \"wide\"");
  });
});
