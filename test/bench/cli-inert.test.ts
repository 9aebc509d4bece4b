import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";
import { FIXTURES, temporaryDirectory } from "./helpers.ts";

/** The Criterion fixture with `fib 10` renamed to hostile text: workflow commands and a bidi override. */
function hostileCriterion(root: string, name: string): string {
  const tree = join(root, name);
  cpSync(join(FIXTURES, "criterion"), tree, { recursive: true });
  const file = join(tree, "fib 10/new/benchmark.json");
  const benchmark = JSON.parse(readFileSync(file, "utf8"));
  writeFileSync(file, JSON.stringify({ ...benchmark, full_id: HOSTILE }));
  return name;
}

describe("bench output inside GitHub Actions runs no command from a benchmark's name", () => {
  it.each([["text"], ["json"]])("parse --format %s", async (format) => {
    using directory = temporaryDirectory();
    const tree = hostileCriterion(directory.path, "head");
    const run = await runCli(["bench", "parse", tree, "--format", format], {
      cwd: directory.path,
      env: IN_ACTIONS,
    });
    expect(run.exitCode).toBe(0);
    expect(executedCommands(run)).toEqual([]);
    expect(run.stdout).not.toContain("\u202E");
    if (format === "json") {
      const ids = JSON.parse(run.stdout).results.map((result: { id: string }) => result.id);
      expect(ids).toContain(HOSTILE);
    } else {
      expect(run.stdout).toContain("<U+202E>evil");
    }
  });

  it.each([["text"], ["json"]])("compare --format %s, and upload and site", async (format) => {
    using directory = temporaryDirectory();
    hostileCriterion(directory.path, "base");
    hostileCriterion(directory.path, "head");
    const compare = await runCli(
      ["bench", "compare", "--base", "base", "--head", "head", "--format", format],
      { cwd: directory.path, env: IN_ACTIONS },
    );
    expect(compare.exitCode).toBe(0);
    expect(executedCommands(compare)).toEqual([]);
    expect(compare.stdout).not.toContain("\u202E");
    const upload = await runCli(
      [
        "bench",
        "upload",
        "head",
        "--storage",
        "store",
        "--commit",
        "a".repeat(40),
        "--format",
        format,
      ],
      { cwd: directory.path, env: IN_ACTIONS },
    );
    expect(upload.exitCode).toBe(0);
    expect(executedCommands(upload)).toEqual([]);
    const site = await runCli(
      ["bench", "site", "--storage", "store", "--out", "out", "--format", format],
      {
        cwd: directory.path,
        env: IN_ACTIONS,
      },
    );
    expect(site.exitCode).toBe(0);
    expect(executedCommands(site)).toEqual([]);
  });

  it("an error naming a hostile file runs nothing either", async () => {
    using directory = temporaryDirectory();
    const name = "::error::x\u202E.json";
    writeFileSync(join(directory.path, name), '[{"name": 1}]');
    const run = await runCli(["bench", "parse", name], { cwd: directory.path, env: IN_ACTIONS });
    expect(run.exitCode).toBe(2);
    expect(executedCommands(run)).toEqual([]);
    expect(run.stderr).not.toContain("\u202E");
  });
});
