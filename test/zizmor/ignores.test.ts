import { describe, expect, it } from "vitest";
import { baseConfig } from "../../src/zizmor/base-revision.ts";
import {
  commentIgnores,
  configIgnoreRules,
  configIgnores,
  ignoringLocations,
} from "../../src/zizmor/ignores.ts";
import { syntheticFinding } from "./helpers.ts";

describe("ignore comments, read as zizmor reads them", () => {
  // The cases of zizmor's own `Comment::ignores` test (crates/zizmor/src/finding/location.rs).
  it.each([
    ["# zizmor: ignore[foo]", "foo", true],
    ["# zizmor: ignore[foo,bar]", "foo", true],
    ["# zizmor: ignore[foo, bar,   foo-bar]", "foo-bar", true],
    ["# zizmor: ignore[foo] some other stuff", "foo", true],
    ["run: | # zizmor: ignore[foo]", "foo", true],
    ["# zizmor: ignore[foo]some other stuff", "foo", false],
    ["# zizmor: ignore[foo,bar]", "baz", false],
    ["# zizmor: ignore[]", "foo", false],
    ["# zizmor: ignore[foo bar]", "foo", false],
    ["# zizmor: ignore foo", "foo", false],
    ["#zizmor: ignore[foo]", "foo", false],
  ])("%s ignores %s: %s", (comment, audit, expected) => {
    expect(commentIgnores(comment, audit)).toBe(expected);
  });

  it("finds the locations that carry an ignore comment for the finding's audit", () => {
    const finding = syntheticFinding("high", 7);
    const hidden = {
      ...finding.primary,
      line: 5,
      endLine: 9,
      comments: ["# zizmor: ignore[audit-high]"],
    };
    const other = { ...finding.primary, comments: ["# zizmor: ignore[other]"] };
    finding.locations = [hidden, finding.primary, other];
    expect(ignoringLocations(finding)).toEqual([hidden]);
  });
});

describe("zizmor.yml ignore rules", () => {
  const config = [
    "rules:",
    "  audit-high:",
    "    ignore:",
    "      - ci.yml:7",
    "      - other.yml",
    "      - ci.yml:9:4",
    "      - not-a-workflow",
    "  audit-low:",
    "    disable: true",
  ].join("\n");
  const rules = configIgnoreRules(config);

  it("reads file, line and column as zizmor's WorkflowRule does, skipping what it refuses", () => {
    expect(rules.get("audit-high")).toEqual([
      { filename: "ci.yml", line: 7, column: undefined },
      { filename: "other.yml", line: undefined, column: undefined },
      { filename: "ci.yml", line: 9, column: 4 },
    ]);
    expect(rules.has("audit-low")).toBe(false);
    expect(configIgnoreRules("rules: [").size).toBe(0);
  });

  it("matches any location of the finding by file name, line and column", () => {
    expect(configIgnores(rules, syntheticFinding("high", 7))).toBe(true);
    // Line 9 is ignored only at column 4; the synthetic finding starts at column 3.
    expect(configIgnores(rules, syntheticFinding("high", 9))).toBe(false);
    expect(configIgnores(rules, syntheticFinding("high", 8))).toBe(false);
    expect(configIgnores(rules, syntheticFinding("low", 7))).toBe(false);
    const related = syntheticFinding("high", 8);
    related.locations.push({ ...related.primary, line: 7 });
    expect(configIgnores(rules, related)).toBe(true);
  });
});

describe("the base revision's zizmor.yml", () => {
  const base = (files: Record<string, string>) => ({
    name: "the base revision",
    read: async (path: string) => files[path],
  });

  it("is found where zizmor looks, in its order, or at the config input's path", async () => {
    const files = { "zizmor.yml": "rules: {}\n", ".github/zizmor.yaml": "rules: {a: {}}\n" };
    expect(await baseConfig(base(files), undefined)).toEqual({
      path: ".github/zizmor.yaml",
      text: "rules: {a: {}}\n",
    });
    expect(await baseConfig(base(files), "./zizmor.yml")).toEqual({
      path: "zizmor.yml",
      text: "rules: {}\n",
    });
    expect(await baseConfig(base(files), "ci/zizmor.yml")).toBeUndefined();
    expect(await baseConfig(base({}), undefined)).toBeUndefined();
  });
});
