import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { FIXTURES, startS3, storedRunMetadata, temporaryDirectory } from "./helpers.ts";

/** A copy of the Criterion fixture with every wall time scaled, intervals scaled with it. */
function scaledTree(directory: string, factor: number): void {
  cpSync(join(FIXTURES, "criterion"), directory, { recursive: true });
  for (const name of ["fib 10", "Fibonacci/Recursive/15", "Fibonacci/Recursive/20"]) {
    const file = join(directory, name, "new/estimates.json");
    const estimates = JSON.parse(readFileSync(file, "utf8"));
    for (const estimate of Object.values(estimates) as {
      point_estimate: number;
      confidence_interval: Record<string, number>;
    }[]) {
      estimate.point_estimate *= factor;
      estimate.confidence_interval.lower_bound =
        (estimate.confidence_interval.lower_bound as number) * factor;
      estimate.confidence_interval.upper_bound =
        (estimate.confidence_interval.upper_bound as number) * factor;
    }
    writeFileSync(file, JSON.stringify(estimates));
  }
}

describe("status-gate bench", () => {
  it("parse prints normalised results as JSON", async () => {
    const run = await runCli([
      "bench",
      "parse",
      join(FIXTURES, "criterion"),
      join(FIXTURES, "gungraun-summary.json"),
      "--format",
      "json",
    ]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    const { results } = JSON.parse(run.stdout);
    expect(Object.keys(results[0]).sort()).toEqual([
      "id",
      "lower",
      "metric",
      "source",
      "unit",
      "upper",
      "value",
    ]);
    // Three Criterion wall times, two throughputs, two gungraun metrics.
    expect(results).toHaveLength(7);
  });

  it("parse refuses the same benchmark from two sources rather than pick one", async () => {
    const run = await runCli([
      "bench",
      "parse",
      join(FIXTURES, "criterion"),
      join(FIXTURES, "bencher.txt"),
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /benchmark 'fib 10' \(wall-time\) appears in both .*estimates\.json and .*bencher\.txt/,
    );
  });

  it("parse refuses a malformed file with exit code 2, naming file and line", async () => {
    using directory = temporaryDirectory();
    writeFileSync(join(directory.path, "cachegrind.out.x"), "events: Ir\n1 2\nsummary: nope\n");
    const run = await runCli(["bench", "parse", "cachegrind.out.x"], { cwd: directory.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("cachegrind.out.x:3: counts must be whole numbers, got 'nope'");
  });

  it("compare gives each benchmark a verdict and exits 1 on a regression", async () => {
    using directory = temporaryDirectory();
    scaledTree(join(directory.path, "base"), 1);
    scaledTree(join(directory.path, "head"), 1.5);
    const run = await runCli(
      ["bench", "compare", "--base", "base", "--head", "head", "--format", "json"],
      {
        cwd: directory.path,
      },
    );
    expect(run.exitCode).toBe(1);
    const { comparisons } = JSON.parse(run.stdout);
    const fib = comparisons.find(
      (entry: { id: string; metric: string }) =>
        entry.id === "fib 10" && entry.metric === "wall-time",
    );
    expect(fib).toMatchObject({ verdict: "regressed", unit: "ns" });
    expect(fib.relativeChange).toBeCloseTo(0.5, 9);
    const throughput = comparisons.find(
      (entry: { metric: string }) => entry.metric === "throughput",
    );
    expect(throughput.verdict).toBe("regressed");
  });

  it("compare refuses a stored run holding one benchmark twice, naming both sources", async () => {
    using directory = temporaryDirectory();
    const measured = (source: string, value: number) => ({
      id: "fib 10",
      metric: "wall-time",
      value,
      unit: "ns",
      lower: value,
      upper: value,
      source,
    });
    const stored = {
      schema: 1,
      run: storedRunMetadata(),
      results: [measured("a.json", 1), measured("b.json", 2)],
    };
    writeFileSync(join(directory.path, "base.json"), JSON.stringify(stored));
    const run = await runCli(
      ["bench", "compare", "--base", "base.json", "--head", join(FIXTURES, "criterion")],
      { cwd: directory.path },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      "base.json: not a sound stored run: results[1]: holds 'fib 10' (wall-time) twice, in both a.json and b.json",
    );
  });

  it("compare refuses an empty stored run as the head: nothing measured is never a clean comparison", async () => {
    using directory = temporaryDirectory();
    const run = (results: object[]) =>
      JSON.stringify({ schema: 1, run: storedRunMetadata(), results });
    writeFileSync(join(directory.path, "empty.json"), run([]));
    const compared = await runCli(
      ["bench", "compare", "--base", join(FIXTURES, "criterion"), "--head", "empty.json"],
      { cwd: directory.path },
    );
    expect(compared.stdout).toBe("");
    expect(compared.stderr).toContain("empty.json: not a sound stored run: it holds no results");
    expect(compared.exitCode).toBe(2);
  });

  it("compare reports unchanged results as such and exits 0", async () => {
    const run = await runCli([
      "bench",
      "compare",
      "--base",
      join(FIXTURES, "criterion"),
      "--head",
      join(FIXTURES, "criterion"),
    ]);
    expect(run.exitCode).toBe(0);
    expect(
      run.stdout
        .split("\n")
        .filter(Boolean)
        .every((line) => line.startsWith("unchanged")),
    ).toBe(true);
  });

  it("upload stores runs in a directory, compare finds one by commit, site writes the dashboard", async () => {
    using directory = temporaryDirectory();
    const base = [
      "bench",
      "upload",
      join(FIXTURES, "criterion"),
      "--storage",
      "store",
      "--commit",
      "a".repeat(40),
      "--run-id",
      "1",
    ];
    expect((await runCli(base, { cwd: directory.path })).exitCode).toBe(0);
    scaledTree(join(directory.path, "slow"), 2);
    const head = [
      "bench",
      "upload",
      "slow",
      "--storage",
      "store",
      "--commit",
      "b".repeat(40),
      "--run-id",
      "2",
    ];
    const uploaded = await runCli(head, { cwd: directory.path });
    expect(uploaded.stdout).toMatch(/stored:\n {2}runs\/\d{4}-\d{2}-\d{2}\/b{40}\/2-1\.json/);
    const compared = await runCli(
      [
        "bench",
        "compare",
        "--storage",
        "store",
        "--base",
        "a".repeat(40),
        "--head",
        "b".repeat(40),
      ],
      { cwd: directory.path },
    );
    expect(compared.exitCode).toBe(1);
    expect(compared.stdout).toMatch(
      /^regressed {2}fib 10 {2}wall-time {2}120\.6 ns → 241\.2 ns \+100%$/m,
    );
    const site = await runCli(["bench", "site", "--storage", "store", "--out", "public"], {
      cwd: directory.path,
    });
    expect(site.exitCode).toBe(0);
    const index = JSON.parse(readFileSync(join(directory.path, "public/data/index.json"), "utf8"));
    expect(index.runs).toHaveLength(2);
    expect(
      readFileSync(join(directory.path, "public/uPlot.iife.min.js"), "utf8").length,
    ).toBeGreaterThan(10_000);
  });

  it("upload and site work against S3 with path-style addressing and credentials from the environment", async () => {
    await using s3 = await startS3();
    using directory = temporaryDirectory();
    const s3Options = [
      "--storage",
      `s3://${s3.bucket}/wasmcloud`,
      "--s3-endpoint",
      s3.endpoint,
      "--s3-path-style",
    ];
    const uploaded = await runCli(
      [
        "bench",
        "upload",
        join(FIXTURES, "criterion"),
        "--commit",
        "c".repeat(40),
        "--run-id",
        "77",
        ...s3Options,
      ],
      { cwd: directory.path, env: s3.env },
    );
    expect(uploaded.stderr).toBe("");
    expect(uploaded.stdout).toMatch(
      /stored:\n {2}wasmcloud\/runs\/\d{4}-\d{2}-\d{2}\/c{40}\/77-1\.json\n {2}wasmcloud\/site\//,
    );
    const site = await runCli(["bench", "site", "--out", "public", ...s3Options], {
      cwd: directory.path,
      env: s3.env,
    });
    expect(site.exitCode).toBe(0);
    const index = JSON.parse(readFileSync(join(directory.path, "public/data/index.json"), "utf8"));
    expect(index.runs.map((entry: { commit: string }) => entry.commit)).toEqual(["c".repeat(40)]);
  });

  it("refuses an unknown subcommand with exit code 2", async () => {
    const run = await runCli(["bench", "publish"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("unknown subcommand 'publish'");
  });
});
