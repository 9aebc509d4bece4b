import type { SourcePosition } from "../../core/errors.ts";

/** What can make a rule impossible to satisfy; the `kind` of a finding in `--format json`. */
export const FINDING_KINDS = {
  "no-check": "no job of any workflow produces a check the rule matches",
  "workflow-missing": "the rule's workflow: is not a file under .github/workflows",
  "invalid-workflow": "a workflow file GitHub would refuse to run",
  "not-triggered": "the workflow does not run on an event the gate runs for",
  "branch-filtered": "the workflow's branches filter leaves out a branch the gate runs for",
  "path-filtered": "the workflow's paths filter skips it for a change the rule applies to",
  skipped: "the job's if: skips it where the rule applies, and the rule does not allow skipped",
  "skipped-name":
    "the rule allows skipped, but the check of the skipped job (named as written, matrix unexpanded) does not match it",
  "not-in-needs": "needs mode: the rule's job is not in the gate job's needs",
  "unruled-need": "needs mode: a job in the gate's needs has no rule and may be skipped",
} as const;

export type FindingKind = keyof typeof FINDING_KINDS;

/** One reason a rule can never be satisfied (or not on some event), at the line to fix. */
export interface Finding {
  kind: FindingKind;
  /** Errors make `doctor` exit 1; advisory rules only warn. */
  level: "error" | "warning";
  /** The rule's id, when the finding is about a rule. */
  rule: string | undefined;
  message: string;
  position: SourcePosition;
  /** The event the finding is about (`pull_request to main`), when it is about one. */
  event?: string;
  workflow?: string;
  job?: string;
  /** A changed path for which the rule applies but its workflow does not run. */
  example?: string;
}

export function byPosition(a: Finding, b: Finding): number {
  return (
    a.position.file.localeCompare(b.position.file) ||
    (a.position.line ?? 0) - (b.position.line ?? 0) ||
    (a.position.column ?? 0) - (b.position.column ?? 0)
  );
}

/** A list in words: `a`, `a and b`, `a, b and c`. */
export function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** At most `count` items, then how many more. */
export function some(items: readonly string[], count = 4): string {
  const shown = items.slice(0, count);
  return items.length > count
    ? `${shown.join(", ")} and ${items.length - count} more`
    : shown.join(", ");
}
