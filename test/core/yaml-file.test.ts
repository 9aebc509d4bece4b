import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isMap, isSeq, type Node } from "yaml";
import { ConfigurationError } from "../../src/core/errors.ts";
import { errorAt, getPair, nodePosition, parseYamlFile } from "../../src/core/yaml-file.ts";

const WORKFLOW = `name: CI
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          persist-credentials: false
      - run: |
          npm ci
          npm test
`;

function at(file: ReturnType<typeof parseYamlFile>, ...path: (string | number)[]) {
  let node: unknown = file.document.contents;
  let pair: ReturnType<typeof getPair>;
  for (const step of path) {
    if (typeof step === "number") {
      if (!isSeq(node)) throw new Error(`not a sequence at ${step}`);
      node = node.items[step];
      pair = undefined;
    } else {
      pair = getPair(node, step);
      node = pair?.value;
    }
  }
  return { pair, node: node as Node };
}

const start = (position: { line: number; column: number }) => [position.line, position.column];

describe("parseYamlFile positions", () => {
  it("gives 1-based line and column for keys and values", () => {
    const file = parseYamlFile("ci.yml", WORKFLOW);
    const uses = at(file, "jobs", "build", "steps", 0, "uses");
    expect(start(nodePosition(file, uses.pair))).toEqual([9, 9]);
    expect(nodePosition(file, uses.node)).toEqual({
      file: "ci.yml",
      line: 9,
      column: 15,
      endLine: 9,
      endColumn: 34,
    });
    expect(start(nodePosition(file, at(file, "on", "push", "branches").node))).toEqual([4, 15]);
    expect(start(nodePosition(file, at(file, "jobs", "build", "steps", 1, "run").node))).toEqual([
      12, 14,
    ]);
  });

  it("does not count a byte-order mark as a column", () => {
    const file = parseYamlFile("a.yml", "\uFEFFname: x\nother: y\n");
    expect(start(nodePosition(file, getPair(file.document.contents, "name")))).toEqual([1, 1]);
    expect(start(nodePosition(file, getPair(file.document.contents, "other")))).toEqual([2, 1]);
  });

  it("counts CRLF line endings as one line break", () => {
    const file = parseYamlFile("a.yml", WORKFLOW.replace(/\n/g, "\r\n"));
    const uses = at(file, "jobs", "build", "steps", 0, "uses");
    expect(start(nodePosition(file, uses.node))).toEqual([9, 15]);
    expect(file.document.toJS().jobs.build.steps[1].run).toBe("npm ci\nnpm test\n");
  });

  it("counts a tab inside a value as one column", () => {
    const file = parseYamlFile("a.yml", "a:\t\"x\"\nb: 'y'\n");
    expect(start(nodePosition(file, at(file, "a").node))).toEqual([1, 4]);
  });

  it("points an alias at where it is written, and resolves it", () => {
    const file = parseYamlFile("a.yml", "base: &env\n  A: 1\njob:\n  env: *env\n");
    expect(start(nodePosition(file, at(file, "job", "env").node))).toEqual([4, 8]);
    expect(file.document.toJS()).toEqual({ base: { A: 1 }, job: { env: { A: 1 } } });
  });

  it("places every key of a generated mapping exactly", () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_-]{0,15}$/);
    const value = fc.stringMatching(/^[a-z0-9]([a-z0-9 ]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(key, value), { minLength: 1, maxLength: 10, selector: ([k]) => k }),
        fc.constantFrom("\n", "\r\n"),
        fc.integer({ min: 0, max: 3 }),
        (entries, newline, blankLines) => {
          const text =
            newline.repeat(blankLines) + entries.map(([k, v]) => `${k}: ${v}`).join(newline);
          const file = parseYamlFile("gen.yml", text);
          entries.forEach(([k], index) => {
            const pair = getPair(file.document.contents, k);
            expect(start(nodePosition(file, pair))).toEqual([blankLines + index + 1, 1]);
            expect(start(nodePosition(file, pair?.value))).toEqual([
              blankLines + index + 1,
              k.length + 3,
            ]);
          });
        },
      ),
    );
  });
});

describe("parseYamlFile errors", () => {
  function refusal(text: string): ConfigurationError {
    try {
      parseYamlFile("bad.yml", text);
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(ConfigurationError);
      return thrown as ConfigurationError;
    }
    throw new Error("expected a ConfigurationError");
  }

  it("turns a syntax error into a ConfigurationError at its position", () => {
    const error = refusal("on: push\njobs:\n  build: [a\n");
    expect(error.message).toMatch(/^bad\.yml:\d+:\d+: /);
    expect(error.position?.file).toBe("bad.yml");
    expect(error.position?.line).toBeGreaterThanOrEqual(3);
  });

  it("refuses tab indentation at the tab", () => {
    expect(refusal("jobs:\n\tbuild: x\n").position).toMatchObject({ line: 2, column: 1 });
  });

  it("refuses a duplicate key at the second one", () => {
    const error = refusal("on: push\nname: a\nname: b\n");
    expect(error.message).toBe(
      "bad.yml:3:1: duplicate key 'name' (first at line 2); YAML allows a key once per mapping",
    );
    expect(error.position).toMatchObject({ line: 3, column: 1 });
  });

  it("keeps the position after a byte-order mark", () => {
    expect(refusal("\uFEFFa: 1\na: 2\n").position).toMatchObject({ line: 2, column: 1 });
  });

  it("builds an error at a node, with file:line:column in the message", () => {
    const file = parseYamlFile("ci.yml", WORKFLOW);
    const error = errorAt(file, at(file, "jobs", "build", "runs-on").node, "use a pinned runner");
    expect(error.message).toBe("ci.yml:7:14: use a pinned runner");
    expect(error.position).toMatchObject({
      file: "ci.yml",
      line: 7,
      column: 14,
      endLine: 7,
      endColumn: 27,
    });
  });

  it("finds nothing under a key of a non-map", () => {
    const file = parseYamlFile("a.yml", "- a\n- b\n");
    expect(isMap(file.document.contents)).toBe(false);
    expect(getPair(file.document.contents, "a")).toBeUndefined();
  });
});
