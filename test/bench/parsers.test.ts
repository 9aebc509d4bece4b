import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBencherLines } from "../../src/bench/bencher.ts";
import { parseCargoCriterionLines, parseCriterionMeasurement } from "../../src/bench/criterion.ts";
import { parseGungraunSummary } from "../../src/bench/gungraun.ts";
import { parseResultPaths } from "../../src/bench/parse.ts";
import type { BenchmarkResult } from "../../src/bench/results.ts";
import { parseValgrindFile, valgrindResults } from "../../src/bench/valgrind.ts";
import { ConfigurationError } from "../../src/core/errors.ts";
import { CORPUS, CORPUS_SKIP, FIXTURES, HAS_CORPUS, temporaryDirectory } from "./helpers.ts";

const read = (path: string) => readFileSync(path, "utf8");
const byKey = (results: BenchmarkResult[]) =>
  new Map(results.map((result) => [`${result.id} ${result.metric}`, result]));

describe.skipIf(!HAS_CORPUS)(`the real corpus (${CORPUS_SKIP})`, () => {
  it("reads every Criterion 0.3.6 benchmark by full_id from new/, with the slope and its interval", () => {
    const results = byKey(parseResultPaths([join(CORPUS, "criterion-0.3.6")], "/"));
    const estimates = JSON.parse(read(join(CORPUS, "criterion-0.3.6/fib 10/new/estimates.json")));
    expect(results.get("fib 10 wall-time")).toMatchObject({
      unit: "ns",
      value: estimates.slope.point_estimate,
      lower: estimates.slope.confidence_interval.lower_bound,
      upper: estimates.slope.confidence_interval.upper_bound,
    });
    expect([...results.keys()].sort()).toEqual([
      "Fibonacci/Recursive/15 throughput",
      "Fibonacci/Recursive/15 wall-time",
      "Fibonacci/Recursive/20 throughput",
      "Fibonacci/Recursive/20 wall-time",
      "fib 10 wall-time",
    ]);
  });

  it("turns element throughput into elements per second from the same typical time", () => {
    const results = byKey(parseResultPaths([join(CORPUS, "criterion-0.3.6/Fibonacci")], "/"));
    const time = results.get("Fibonacci/Recursive/20 wall-time");
    const rate = results.get("Fibonacci/Recursive/20 throughput");
    expect(rate?.unit).toBe("elements/s");
    expect(rate?.value).toBeCloseTo((20 * 1e9) / (time?.value ?? 0), 6);
    // The human report of the same run says 1.3457 Melem/s for the slope.
    expect((rate?.value ?? 0) / 1e6).toBeCloseTo(1.3457, 3);
  });

  it("reads the bencher lines Criterion printed (no thousands separators in 0.3.6)", () => {
    const file = join(CORPUS, "criterion-0.3.6/stdout.bencher-format.txt");
    const results = parseBencherLines(read(file), file);
    expect(results.map((result) => [result.id, result.value, result.lower, result.upper])).toEqual([
      ["fib 10", 119, 119, 119],
      ["Fibonacci/Recursive/15", 1403, 1260, 1546],
      ["Fibonacci/Recursive/20", 14805, 14774, 14836],
    ]);
  });

  it("reads Cachegrind's summary and Callgrind's totals, which win over its summary", () => {
    const directory = join(CORPUS, "valgrind-3.19");
    const cachegrind = parseValgrindFile(
      read(join(directory, "cachegrind.out.fib")),
      "cachegrind.out.fib",
    );
    expect(cachegrind).toMatchObject({ tool: "cachegrind", id: "fib" });
    expect(cachegrind.totals.get("Ir")).toBe(444352);
    const simulated = parseValgrindFile(read(join(directory, "cl.sim.out")), "cl.sim.out");
    const summaryLine = read(join(directory, "cl.sim.out")).match(/^summary: (.*)$/m)?.[1];
    const totalsLine = read(join(directory, "cl.sim.out")).match(/^totals: (.*)$/m)?.[1];
    expect(summaryLine).not.toBe(totalsLine);
    expect([...simulated.totals.values()].join(" ")).toBe(totalsLine);
    const callgrind = parseValgrindFile(
      read(join(directory, "callgrind.out.fib")),
      "callgrind.out.fib",
    );
    expect(callgrind.totals.get("Ir")).toBe(443176);
  });

  it("reads the gungraun v6 summary's Int and Float metrics", () => {
    const file = join(CORPUS, "gungraun/summary-v6.0.json");
    const results = byKey(parseGungraunSummary(read(file), file));
    const id = "play_game::bench_play_game_group::bench_play_game_100::some_id";
    expect(results.get(`${id} D1mr`)).toMatchObject({ value: 6, unit: "events" });
    expect(results.get(`${id} D1MissRate`)).toMatchObject({ value: 0.1, unit: "%" });
  });

  it("never reads Criterion's base/ copy as a result", () => {
    using copy = temporaryDirectory();
    cpSync(join(CORPUS, "criterion-0.3.6/fib 10"), join(copy.path, "fib 10"), { recursive: true });
    writeFileSync(join(copy.path, "fib 10/base/estimates.json"), "{ broken");
    const results = parseResultPaths([copy.path], "/");
    expect(results.map((result) => result.id)).toEqual(["fib 10"]);
  });
});

describe("Criterion trees", () => {
  it("uses the mean when the slope is null, keeping the mean's interval", () => {
    const estimates = JSON.parse(read(join(FIXTURES, "criterion/fib 10/new/estimates.json")));
    estimates.slope = null;
    const [result] = parseCriterionMeasurement({
      benchmarkFile: "benchmark.json",
      benchmarkJson: read(join(FIXTURES, "criterion/fib 10/new/benchmark.json")),
      estimatesFile: "estimates.json",
      estimatesJson: JSON.stringify(estimates),
    });
    expect(result).toMatchObject({
      value: estimates.mean.point_estimate,
      lower: estimates.mean.confidence_interval.lower_bound,
      upper: estimates.mean.confidence_interval.upper_bound,
    });
  });

  it("keys a benchmark by full_id, not by its sanitised directory name", () => {
    using tree = temporaryDirectory();
    cpSync(join(FIXTURES, "criterion/fib 10"), join(tree.path, "fib_10_2"), { recursive: true });
    const benchmark = JSON.parse(read(join(tree.path, "fib_10_2/new/benchmark.json")));
    benchmark.full_id = "group/a very long name: with / slashes?";
    writeFileSync(join(tree.path, "fib_10_2/new/benchmark.json"), JSON.stringify(benchmark));
    expect(parseResultPaths([tree.path], "/")[0]?.id).toBe(
      "group/a very long name: with / slashes?",
    );
  });

  it("refuses a truncated estimates.json, naming the file and line", () => {
    using tree = temporaryDirectory();
    cpSync(join(FIXTURES, "criterion"), tree.path, { recursive: true });
    const file = join(tree.path, "fib 10/new/estimates.json");
    writeFileSync(file, read(file).slice(0, 120).replace(/,/, ",\n"));
    expect(() => parseResultPaths(["."], tree.path)).toThrow(
      /fib 10\/new\/estimates\.json:2: the JSON ends early/,
    );
  });

  it("refuses an empty benchmark.json and a sample.json with mismatched arrays", () => {
    using tree = temporaryDirectory();
    cpSync(join(FIXTURES, "criterion/fib 10"), tree.path, { recursive: true });
    writeFileSync(join(tree.path, "new/sample.json"), '{"iters":[1,2],"times":[1]}');
    expect(() => parseResultPaths(["."], tree.path)).toThrow(
      /new\/sample\.json:1: expected 'iters' and 'times'/,
    );
    writeFileSync(join(tree.path, "new/benchmark.json"), "");
    expect(() => parseResultPaths(["."], tree.path)).toThrow(
      /new\/benchmark\.json:1: the file is empty/,
    );
  });

  it("refuses a new/ directory that lost its estimates.json", () => {
    using tree = temporaryDirectory();
    cpSync(join(FIXTURES, "criterion/fib 10"), tree.path, { recursive: true });
    rmSync(join(tree.path, "new/estimates.json"));
    expect(() => parseResultPaths(["."], tree.path)).toThrow(/new\/estimates\.json: missing/);
  });
});

describe("bencher and cargo-criterion output", () => {
  it("reads thousands separators as Criterion 0.5 prints them", () => {
    const text = "test parse/big ... bench:   1,234,567 ns/iter (+/- 8,901)\nrunning 1 test\n";
    expect(parseBencherLines(text, "out.txt")[0]).toMatchObject({
      id: "parse/big",
      value: 1234567,
      lower: 1234567 - 8901,
      upper: 1234567 + 8901,
      unit: "ns",
    });
  });

  it("refuses a bench line cut short, and a file with no bench lines", () => {
    expect(() =>
      parseBencherLines("test a ... bench: 12 ns/iter (+/- 1)\ntest b ... bench:  1,2", "o.txt"),
    ).toThrow(/o\.txt:2: unreadable bencher line/);
    expect(() => parseBencherLines("", "empty.txt")).toThrow(/empty\.txt:1: the file is empty/);
  });

  it("reads cargo-criterion JSON lines: typical value in ns, the % change fractions ignored", () => {
    const lines = [
      JSON.stringify({
        reason: "benchmark-complete",
        id: "fib/20",
        report_directory: "target/criterion/reports/fib/20",
        iteration_count: [10, 20],
        measured_values: [150000, 300000],
        unit: "ns",
        throughput: [{ per_iteration: 1024, unit: "bytes" }],
        typical: { estimate: 14.8, lower_bound: 14.7, upper_bound: 14.9, unit: "us" },
        mean: { estimate: 14.9, lower_bound: 14.7, upper_bound: 15, unit: "us" },
        slope: null,
        change: {
          mean: { estimate: 0.012, lower_bound: 0.001, upper_bound: 0.02, unit: "%" },
          change: "NoChange",
        },
      }),
      JSON.stringify({ reason: "group-complete", group_name: "fib", benchmarks: ["fib/20"] }),
    ].join("\n");
    const [time, rate] = parseCargoCriterionLines(lines, "messages.jsonl");
    expect(time).toMatchObject({
      id: "fib/20",
      value: 14800,
      lower: 14700,
      upper: 14900,
      unit: "ns",
    });
    expect(rate).toMatchObject({ unit: "bytes/s" });
    expect(rate?.value).toBeCloseTo((1024 * 1e9) / 14800, 6);
  });

  it("refuses a cut JSON line, naming its line", () => {
    const text = `${JSON.stringify({ reason: "group-complete" })}\n{"reason":"benchmark-complete","id":"x","typ`;
    expect(() => parseCargoCriterionLines(text, "m.jsonl")).toThrow(
      /m\.jsonl:2: the JSON ends early/,
    );
  });
});

describe("Valgrind files", () => {
  const callgrind = (body: string) =>
    `# callgrind format\nversion: 1\ncreator: callgrind-3.19.0\ncmd: ./bench\npositions: line\nevents: Ir Dr\nsummary: 30 4\n\n${body}`;

  it("sums the files of one benchmark (threads and parts) per event", () => {
    // Callgrind's header says the part and thread a file's name ends in.
    const one = parseValgrindFile(
      callgrind("part: 1\nthread: 1\nfn=(1) main\n3 10 2\ntotals: 10 2\n"),
      "callgrind.out.parse.1-01",
    );
    const two = parseValgrindFile(
      callgrind("part: 2\nthread: 2\nfn=(1) main\n3 20 2\ntotals: 20 2\n"),
      "callgrind.out.parse.2-02",
    );
    const results = valgrindResults([
      { file: "a", parsed: one },
      { file: "b", parsed: two },
    ]);
    expect(results).toEqual([
      {
        id: "parse",
        metric: "instructions",
        value: 30,
        unit: "instructions",
        lower: 30,
        upper: 30,
        source: "a, b",
      },
      { id: "parse", metric: "Dr", value: 4, unit: "events", lower: 4, upper: 4, source: "a, b" },
    ]);
  });

  it("names a pid-only file after the program it ran", () => {
    const parsed = parseValgrindFile(callgrind("totals: 1 0\n"), "callgrind.out.12345");
    expect(parsed.id).toBe("bench");
  });

  it("refuses a compressed name used before it is defined", () => {
    expect(() =>
      parseValgrindFile(callgrind("fn=(7)\n1 1\ntotals: 1 0\n"), "callgrind.out.x"),
    ).toThrow(/callgrind\.out\.x:9: 'fn=\(7\)' refers to a name never defined/);
  });

  it("refuses a Callgrind file without totals and a Cachegrind file without summary", () => {
    expect(() =>
      parseValgrindFile(callgrind("fn=(1) main\n3 10 2\n"), "callgrind.out.cut"),
    ).toThrow(/callgrind\.out\.cut:\d+: no closing 'totals:' line/);
    expect(() =>
      parseValgrindFile("events: Ir\nfl=a.c\nfn=main\n1 5\n", "cachegrind.out.cut"),
    ).toThrow(/cachegrind\.out\.cut:\d+: no closing 'summary:' line/);
    expect(() => parseValgrindFile("", "cachegrind.out.empty")).toThrow(
      /cachegrind\.out\.empty:1: the file is empty/,
    );
  });

  it("refuses garbage inside a file, naming its line", () => {
    expect(() =>
      parseValgrindFile("events: Ir\n1 5\n<html>\nsummary: 5\n", "cachegrind.out.bad"),
    ).toThrow(/cachegrind\.out\.bad:3: unreadable line/);
  });
});

describe("gungraun summaries", () => {
  it("takes the new side of Both and skips metrics only the old run has", () => {
    const summary = JSON.parse(read(join(FIXTURES, "gungraun-summary.json")));
    const total = summary.profiles[0].summaries.total.summary.Callgrind;
    total.Ir = { diffs: null, metrics: { Both: [{ Int: 1500 }, { Int: 1400 }] } };
    total.Dr = { diffs: null, metrics: { Right: { Int: 3 } } };
    const results = byKey(parseGungraunSummary(JSON.stringify(summary), "summary.json"));
    expect(
      results.get("play_game::bench_play_game_group::bench_play_game_100::some_id instructions"),
    ).toMatchObject({
      value: 1500,
      unit: "instructions",
    });
    expect([...results.keys()].some((key) => key.endsWith(" Dr"))).toBe(false);
  });

  it("refuses another schema version", () => {
    const summary = JSON.parse(read(join(FIXTURES, "gungraun-summary.json")));
    summary.version = "5";
    expect(() => parseGungraunSummary(JSON.stringify(summary), "s.json")).toThrow(
      /s\.json:1: .*"version": "6"/,
    );
  });
});

describe("parser properties", () => {
  const name = fc
    .stringMatching(/^[A-Za-z0-9_/ :-]{1,40}$/)
    .filter((text) => text.trim() === text && text !== "");

  it("bencher: any name and value survive the round trip, with or without separators", () => {
    fc.assert(
      fc.property(
        name,
        fc.nat({ max: 2_000_000_000 }),
        fc.nat({ max: 1_000_000 }),
        fc.boolean(),
        (id, value, spread, commas) => {
          const show = (n: number) => (commas ? n.toLocaleString("en-US") : String(n));
          const [result] = parseBencherLines(
            `test ${id} ... bench: ${show(value)} ns/iter (+/- ${show(spread)})\n`,
            "f",
          );
          expect(result).toMatchObject({
            id,
            value,
            upper: value + spread,
            lower: Math.max(0, value - spread),
          });
        },
      ),
    );
  });

  it("every truncation of a Callgrind file either parses completely or names a line", () => {
    const text = `# callgrind format\nevents: Ir\nsummary: 8\nfn=(1) main\n1 3\ncalls=1 2\n1 5\ntotals: 8\n`;
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), (cut) => {
        try {
          const parsed = parseValgrindFile(text.slice(0, cut), "callgrind.out.t");
          expect(parsed.totals.get("Ir")).toBe(8);
        } catch (thrown) {
          expect(thrown).toBeInstanceOf(ConfigurationError);
          expect((thrown as Error).message).toMatch(/^callgrind\.out\.t:\d+: /);
        }
      }),
    );
  });

  it("every truncation of a Criterion estimates.json is refused with file and line", () => {
    const benchmarkJson = read(join(FIXTURES, "criterion/fib 10/new/benchmark.json"));
    const estimatesJson = read(join(FIXTURES, "criterion/fib 10/new/estimates.json"));
    fc.assert(
      fc.property(fc.nat({ max: estimatesJson.length - 2 }), (cut) => {
        const attempt = () =>
          parseCriterionMeasurement({
            benchmarkFile: "b.json",
            benchmarkJson,
            estimatesFile: "e.json",
            estimatesJson: estimatesJson.slice(0, cut),
          });
        expect(attempt).toThrow(/^e\.json:\d+: /);
      }),
    );
  });

  it("cachegrind totals equal the summary whatever the event columns are", () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1e9 }), { minLength: 1, maxLength: 6 }), (counts) => {
        const events = counts.map((_, index) => (index === 0 ? "Ir" : `E${index}`));
        const text = `events: ${events.join(" ")}\nfl=a.c\nfn=f\n1 ${counts.join(" ")}\nsummary: ${counts.join(" ")}\n`;
        const parsed = parseValgrindFile(text, "cachegrind.out.p");
        expect([...parsed.totals.values()]).toEqual(counts);
      }),
    );
  });
});
