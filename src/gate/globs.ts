import { braceExpand, Minimatch } from "minimatch";
import { splitTopLevelCommas } from "../core/inputs.ts";
import { escapeRegExp } from "../core/text.ts";

/**
 * Path patterns of one rule compiled once, so matching 10,000 changed files against 200 rules is
 * a few million cheap tests. Matching follows minimatch with `dot: true` (a property test holds
 * every form to it) and never backtracks without bound, since the paths come from the pull
 * request: a run of `**` segments is one `**`; a glob with at most one `**` and one `*` per
 * segment becomes a regular expression, which then cannot backtrack more than once per segment;
 * anything else goes to minimatch, whose matcher does not backtrack at all. A path counts when it
 * matches a positive pattern and no negated one; a list of only negations starts from "every
 * path".
 */
export interface PathMatcher {
  patterns: readonly string[];
  /** The first positive pattern that `path` matches, or undefined when the path does not count. */
  match(path: string): string | undefined;
  /**
   * Literal starts every matching path has (`crates/api/` for `crates/api/**`), so a sorted list of
   * changed paths needs only a binary search per prefix; undefined when a pattern has none.
   */
  prefixes: readonly string[] | undefined;
  /** Literals of which every matching path holds one; undefined when a pattern has none. */
  literals: readonly string[] | undefined;
}

const OPTIONS = { dot: true, nocomment: true, nonegate: true } as const;

/** The most patterns one glob's braces may expand to; more is refused at its line. */
export const BRACE_LIMIT = 1000;

type Test = (path: string) => boolean;

export function compilePaths(patterns: readonly string[]): PathMatcher {
  const positives = patterns.filter((pattern) => !pattern.startsWith("!"));
  const negatives = patterns.filter((pattern) => pattern.startsWith("!")).map((p) => p.slice(1));
  const positiveTests = positives.map(compilePath);
  const anyPositive = positives.length > 0 ? anyOf(positiveTests) : () => true;
  const anyNegative = anyOf(negatives.map(compilePath));
  return {
    patterns,
    prefixes: positives.length === 0 ? undefined : literalPrefixes(positives),
    literals: positives.length === 0 ? undefined : requiredLiterals(positives),
    match(path) {
      if (!anyPositive(path) || anyNegative(path)) return undefined;
      if (positives.length === 0) return "**";
      return positives[positiveTests.findIndex((test) => test(path))];
    },
  };
}

/** One glob as a test; braces expand into alternatives. */
export function compilePath(pattern: string): Test {
  return anyOf(expand(pattern).map(compileExpanded));
}

/**
 * Why a path glob cannot work as meant, or undefined when it is fine: braces past the limit, or
 * a form that can never match a changed file (always a file path relative to the root, without
 * `.`, `..` or empty segments).
 */
export function pathGlobProblem(pattern: string): string | undefined {
  const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  const count = braceCount(body);
  if (count > BRACE_LIMIT) {
    const shown = count >= 1e9 ? "more than a billion" : count.toLocaleString("en");
    return `its braces expand to ${shown} patterns, and the gate takes at most ${BRACE_LIMIT} (use ** or fewer alternatives)`;
  }
  for (const glob of expand(body)) {
    if (glob.startsWith("/"))
      return "paths are relative to the repository root; drop the leading '/'";
    if (glob.endsWith("/"))
      return `a trailing '/' never matches a changed file, which is always a file; write '${glob}**' for everything under it`;
    const segments = glob.split("/");
    if (segments.includes("")) return "an empty path segment ('//') never matches a changed file";
    const dots = segments.find((segment) => segment === "." || segment === "..");
    if (dots)
      return `a '${dots}' segment never matches a changed file; write the path from the repository root`;
    const range = backwardsRange(glob);
    if (range)
      return `the range '${range}' is backwards and matches nothing; write '${[...range].reverse().join("")}'`;
  }
  return undefined;
}

function expand(pattern: string): string[] {
  return braceExpand(pattern, OPTIONS).map(collapseGlobstars);
}

/** `a/**\/**\/b` is `a/**\/b`: consecutive globstars match what one does, at far less cost. */
function collapseGlobstars(glob: string): string {
  const segments = glob.split("/");
  return segments
    .filter((segment, index) => segment !== "**" || segments[index - 1] !== "**")
    .join("/");
}

const MAGIC = /[*?[\\]|[@!+]\(/;

/**
 * A brace-free glob as a test. The literal runs every match must contain (`x`, `y` and `.rs` of
 * `**\/x/**\/y/*.rs`) are checked first with `includes`, which rejects most paths far faster
 * than any matcher.
 */
function compileExpanded(glob: string): Test {
  if (!MAGIC.test(glob)) return (path) => path === glob;
  const test = matcherOf(glob);
  const runs = requiredRuns(glob);
  if (runs.length === 0) return test;
  return (path) => runs.every((run) => path.includes(run)) && test(path);
}

/** Every run of plain characters of a glob, longest first; none when classes, escapes or extglobs could hide one. */
function requiredRuns(glob: string): string[] {
  if (/[[\\]|[@!+*?]\(/.test(glob)) return [];
  const runs = glob.split(/[*?/]+/).filter((run) => run.length > 0);
  return [...new Set(runs)].sort((a, b) => b.length - a.length);
}

function matcherOf(glob: string): Test {
  const segments = glob.split("/");
  const bounded =
    segments.filter((segment) => segment === "**").length <= 1 &&
    segments.every((segment) => segment === "**" || segment.split("*").length <= 2);
  const source = bounded ? globSource(glob) : undefined;
  const re = source === undefined ? undefined : regExpOf(`^${source}$`);
  if (re) return (path) => re.test(path);
  // The braces were expanded already (and their escapes taken out): a second expansion would
  // read an escaped `\{a,b\}` as alternatives.
  const matcher = new Minimatch(glob, { ...OPTIONS, nobrace: true });
  return (path) => matcher.match(path);
}

/**
 * How many patterns a glob's braces expand to, counted without expanding them: `{a,b}` adds its
 * alternatives, `{1..9}` its steps, and braces one after another multiply.
 */
export function braceCount(glob: string): number {
  let total = 1;
  for (let index = 0; index < glob.length && total <= Number.MAX_SAFE_INTEGER; index++) {
    if (glob[index] === "\\") index++;
    else if (glob[index] === "{") {
      const end = closingBrace(glob, index);
      if (end < 0) break;
      total *= braceGroupCount(glob.slice(index + 1, end));
      index = end;
    }
  }
  return total;
}

function braceGroupCount(body: string): number {
  const sequence = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?$/.exec(body);
  if (sequence) {
    const [, from = "", to = "", step = "1"] = sequence;
    const value = (text: string) => (/^-?\d+$/.test(text) ? Number(text) : text.charCodeAt(0));
    const width = Math.abs(value(to) - value(from));
    return Math.floor(width / Math.max(1, Math.abs(Number(step)))) + 1;
  }
  const options = splitTopLevelCommas(body);
  if (options.length === 1) return braceCount(body);
  return options.reduce((sum, option) => sum + braceCount(option), 0);
}

function closingBrace(glob: string, open: number): number {
  let depth = 0;
  for (let index = open; index < glob.length; index++) {
    const char = glob[index];
    if (char === "\\") index++;
    else if (char === "{") depth++;
    else if (char === "}" && --depth === 0) return index;
  }
  return -1;
}

/** The first `z-a` inside a `[...]` class, which matches nothing. */
function backwardsRange(glob: string): string | undefined {
  for (let index = 0; index < glob.length; index++) {
    if (glob[index] === "\\") index++;
    else if (glob[index] === "[") {
      const end = glob.indexOf("]", index + 2);
      if (end < 0) continue;
      const body = glob
        .slice(index + 1, end)
        .replace(/^[!^]/, "")
        .replace(/\[:\w+:\]/g, "");
      for (let at = 0; at + 2 < body.length; at++) {
        const from = body[at] as string;
        const to = body[at + 2] as string;
        if (body[at + 1] === "-" && to < from) return `${from}-${to}`;
      }
      index = end;
    }
  }
  return undefined;
}

function requiredLiterals(patterns: readonly string[]): string[] | undefined {
  const literals = patterns.flatMap((pattern) => braceExpand(pattern, OPTIONS)).map(longestLiteral);
  return literals.some((literal) => literal.length === 0) ? undefined : [...new Set(literals)];
}

/** The longest run of plain characters inside one path segment: every match holds it verbatim. */
function longestLiteral(pattern: string): string {
  let longest = "";
  for (const run of pattern.split(/[*?[\]{}()!+@|\\/]+/))
    if (run.length > longest.length) longest = run;
  // A class or escape spans characters the split cannot see; only plain patterns are trusted.
  return /[[\\]/.test(pattern) ? "" : longest;
}

function literalPrefixes(patterns: readonly string[]): string[] | undefined {
  const prefixes = new Set<string>();
  for (const expanded of patterns.flatMap((pattern) => braceExpand(pattern, OPTIONS))) {
    const magic = expanded.search(/[*?[\\{}()!+@]/);
    if (magic < 0) {
      prefixes.add(expanded);
      continue;
    }
    const prefix = expanded.slice(0, expanded.lastIndexOf("/", magic) + 1);
    if (prefix === "" || prefix.includes("/./") || prefix.startsWith("./")) return undefined;
    prefixes.add(prefix);
  }
  return [...prefixes];
}

function anyOf(tests: Test[]): Test {
  if (tests.length === 0) return () => false;
  if (tests.length === 1) return tests[0] as Test;
  return (path) => tests.some((test) => test(path));
}

const UNCOVERED = /[@!?*+]\(|\[:|(^|\/)\.\.?(\/|$)|\/\/|\/$|^\//;

/** A regex source for a brace-free glob, or undefined when it uses syntax left to minimatch. */
function globSource(pattern: string): string | undefined {
  if (pattern === "" || UNCOVERED.test(pattern)) return undefined;
  const segments = pattern.split("/");
  let source = "";
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (segment === "**") {
      source += last ? (index === 0 ? ".*" : ".+") : "(?:[^/]+/)*";
      continue;
    }
    const part = segmentSource(segment);
    if (part === undefined) return undefined;
    source += last ? part : `${part}/`;
  }
  return source;
}

function segmentSource(segment: string): string | undefined {
  let source = "";
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index] as string;
    if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else if (char === "\\") {
      index++;
      if (index >= segment.length) return undefined;
      source += escapeRegExp(segment[index] as string);
    } else if (char === "[") {
      const end = segment.indexOf("]", index + 2);
      if (end < 0) return undefined;
      let body = segment.slice(index + 1, end);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      if (body === "" || body.includes("\\")) return undefined;
      source += `[${negated ? "^/" : ""}${body.replace(/[\]^[]/g, "\\$&")}]`;
      index = end;
    } else source += escapeRegExp(char);
  }
  return source;
}

/** A class such as `[z-a]` is no regular expression; minimatch then says it matches nothing. */
function regExpOf(source: string): RegExp | undefined {
  try {
    return new RegExp(source, "s");
  } catch {
    return undefined;
  }
}
