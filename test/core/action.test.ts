import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActionRun, runAction } from "../harness/runner.ts";

const ACTION = "test/core/fixtures/throwing-action";
let bundleDir: string;
let main: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), "sg-entry-"));
  main = join(bundleDir, "main.js");
  await build({
    entryPoints: [join(import.meta.dirname, "fixtures/throwing-action/main.ts")],
    outfile: main,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    logLevel: "error",
    banner: {
      js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);',
    },
  });
});

afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

const run = (what: string): Promise<ActionRun> =>
  runAction({ action: ACTION, main, inputs: { throw: what } });
const errorsOf = (result: ActionRun) => result.annotations.filter((a) => a.level === "error");
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe("runAction", () => {
  it("succeeds quietly when nothing is thrown", async () => {
    const result = await run("nothing");
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([]);
  });

  it.each([
    ["string", "throwing: plain string thrown"],
    ["object", 'throwing: {"code":42,"reason":"object thrown"}'],
    ["undefined", "throwing: undefined"],
    ["object-with-message", "throwing: a plain object's message"],
    ["error", "throwing: cannot read properties of undefined (reading 'sha')"],
  ])("fails the step for a thrown %s as '<action>: <message>'", async (what, message) => {
    const result = await run(what);
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).map((a) => a.message)).toEqual([message]);
  });

  it("prints the stack of a bug", async () => {
    const result = await run("error");
    expect(result.stdout).toContain("TypeError: cannot read properties of undefined");
    expect(result.stdout).toMatch(STACK_FRAME);
    expect(result.stdout).toContain("deepInTheCode");
  });

  it("prints no stack for a configuration error", async () => {
    const result = await run("configuration");
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.objectContaining({
        message: "throwing: input 'level' is 'loud'; valid values are 'low', 'high'",
        file: undefined,
      }),
    ]);
    expect(result.stdout).not.toMatch(STACK_FRAME);
  });

  it("annotates a configuration error at its file position, once, without a stack", async () => {
    const result = await run("configuration-at-file");
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toEqual([
      {
        level: "error",
        message: "throwing: .github/gate.yml:4:7: unknown check 'buld'",
        title: "throwing configuration",
        file: ".github/gate.yml",
        line: 4,
        column: 7,
        endLine: 4,
        endColumn: 11,
      },
    ]);
    expect(result.stdout).not.toMatch(STACK_FRAME);
  });

  it("refuses a missing required input as a configuration error", async () => {
    const result = await runAction({ action: ACTION, main, inputs: { throw: "" } });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).map((a) => a.message)).toEqual([
      "throwing: input 'throw' is required but empty; set it under 'with:'",
    ]);
  });

  it("keeps a thrown message from injecting a workflow command", async () => {
    const result = await run("command-in-message");
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).map((a) => a.message)).toEqual(["throwing: bad\n::error::injected"]);
  });
});
