import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { FIXTURES, temporaryDirectory } from "./helpers.ts";

/** A copy of the Criterion fixture whose `fib 10` estimates are rewritten by `edit`. */
function criterionWith(root: string, edit: (estimates: string) => string): string {
  const tree = join(root, "criterion");
  cpSync(join(FIXTURES, "criterion"), tree, { recursive: true });
  const file = join(tree, "fib 10/new/estimates.json");
  writeFileSync(file, edit(readFileSync(file, "utf8")));
  return tree;
}

describe("numbers a measurement cannot hold are refused, naming file and entry", () => {
  it("Criterion's NaN is a non-finite number, not a truncated file", async () => {
    using directory = temporaryDirectory();
    criterionWith(directory.path, (text) =>
      text.replace(/"point_estimate":120\.07220472286158/, '"point_estimate":NaN'),
    );
    const run = await runCli(["bench", "parse", "criterion"], { cwd: directory.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      "criterion/fib 10/new/estimates.json:1: 'NaN' is not a finite number",
    );
    expect(run.stderr).not.toContain("truncated");
  });

  it("a negative time is refused", async () => {
    using directory = temporaryDirectory();
    criterionWith(directory.path, (text) =>
      text.replace(/"point_estimate":/g, '"point_estimate":-'),
    );
    const run = await runCli(["bench", "parse", "criterion"], { cwd: directory.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /criterion\/fib 10\/new\/estimates\.json: benchmark 'fib 10' \(wall-time\): value is -[\d.]+ ns, a negative time/,
    );
  });

  it("an inverted interval is refused", async () => {
    using directory = temporaryDirectory();
    writeFileSync(
      join(directory.path, "results.json"),
      JSON.stringify([{ name: "latency", value: 10, unit: "ms", lower: 12, upper: 8 }]),
    );
    const run = await runCli(["bench", "parse", "results.json"], { cwd: directory.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      "results.json: benchmark 'latency' (value): the interval is inverted (lower 12000000 > upper 8000000)",
    );
  });

  it("an infinite generic value is refused with its entry", async () => {
    using directory = temporaryDirectory();
    writeFileSync(
      join(directory.path, "sizes.json"),
      '[\n  {"name": "ok", "value": 1, "unit": "bytes"},\n  {"name": "huge", "value": 1e999, "unit": "bytes"}\n]\n',
    );
    const run = await runCli(["bench", "parse", "sizes.json"], { cwd: directory.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      "sizes.json:3: entry 2 ('huge'): 'value' is Infinity; use a finite number",
    );
  });
});

describe("nothing to read is never a clean result", () => {
  it("bench parse on a folder with nothing to parse says so and exits 2", async () => {
    using directory = temporaryDirectory();
    mkdirSync(join(directory.path, "empty/report"), { recursive: true });
    writeFileSync(join(directory.path, "empty/README.md"), "no results here");
    const run = await runCli(["bench", "parse", "empty"], { cwd: directory.path });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      "status-gate bench: found no benchmark results in empty; expected a Criterion tree (target/criterion), bencher or cargo-criterion output, cachegrind.out.*/callgrind.out.* files, a gungraun summary.json or generic JSON\n",
    );
  });

  it("an empty head fails compare instead of calling every base benchmark removed", async () => {
    using directory = temporaryDirectory();
    mkdirSync(join(directory.path, "head"));
    const run = await runCli(
      ["bench", "compare", "--base", join(FIXTURES, "criterion"), "--head", "head"],
      { cwd: directory.path },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("found no benchmark results in head");
    expect(run.stdout).not.toContain("removed");
  });

  it("upload of an empty result folder stores nothing", async () => {
    using directory = temporaryDirectory();
    mkdirSync(join(directory.path, "head"));
    const run = await runCli(
      ["bench", "upload", "head", "--storage", "store", "--commit", "a".repeat(40)],
      { cwd: directory.path },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("found no benchmark results in head");
  });
});

describe("two tools' counts are never added", () => {
  it("refuses a Callgrind and a Cachegrind file of one benchmark", async () => {
    using directory = temporaryDirectory();
    const file = (creator: string) =>
      `${creator === "callgrind" ? "# callgrind format\n" : ""}version: 1\ncreator: ${creator}-3.19.0\ncmd: ./parse\nevents: Ir\n${creator === "callgrind" ? "fl=(1) a.rs\nfn=(1) main\n" : "fl=a.rs\nfn=main\n"}1 500\n${creator === "callgrind" ? "totals: 500\n" : "summary: 500\n"}`;
    writeFileSync(join(directory.path, "callgrind.out.parse"), file("callgrind"));
    writeFileSync(join(directory.path, "cachegrind.out.parse"), file("cachegrind"));
    const run = await runCli(["bench", "parse", "callgrind.out.parse", "cachegrind.out.parse"], {
      cwd: directory.path,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      "benchmark 'parse' has callgrind output (callgrind.out.parse) and cachegrind output (cachegrind.out.parse); their counts cannot be added",
    );
  });
});
