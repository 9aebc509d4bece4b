import { braceExpand, Minimatch } from "minimatch";

/**
 * Path patterns of one rule compiled once, so matching 10,000 changed files against 200 rules is
 * a few million regex tests rather than minimatch walks. The regexes follow minimatch with
 * `dot: true` (a property test holds them to it); patterns in syntax they do not cover
 * (extglobs, POSIX classes, `.`/`..` or empty segments) use a precompiled Minimatch instead.
 * A path counts when it matches a positive pattern and no negated one; a list of only negations
 * starts from "every path".
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

/**
 * One glob as a test; braces expand into alternatives of one regex. A literal every match must
 * contain (`c5-x` of `**\/c5-x/**`) is checked first with `includes`, which rejects most paths
 * far faster than a regex with a leading globstar.
 */
export function compilePath(pattern: string): Test {
  const expanded = braceExpand(pattern, OPTIONS);
  const sources = expanded.map(globSource);
  if (sources.some((source) => source === undefined)) {
    const matcher = new Minimatch(pattern, OPTIONS);
    return (path) => matcher.match(path);
  }
  const re = new RegExp(`^(?:${sources.join("|")})$`, "s");
  const literals = expanded.map(longestLiteral);
  if (literals.some((literal) => literal.length < 2)) return (path) => re.test(path);
  if (literals.length === 1) {
    const literal = literals[0] as string;
    return (path) => path.includes(literal) && re.test(path);
  }
  return (path) => literals.some((literal) => path.includes(literal)) && re.test(path);
}

function requiredLiterals(patterns: readonly string[]): string[] | undefined {
  const literals = patterns.flatMap((pattern) => braceExpand(pattern, OPTIONS)).map(longestLiteral);
  return literals.some((literal) => literal.length < 2) ? undefined : [...new Set(literals)];
}

/** The longest run of plain characters inside one path segment: every match holds it verbatim. */
function longestLiteral(pattern: string): string {
  let longest = "";
  for (const run of pattern.split(/[*?[\]{}()!+@\\/]+/))
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
      source += escapeRegex(segment[index] as string);
    } else if (char === "[") {
      const end = segment.indexOf("]", index + 2);
      if (end < 0) return undefined;
      let body = segment.slice(index + 1, end);
      const negated = body.startsWith("!") || body.startsWith("^");
      if (negated) body = body.slice(1);
      if (body === "" || body.includes("\\")) return undefined;
      source += `[${negated ? "^/" : ""}${body.replace(/[\]^[]/g, "\\$&")}]`;
      index = end;
    } else source += escapeRegex(char);
  }
  return source;
}

function escapeRegex(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * A check-name pattern: `*` matches any run of characters (including `/`, so reusable workflows'
 * `caller / callee` names and matrix suffixes such as `test (ubuntu, 1.80)` match), `?` one
 * character, `[...]` a class; everything else, parentheses included, is literal.
 */
export function compileName(pattern: string): (name: string) => boolean {
  if (!isNamePattern(pattern)) return (name) => name === pattern;
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    const end = char === "[" ? pattern.indexOf("]", index + 2) : -1;
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else if (end > index) {
      const body = pattern.slice(index + 1, end).replace(/[\\[]/g, "\\$&");
      source += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`;
      index = end;
    } else source += escapeRegex(char);
  }
  const re = new RegExp(`^${source}$`, "s");
  return (name) => re.test(name);
}

/** Whether a check name is a pattern rather than one literal name. */
export function isNamePattern(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}
