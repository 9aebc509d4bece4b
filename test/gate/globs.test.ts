import fc from "fast-check";
import { minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { compileName, compilePath, compilePaths } from "../../src/gate/globs.ts";

const segment = fc.constantFrom("a", "b", ".a", "ab", "a b", "é", "x.rs", ".github", "[x]");
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
const patternPart = fc.constantFrom(
  "a",
  "b",
  "*",
  "**",
  "?",
  ".a",
  "*.rs",
  "{a,b}",
  "[ab]",
  "[!a]b",
  "a*",
  "é",
  ".github",
  "\\[x]",
);
const pattern = fc
  .array(patternPart, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join("/"));

describe("path globs", () => {
  it("match exactly as minimatch with dot: true", () => {
    fc.assert(
      fc.property(pattern, path, (glob, file) => {
        expect(compilePath(glob)(file)).toBe(minimatch(file, glob, { dot: true }));
      }),
      { numRuns: 3000 },
    );
  });

  it("match leading dots, spaces and unicode as users expect", () => {
    const matcher = compilePaths(["docs/**", ".github/**/*.yml", "crates/café/**"]);
    expect(matcher.match("docs/my notes/a b.md")).toBe("docs/**");
    expect(matcher.match(".github/actions/x/action.yml")).toBe(".github/**/*.yml");
    expect(matcher.match("crates/café/src/lib.rs")).toBe("crates/café/**");
    expect(matcher.match("src/lib.rs")).toBeUndefined();
  });

  it("count a path that matches a positive pattern and no negated one", () => {
    const matcher = compilePaths(["crates/**", "!crates/**/*.md"]);
    expect(matcher.match("crates/api/src/lib.rs")).toBe("crates/**");
    expect(matcher.match("crates/api/README.md")).toBeUndefined();
    expect(compilePaths(["!docs/**"]).match("src/a.rs")).toBe("**");
    expect(compilePaths(["!docs/**"]).match("docs/a.md")).toBeUndefined();
  });

  it("fall back to minimatch for extglobs", () => {
    expect(compilePath("src/+(a|b).rs")("src/ab.rs")).toBe(true);
    expect(compilePath("src/+(a|b).rs")("src/c.rs")).toBe(false);
  });
});

describe("check-name patterns", () => {
  it("match matrix legs and reusable-workflow names, with literal parentheses", () => {
    expect(compileName("test (*)")("test (ubuntu-latest, 1.80)")).toBe(true);
    expect(compileName("test (*)")("test")).toBe(false);
    expect(compileName("wash / check (*)")("wash / check (macos-latest)")).toBe(true);
    expect(compileName("*/ gate")("ci / gate")).toBe(true);
    expect(compileName("lint")("lint ")).toBe(false);
    expect(compileName("a.b")("axb")).toBe(false);
  });

  it("never throws on any pattern and matches a pattern-free name only exactly", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (glob, name) => {
        const matches = compileName(glob);
        expect(typeof matches(name)).toBe("boolean");
        if (!/[*?[]/.test(glob)) expect(matches(name)).toBe(glob === name);
      }),
    );
  });
});
