import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { filterPatternGlob, filterPatternTest } from "../../src/gate/doctor/filter-pattern.ts";
import { compilePath } from "../../src/gate/globs.ts";

// Workflows' branches/tags/paths filters use GitHub's pattern syntax ("Filter pattern cheat
// sheet"), not the rules file's minimatch globs. The reference here is the cheat sheet read as a
// regular expression: `*` is [^/]*, `**/` is (.+/)?, `**` is .*, `?` and `+` quantify the
// character before them, `[...]` is a class, `\` escapes, the rest is literal.

function cheatSheet(pattern: string): RegExp {
  let source = "";
  // Whether the last piece is one character or class, which `?` and `+` may follow.
  let single = false;
  const literal = (char: string) => char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    const quantified: boolean = (char === "?" || char === "+") && single;
    single = !quantified;
    if (quantified) source += char;
    else if (char === "*") {
      single = false;
      if (pattern[index + 1] !== "*") source += "[^/]*";
      else if (pattern[index + 2] === "/") {
        source += "(?:.+/)?";
        index += 2;
      } else {
        source += ".*";
        index += 1;
      }
    } else if (char === "[" && pattern.indexOf("]", index + 1) > index + 1) {
      const end = pattern.indexOf("]", index + 1);
      source += `[${pattern.slice(index + 1, end).replace(/[\\\]^]/g, "\\$&")}]`;
      index = end;
    } else if (char === "\\" && index + 1 < pattern.length) {
      index += 1;
      source += literal(pattern[index] as string);
    } else source += literal(char);
  }
  return new RegExp(`^${source}$`, "s");
}

const ALPHABET = [
  "a",
  "b",
  ".",
  "/",
  "*",
  "**",
  "**/",
  "?",
  "+",
  "[ab]",
  "[a-c]",
  "{",
  "}",
  "(",
  ")",
  ",",
];
const patterns = fc
  .array(fc.constantFrom(...ALPHABET), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(""));
const paths = fc
  .array(fc.constantFrom("a", "b", "c", ".", "/", "{", "(", ","), { maxLength: 10 })
  .map((parts) => parts.join(""));

describe("GitHub's filter patterns", () => {
  it("match as the cheat sheet says, on the cheat sheet's own examples", () => {
    const cases: [string, string, boolean][] = [
      ["**.js", "src/js/app.js", true],
      ["**.js", "index.js", true],
      ["*.js", "src/app.js", false],
      ["*.jsx?", "page.js", true],
      ["*.jsx?", "page.jsx", true],
      ["docs/*", "docs/mona/octocat.txt", false],
      ["docs/**", "docs/mona/octocat.txt", true],
      ["**/docs/**", "docs/hello.md", true],
      ["**/README.md", "README.md", true],
      ["**/*src/**", "a/src/app.js", true],
      ["v[12].[0-9]+.[0-9]+", "v2.10.1", true],
      ["v[12].[0-9]+.[0-9]+", "v3.1.1", false],
      ["feature/{a,b}", "feature/{a,b}", true],
      ["feature/{a,b}", "feature/a", false],
    ];
    for (const [pattern, value, expected] of cases) {
      expect([pattern, value, filterPatternTest(pattern)(value)]).toEqual([
        pattern,
        value,
        expected,
      ]);
    }
  });

  it("agree with the cheat sheet read as a regular expression, on any pattern and path", () => {
    fc.assert(
      fc.property(patterns, paths, (pattern, path) => {
        expect(filterPatternTest(pattern)(path)).toBe(cheatSheet(pattern).test(path));
      }),
      { numRuns: 3000 },
    );
  });

  it("become rules-file globs that match the same paths", () => {
    fc.assert(
      fc.property(patterns, paths, (pattern, path) => {
        const glob = filterPatternGlob(pattern);
        if (
          glob === undefined ||
          path === "" ||
          path.startsWith("/") ||
          path.endsWith("/") ||
          path.includes("//") ||
          /(^|\/)\.\.?(\/|$)/.test(path)
        )
          return;
        expect([glob, compilePath(glob)(path)]).toEqual([glob, filterPatternTest(pattern)(path)]);
      }),
      { numRuns: 3000 },
    );
    expect(filterPatternGlob("**.go")).toBe("**/*.go");
    expect(filterPatternGlob("!*.jsx?")).toBe("!*.js?(x)");
  });

  it("answer hostile patterns on hostile paths (the automaton does not backtrack)", () => {
    const path = "a/".repeat(5000);
    expect(filterPatternTest("**a**a**a**a**a**a**a**b")(path)).toBe(false);
    expect(filterPatternTest("**a**a**a**a**a**a**a**/")(path)).toBe(true);
    expect(filterPatternTest("a+a+a+a+a+a+a+b")("a".repeat(5000))).toBe(false);
  });
});
