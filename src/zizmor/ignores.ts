import { basename } from "node:path";
import { parse } from "yaml";
import type { Finding, FindingLocation } from "./report.ts";

/**
 * zizmor's two ways of silencing a finding, read the way zizmor reads them, so that on a pull
 * request they can be judged against the base revision instead of the pull request's own files.
 */

/** `# zizmor: ignore[a, b] why`: the regular expression of zizmor's `Comment::ignores`. */
const IGNORE_COMMENT = /# zizmor: ignore\[(.+)\](?:\s+.*)?$/;

/** Whether one comment (as zizmor's JSON lists it) ignores `audit`. */
export function commentIgnores(comment: string, audit: string): boolean {
  const listed = IGNORE_COMMENT.exec(comment)?.[1];
  return listed?.split(",").some((id) => id.trim() === audit) ?? false;
}

/** The locations of a finding that carry an ignore comment for its audit. */
export function ignoringLocations(finding: Finding): FindingLocation[] {
  return finding.locations.filter((location) =>
    location.comments.some((comment) => commentIgnores(comment, finding.audit)),
  );
}

/** One `rules.<audit>.ignore` entry of zizmor.yml: `file.yml[:line[:column]]`, 1-based. */
export interface IgnoreRule {
  filename: string;
  line: number | undefined;
  column: number | undefined;
}

/**
 * The `rules.<audit>.ignore` entries of a zizmor.yml, by audit. zizmor itself refuses a file it
 * cannot read when it runs with it, so entries it would refuse are skipped here.
 */
export function configIgnoreRules(text: string): Map<string, IgnoreRule[]> {
  const rules = new Map<string, IgnoreRule[]>();
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return rules;
  }
  const byAudit = (document as { rules?: unknown } | null)?.rules;
  if (typeof byAudit !== "object" || byAudit === null) return rules;
  for (const [audit, settings] of Object.entries(byAudit)) {
    const ignore = (settings as { ignore?: unknown } | null)?.ignore;
    if (!Array.isArray(ignore)) continue;
    rules.set(
      audit,
      ignore.flatMap((entry) => {
        const rule = typeof entry === "string" ? parseIgnoreRule(entry) : undefined;
        return rule ? [rule] : [];
      }),
    );
  }
  return rules;
}

/** `ci.yml:12:5` split from the right, as zizmor's `WorkflowRule::from_str` does. */
function parseIgnoreRule(text: string): IgnoreRule | undefined {
  const parts = text.split(":");
  const numbers: number[] = [];
  while (parts.length > 1 && numbers.length < 2 && /^\d+$/.test(parts.at(-1) as string)) {
    numbers.unshift(Number(parts.pop()));
  }
  const filename = parts.join(":");
  if (!/\.ya?ml$/.test(filename) || numbers.some((n) => n < 1)) return undefined;
  return { filename, line: numbers[0], column: numbers[1] };
}

/**
 * Whether a zizmor.yml's ignore rules silence a finding, as zizmor's `Config::ignores` decides: a
 * rule names a file by its base name, and matches when any location of the finding is in that
 * file and starts on the rule's line (and column), or always when the rule names no line.
 */
export function configIgnores(rules: ReadonlyMap<string, IgnoreRule[]>, finding: Finding): boolean {
  return configIgnoreMatches(rules, finding).length > 0;
}

/** Each location of a finding that a zizmor.yml ignore rule matches, with the rule. */
export function configIgnoreMatches(
  rules: ReadonlyMap<string, IgnoreRule[]>,
  finding: Finding,
): { location: FindingLocation; rule: IgnoreRule }[] {
  const forAudit = rules.get(finding.audit) ?? [];
  return finding.locations.flatMap((location) => {
    const name = locationFileName(location);
    const rule = forAudit.find(
      (candidate) =>
        candidate.filename === name &&
        (candidate.line === undefined ||
          (candidate.line === location.line &&
            (candidate.column === undefined || candidate.column === location.column))),
    );
    return rule ? [{ location, rule }] : [];
  });
}

function locationFileName(location: FindingLocation): string | undefined {
  const { key } = location;
  if (key.kind === "local") return basename(key.printedPath);
  if (key.kind === "remote") return basename(key.path);
  return undefined;
}
