import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { CORPUS, EXAMPLE } from "./example.ts";

// Issue 19, how it is judged: "a maintainer can copy examples/wasmcloud/.github into a wasmCloud
// checkout and follow the doc". Step 2 of docs/migrating-wasmcloud.md says what to delete after
// copying; here the corpus (wasmCloud's .github before) with the example copied over and those
// deletions made is exactly the example, and every script the example calls is one a wasmCloud
// checkout has.

const DOC = join(PROJECT_ROOT, "docs/migrating-wasmcloud.md");
const doc = readFileSync(DOC, "utf8");

function filesUnder(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(root, path));
    }
  };
  walk(root);
  return files.sort();
}

/** The file names in backticks of the doc's step 2 ("Copy the example"). */
function stepTwoNames(): string[] {
  const step = /^2\. \*\*Copy the example\.\*\*([\s\S]*?)^3\. /m.exec(doc)?.[1] ?? "";
  return [...step.matchAll(/`([^`]+\.(?:yml|mjs))`/g)].map((match) => match[1] as string);
}

/** `.github/scripts/<name>` paths a tree's files mention. */
function scriptsCalled(root: string): Set<string> {
  const names = new Set<string>();
  for (const file of filesUnder(root)) {
    const text = readFileSync(join(root, file), "utf8");
    for (const [, name] of text.matchAll(/\.github\/scripts\/([\w-]+\.mjs)/g))
      names.add(name as string);
  }
  return names;
}

describe("docs/migrating-wasmcloud.md, followed on wasmCloud's .github", () => {
  it("leaves, after copying the example and deleting what step 2 names, exactly the example", () => {
    const example = new Set(filesUnder(EXAMPLE));
    const leftOver = filesUnder(CORPUS).filter((file) => !example.has(file));
    const deleted = stepTwoNames().filter((name) => name.endsWith(".yml"));
    expect(leftOver).toEqual([
      "workflows/bench-compare.yml",
      "workflows/release-tag.yml",
      "workflows/release-train.yml",
    ]);
    expect(deleted.sort()).toEqual(leftOver.map((file) => file.replace("workflows/", "")).sort());
  });

  it("deletes exactly the scripts no workflow calls any more, and the example calls only scripts wasmCloud has", () => {
    const before = scriptsCalled(CORPUS);
    const after = scriptsCalled(EXAMPLE);
    expect([...after].filter((name) => !before.has(name))).toEqual([]);
    const unused = [...before].filter((name) => !after.has(name)).sort();
    const deleted = stepTwoNames()
      .filter((name) => name.endsWith(".mjs"))
      .map((name) => name.replace(".github/scripts/", ""))
      .sort();
    expect(deleted).toEqual(unused);
  });

  it("links only files the example has", () => {
    const links = [...doc.matchAll(/\]\((\.\.\/examples\/[^)]+)\)/g)].map(
      (match) => match[1] as string,
    );
    expect(links.length).toBeGreaterThan(3);
    for (const link of links)
      expect(existsSync(resolve(PROJECT_ROOT, "docs", link)), link).toBe(true);
  });
});
