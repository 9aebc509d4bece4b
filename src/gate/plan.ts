import { type Allowable, allowedOn, type Rule, type RulesFile } from "./rules.ts";

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

/** What the rules are planned for besides the change: the event, and the pull request's labels. */
export interface PlanContext {
  event: string;
  labels: readonly string[];
}

export interface RuleDecision {
  rule: Rule;
  applies: boolean;
  /** Why, in words: the changed path and the glob it matched, or why nothing matched. */
  reason: string;
  matchedPath?: string;
  /**
   * The changed files the rule's paths cover (every changed file for a rule without paths), in
   * path order, at most {@link FILES_LIMIT}; `fileCount` says how many there are in all.
   */
  files: readonly string[];
  fileCount: number;
  /** What the rule accepts besides success on this event. */
  allow: readonly Allowable[];
}

/** The most files a decision lists; outputs and summaries say how many more there were. */
export const FILES_LIMIT = 1000;

/**
 * Changes to these make every rule apply: the workflows and the local actions they run decide
 * what the checks do, and the rules file decides what is required.
 */
const EVERYTHING_FILES = [
  { pattern: /^\.github\/workflows\//, what: "workflow file" },
  { pattern: /^\.github\/actions\//, what: "local action file" },
];

/** For each rule, whether it applies to the change on this event and why. */
export function planRules(
  rulesFile: RulesFile,
  changes: ChangeSet,
  context: PlanContext = { event: "pull_request", labels: [] },
): RuleDecision[] {
  const everything = requiresEverything(rulesFile.path, changes);
  const paths = changedPaths(changes.files);
  // NUL cannot occur in a path, so it separates them in one string searched per literal.
  const index: PathIndex = { paths, sorted: [...paths].sort(), joined: `\0${paths.join("\0")}\0` };
  return rulesFile.rules.map((rule) => {
    const covered = coveredFiles(rule, index);
    const decision = (applies: boolean, reason: string, matchedPath?: string): RuleDecision => ({
      rule,
      applies,
      reason,
      ...(matchedPath === undefined ? {} : { matchedPath }),
      files: covered.slice(0, FILES_LIMIT),
      fileCount: covered.length,
      allow: allowedOn(rule, context.event),
    });
    // A label forces the rule on whatever changed, on any event; `events` limits the rest, and
    // comes before "everything applies" so that a workflow edit on a pull request does not
    // require a job its workflow runs on push only.
    const label = rule.labels.find((name) => context.labels.includes(name));
    if (label !== undefined) return decision(true, `the pull request has the label '${label}'`);
    if (rule.events && !rule.events.includes(context.event)) {
      return decision(false, notOnThisEvent(rule, context.event));
    }
    if (everything) return decision(true, everything);
    if (rule.paths.length === 0) return decision(true, "always (the rule has no paths)");
    const first = covered[0];
    if (first !== undefined) {
      return decision(true, `${first} matches ${rule.matchesPath.match(first)}`, first);
    }
    return decision(false, nothingMatched(rule, paths.length));
  });
}

function requiresEverything(rulesPath: string, changes: ChangeSet): string | undefined {
  if (!changes.complete)
    return changes.everythingBecause ?? "the list of changed files is incomplete";
  if (changes.everythingBecause) return changes.everythingBecause;
  for (const file of changes.files) {
    for (const path of [file.path, file.previousPath]) {
      if (path === undefined) continue;
      if (path === rulesPath) return `the rules file ${path} changed, so every rule applies`;
      const kind = EVERYTHING_FILES.find(({ pattern }) => pattern.test(path));
      if (kind) return `${kind.what} ${path} changed, so every rule applies`;
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
 * those holding one of its literals (one `indexOf` scan per literal, given up when a literal is in
 * too many paths to narrow them down), else all of them.
 */
function candidates(rule: Rule, index: PathIndex): Iterable<string> {
  const { prefixes, literals } = rule.matchesPath;
  if (prefixes) {
    const under = prefixes.map((prefix) => underPrefix(index.sorted, prefix));
    return under.length === 1 ? (under[0] as string[]) : new Set(under.flat());
  }
  if (!literals) return index.sorted;
  const limit = Math.max(64, index.paths.length >> 3);
  const holders: string[][] = [];
  for (const literal of literals) {
    const found = holding(index.joined, literal, limit);
    if (!found) return index.sorted;
    holders.push(found);
  }
  return holders.length === 1 ? (holders[0] as string[]) : new Set(holders.flat());
}

/** The changed paths a rule's globs cover, sorted; every changed path for a rule without paths. */
function coveredFiles(rule: Rule, index: PathIndex): string[] {
  if (rule.paths.length === 0) return [...index.sorted];
  const covered: string[] = [];
  for (const path of candidates(rule, index)) {
    if (rule.matchesPath.match(path) !== undefined) covered.push(path);
  }
  return covered.sort();
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

/** The paths holding a literal, each once; undefined when more than `limit` do. */
function holding(joined: string, literal: string, limit: number): string[] | undefined {
  const found: string[] = [];
  for (let at = joined.indexOf(literal); at >= 0; ) {
    if (found.length >= limit) return undefined;
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

function notOnThisEvent(rule: Rule, event: string): string {
  const labels = rule.labels.map((label) => `'${label}'`).join(" or ");
  return `required only on ${rule.events?.join(", ")}${labels ? ` or with the label ${labels}` : ""}; this is ${event || "no event"}`;
}

function nothingMatched(rule: Rule, changedCount: number): string {
  const shown = rule.paths.slice(0, 3).join(", ") + (rule.paths.length > 3 ? ", ..." : "");
  return changedCount === 0
    ? "no files changed"
    : `none of ${changedCount} changed paths match ${shown}`;
}
