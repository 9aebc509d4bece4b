import type { Rule, RulesFile } from "./rules.ts";

/** One changed file; a rename or move carries the path it came from, and both sides count. */
export interface ChangedFile {
  path: string;
  previousPath?: string;
}

/**
 * The files a change touches. `complete: false` means the list is known to be cut short (the API's
 * 3000-file or 300-file cap, an untrusted shallow clone), so every rule applies.
 */
export interface ChangeSet {
  files: readonly ChangedFile[];
  complete: boolean;
  /** How the files were found, for the summary ("local git diff base...head"). */
  source: string;
  /** Why the list is incomplete, or why everything is required (no base to compare with). */
  everythingBecause?: string;
}

export interface RuleDecision {
  rule: Rule;
  applies: boolean;
  /** Why, in words: the changed path and the glob it matched, or why nothing matched. */
  reason: string;
  matchedPath?: string;
}

const WORKFLOW_FILES = /^\.github\/workflows\//;

/** For each rule, whether it applies to the change and why. */
export function planRules(rulesFile: RulesFile, changes: ChangeSet): RuleDecision[] {
  const everything = requiresEverything(rulesFile.path, changes);
  if (everything) {
    return rulesFile.rules.map((rule) => ({ rule, applies: true, reason: everything }));
  }
  const paths = changedPaths(changes.files);
  // NUL cannot occur in a path, so it separates them in one string searched per literal.
  const index: PathIndex = { paths, sorted: [...paths].sort(), joined: `\0${paths.join("\0")}\0` };
  return rulesFile.rules.map((rule) => decide(rule, candidates(rule, index), paths.length));
}

function requiresEverything(rulesPath: string, changes: ChangeSet): string | undefined {
  if (!changes.complete)
    return changes.everythingBecause ?? "the list of changed files is incomplete";
  if (changes.everythingBecause) return changes.everythingBecause;
  for (const file of changes.files) {
    for (const path of [file.path, file.previousPath]) {
      if (path === rulesPath) return `the rules file ${path} changed, so every rule applies`;
      if (path && WORKFLOW_FILES.test(path)) {
        return `workflow file ${path} changed, so every rule applies`;
      }
    }
  }
  return undefined;
}

/** Both sides of every rename, each once, in the order files were listed. */
function changedPaths(files: readonly ChangedFile[]): string[] {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file.path);
    if (file.previousPath) paths.add(file.previousPath);
  }
  return [...paths];
}

interface PathIndex {
  paths: readonly string[];
  sorted: readonly string[];
  joined: string;
}

/**
 * The changed paths a rule could match: those under its literal prefixes (a binary search), else
 * those holding one of its literals (one `indexOf` scan per literal), else all of them.
 */
function candidates(rule: Rule, index: PathIndex): Iterable<string> {
  const { prefixes, literals } = rule.matchesPath;
  if (prefixes) return prefixes.flatMap((prefix) => underPrefix(index.sorted, prefix));
  if (literals) return new Set(literals.flatMap((literal) => holding(index.joined, literal)));
  return index.paths;
}

function underPrefix(sorted: readonly string[], prefix: string): string[] {
  const found: string[] = [];
  for (let at = lowerBound(sorted, prefix); at < sorted.length; at++) {
    const path = sorted[at] as string;
    if (!path.startsWith(prefix)) break;
    found.push(path);
  }
  return found;
}

function holding(joined: string, literal: string): string[] {
  const found: string[] = [];
  for (let at = joined.indexOf(literal); at >= 0; ) {
    const start = joined.lastIndexOf("\0", at) + 1;
    const end = joined.indexOf("\0", at);
    found.push(joined.slice(start, end));
    at = joined.indexOf(literal, end);
  }
  return found;
}

function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function decide(rule: Rule, paths: Iterable<string>, changedCount: number): RuleDecision {
  if (rule.paths.length === 0)
    return { rule, applies: true, reason: "always (the rule has no paths)" };
  for (const path of paths) {
    const pattern = rule.matchesPath.match(path);
    if (pattern) {
      return { rule, applies: true, reason: `${path} matches ${pattern}`, matchedPath: path };
    }
  }
  const shown = rule.paths.slice(0, 3).join(", ") + (rule.paths.length > 3 ? ", ..." : "");
  return {
    rule,
    applies: false,
    reason:
      changedCount === 0
        ? "no files changed"
        : `none of ${changedCount} changed paths match ${shown}`,
  };
}
