import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction } from "../harness/runner.ts";
import { FIXTURES, temporaryDirectory } from "./helpers.ts";

// What a pull request's author controls is the result files. None of these may turn into a clean,
// silent comparison: deleting or renaming the slow benchmark, changing its unit, or handing over
// results that are empty, not finite, negative or inverted.

const repo = createRepository();
const storage = temporaryDirectory("sg-bench-verdicts-");
let base: string;
let head: string;

beforeAll(async () => {
  base = repo.commit({ message: "base", files: { "a.rs": "1" } });
  repo.git("checkout", "--quiet", "-b", "feature");
  head = repo.commit({ message: "feature", files: { "a.rs": "2" } });
  repo.checkout("main");
  write("sizes.json", [
    { name: "slow path", value: 5_000, unit: "ms", range: "± 10" },
    { name: "fast path", value: 10, unit: "ms", range: "± 1" },
    { name: "decoder", value: 7, unit: "ms", range: "± 1" },
  ]);
  const stored = await action("push", "sizes.json");
  expect(stored.exitCode, stored.stdout).toBe(0);
});
afterAll(() => {
  repo[Symbol.dispose]();
  storage[Symbol.dispose]();
});

function write(name: string, content: unknown): void {
  mkdirSync(join(repo.path, "out"), { recursive: true });
  writeFileSync(
    join(repo.path, "out", name),
    typeof content === "string" ? content : JSON.stringify(content),
  );
}

async function action(event: "push" | "pull_request", results: string) {
  const pull = event === "pull_request";
  const run = await runAction({
    action: "actions/bench",
    workspace: repo.path,
    sha: pull ? "e".repeat(40) : base,
    ref: pull ? "refs/pull/3/merge" : "refs/heads/main",
    event: pull
      ? {
          name: "pull_request",
          payload: {
            pull_request: { number: 3, head: { sha: head }, base: { ref: "main" } },
            repository: { default_branch: "main" },
          },
        }
      : { name: "push", payload: { repository: { default_branch: "main" } } },
    inputs: {
      results: results
        .split(",")
        .map((name) => `out/${name}`)
        .join("\n"),
      storage: storage.path,
      "base-ref": "main",
      "store-pull-requests": "false",
    },
  });
  cleanup(run);
  return run;
}

describe("a pull request cannot make a comparison look clean", () => {
  it("warns, naming them, when it stops measuring base benchmarks or changes their unit", async () => {
    // The slow benchmark is deleted, the decoder's unit changed: neither can be judged.
    write("pr.json", [
      { name: "fast path", value: 10, unit: "ms", range: "± 1" },
      { name: "decoder", value: 7_000_000, unit: "cycles" },
    ]);
    const run = await action("pull_request", "pr.json");
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.verdict).toBe("pass");
    const warnings = run.annotations.filter((annotation) => annotation.level === "warning");
    expect(warnings).toContainEqual(
      expect.objectContaining({
        title: "bench: not compared",
        message: expect.stringMatching(
          /1 base benchmark\(s\) not measured by this pull request: slow path.*1 benchmark\(s\) measured in another unit, not compared: decoder \(ns → cycles\)/s,
        ),
      }),
    );
    expect(run.summary).toContain("⚪ removed");
  });

  it.each([
    ["an empty file", "", /out\/bad\.json:1: the file is empty/],
    [
      "a value that is not finite",
      '[{"name": "slow path", "value": NaN, "unit": "ms"}]',
      /out\/bad\.json:1: 'NaN' is not a finite number/,
    ],
    [
      "a negative time",
      [{ name: "slow path", value: -5, unit: "ms" }],
      /out\/bad\.json: benchmark 'slow path' \(value\): value is -5000000 ns, a negative time/,
    ],
    [
      "an inverted interval",
      [{ name: "slow path", value: 5, unit: "ms", lower: 6, upper: 4 }],
      /out\/bad\.json: benchmark 'slow path' \(value\): the interval is inverted/,
    ],
  ])("fails on %s, naming the file and the entry", async (_, content, message) => {
    write("bad.json", content);
    const run = await action("pull_request", "bad.json");
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBeUndefined();
    expect(run.stdout).toMatch(message);
  });

  it("fails on a Criterion tree whose estimate is NaN", async () => {
    const tree = join(repo.path, "out/criterion");
    cpSync(join(FIXTURES, "criterion"), tree, { recursive: true });
    const file = join(tree, "fib 10/new/estimates.json");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace(/"point_estimate":\s*[\d.e+-]+/, '"point_estimate": NaN'),
    );
    const run = await action("pull_request", "criterion");
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/fib 10\/new\/estimates\.json:\d+: 'NaN' is not a finite number/);
  });
});
