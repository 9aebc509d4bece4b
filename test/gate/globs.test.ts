import fc from "fast-check";
import { minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import {
  BRACE_LIMIT,
  braceCount,
  compilePath,
  compilePaths,
  pathGlobProblem,
} from "../../src/gate/globs.ts";
import { compileName, namePatternProblem } from "../../src/gate/names.ts";

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

  it("match as minimatch on random globs of every form and random paths, globstar runs included", () => {
    const char = fc.constantFrom("a", "b", ".", "-", " ", "é", "{", "}", ",");
    const name = fc.array(char, { minLength: 1, maxLength: 4 }).map((chars) => chars.join(""));
    const realPath = fc
      .array(
        name.filter((segment) => segment !== "." && segment !== ".."),
        { minLength: 1, maxLength: 7 },
      )
      .map((segments) => segments.join("/"));
    const part = fc.oneof(
      name,
      fc.constantFrom("*", "**", "?", "a*", "*a*b*", "*.a", "[a-b]", "[!a]", "{a,b}", "{a,**}"),
      fc.constantFrom("**/**", "a/**/b", "{a,b}/**", "@(a|b)", "+(a)", "[[:alpha:]]*"),
      // Escaped braces are literal, also beside an extglob that minimatch must match itself.
      fc.constantFrom("\\{a\\,b\\}", "\\{a,b\\}*", "\\{*\\}?(a)", "+(\\,)"),
    );
    const glob = fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join("/"));
    fc.assert(
      fc.property(glob, realPath, (pattern, file) => {
        // Globs the rules file refuses (`..` segments, too many braces) are never compiled.
        fc.pre(pathGlobProblem(pattern) === undefined);
        expect(compilePath(pattern)(file)).toBe(minimatch(file, pattern, { dot: true }));
      }),
      { numRuns: 5000 },
    );
  });

  it("collapse runs of globstars, which match what one does", () => {
    const deep = `${Array.from({ length: 2000 }, (_, i) => `s${i % 3}`).join("/")}/a`;
    expect(compilePath("**/**/**/**/**/a")(deep)).toBe(true);
    expect(compilePath("**/**/**/**/**/b")(deep)).toBe(false);
    expect(compilePath("**/s1/**/s2/**/s0/**/b")(deep)).toBe(false);
    expect(compilePath("**/s1/**/s2/**/s0/**/a")(deep)).toBe(true);
  });

  it("refuse, with what to write instead, globs that could never match a changed file", () => {
    expect(pathGlobProblem("docs/")).toMatch(/write 'docs\/\*\*' for everything under it/);
    expect(pathGlobProblem("/src/**")).toMatch(/drop the leading '\/'/);
    expect(pathGlobProblem("./src/**")).toMatch(/a '\.' segment never matches/);
    expect(pathGlobProblem("src//a")).toMatch(/empty path segment/);
    expect(pathGlobProblem("[z-a]/**")).toMatch(/the range 'z-a' is backwards/);
    expect(pathGlobProblem("!docs/**")).toBeUndefined();
    expect(pathGlobProblem("{crates,libs}/**/*.{rs,toml}")).toBeUndefined();
  });

  it("count brace expansions without expanding them, and refuse more than the limit", () => {
    expect(braceCount("{a,b}/{1..3}/{x,{y,z}}")).toBe(18);
    expect(braceCount("{1..10..2}")).toBe(5);
    expect(braceCount("a\\{b,c}")).toBe(1);
    expect(braceCount("{a,b}".repeat(40))).toBeGreaterThan(1e12);
    expect(pathGlobProblem(`{${Array.from({ length: BRACE_LIMIT }, (_, i) => i).join(",")}}`)).toBe(
      undefined,
    );
    expect(pathGlobProblem("{a,b}".repeat(11))).toMatch(/expand to 2,048 patterns.*at most 1000/);
    expect(pathGlobProblem("{1..1000000000}")).toMatch(/expand to more than a billion patterns/);
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

  it("match as a regular expression of the same pattern would, without backtracking", () => {
    const reference = (pattern: string) => {
      let source = "";
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i] as string;
        const end = c === "[" ? pattern.indexOf("]", i + 2) : -1;
        if (c === "*") source += ".*";
        else if (c === "?") source += ".";
        else if (end > i) {
          const body = pattern.slice(i + 1, end).replace(/[\\[\]]/g, "\\$&");
          source += `[${/^[!^]/.test(body) ? `^${body.slice(1)}` : body}]`;
          i = end;
        } else source += c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
      }
      return new RegExp(`^${source}$`, "s");
    };
    const char = fc.constantFrom("a", "b", "(", ")", " ", "/", "*", "?", "[", "]", "!", "-");
    const text = (max: number) => fc.array(char, { maxLength: max }).map((chars) => chars.join(""));
    fc.assert(
      fc.property(text(8), text(12), (pattern, name) => {
        fc.pre(namePatternProblem(pattern) === undefined);
        expect(compileName(pattern)(name)).toBe(reference(pattern).test(name));
      }),
      { numRuns: 5000 },
    );
    expect(compileName("a*a*a*a*a*a*b")("a".repeat(10_000))).toBe(false);
  });

  it("match a name GitHub cut to 97 characters and '...' when the full name would have matched", () => {
    const leg = `canary-binaries (${"x86_64-unknown-linux-musl, ".repeat(4)}release)`;
    expect(leg.length).toBeGreaterThan(100);
    const cut = `${leg.slice(0, 97)}...`;
    expect(compileName(leg)(cut)).toBe(true);
    expect(compileName("canary-binaries (*)")(cut)).toBe(true);
    expect(compileName("canary-binaries (x86_64*")(cut)).toBe(true);
    expect(compileName("canary-binaries (aarch64*")(cut)).toBe(false);
    // A pattern that can match only names of at most 100 characters cannot have been cut.
    expect(compileName(`${cut.slice(0, 97)}?`)(cut)).toBe(false);
    expect(compileName(`${cut.slice(0, 97)}????`)(cut)).toBe(true);
    expect(compileName("canary-binaries (*)")(`${"y".repeat(97)}...`)).toBe(false);
    expect(compileName(leg)(leg.slice(0, 100))).toBe(false);
  });

  it("report a backwards class range, and never throw on any pattern", () => {
    expect(namePatternProblem("test [z-a]")).toMatch(/the range 'z-a' is backwards; write 'a-z'/);
    expect(compileName("test [z-a]")("test b")).toBe(false);
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
