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
  const sorted = [...paths].sort();
  return rulesFile.rules.map((rule) => decide(rule, candidates(rule, paths, sorted), paths.length));
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

/** The changed paths a rule could match: those under its literal prefixes, when it has them. */
function candidates(
  rule: Rule,
  paths: readonly string[],
  sorted: readonly string[],
): Iterable<string> {
  const prefixes = rule.matchesPath.prefixes;
  if (!prefixes) return paths;
  return prefixes.flatMap((prefix) => {
    const found: string[] = [];
    for (let index = lowerBound(sorted, prefix); index < sorted.length; index++) {
      const path = sorted[index] as string;
      if (!path.startsWith(prefix)) break;
      found.push(path);
    }
    return found;
  });
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
