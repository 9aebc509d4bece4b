import { createHash } from "node:crypto";
import { describeKey, type Finding, SEVERITIES, type Severity, severityRank } from "./report.ts";

export const FAIL_ON = ["high", "medium", "low", "informational", "never"] as const;
export type FailOn = (typeof FAIL_ON)[number];

/**
 * Lines a pull request added or changed, by workspace-relative path (1-based); `whole-file` when
 * GitHub sent no patch (a file too large to diff), so every line counts as changed.
 */
export type ChangedLines = ReadonlyMap<string, ReadonlySet<number> | "whole-file">;

export type NewOnly =
  | { mode: "off" }
  | { mode: "changed-lines"; changed: ChangedLines }
  | { mode: "baseline"; known: ReadonlySet<string> };

export interface Verdict {
  /** Findings at or above the threshold that count (new ones, when only new ones count). */
  failing: Finding[];
  /** At or above the threshold, but on unchanged lines or already in the baseline. */
  preexisting: Finding[];
  highest: Severity | "none";
  passed: boolean;
}

export function atOrAbove(severity: Severity, failOn: FailOn): boolean {
  if (failOn === "never") return false;
  return severityRank(severity) >= SEVERITIES.indexOf(failOn);
}

/**
 * Decides the step's outcome from the findings alone, whatever zizmor's exit code said: the
 * threshold is ours, and it works the same when zizmor ran in SARIF mode (which has no exit codes).
 */
export function decide(findings: readonly Finding[], failOn: FailOn, newOnly: NewOnly): Verdict {
  const counted = findings.filter((finding) => !finding.ignored);
  const overThreshold = counted.filter((finding) => atOrAbove(finding.severity, failOn));
  const failing = overThreshold.filter((finding) => isNew(finding, newOnly));
  const highest = counted.reduce<Severity | "none">(
    (top, finding) =>
      top === "none" || severityRank(finding.severity) > severityRank(top) ? finding.severity : top,
    "none",
  );
  return {
    failing,
    preexisting: overThreshold.filter((finding) => !isNew(finding, newOnly)),
    highest,
    passed: failing.length === 0,
  };
}

export function isNew(finding: Finding, newOnly: NewOnly): boolean {
  if (newOnly.mode === "off") return true;
  if (newOnly.mode === "baseline") return !newOnly.known.has(fingerprint(finding));
  const { key, line, endLine } = finding.primary;
  if (key.kind !== "local" || key.path === undefined) return false;
  const changed = newOnly.changed.get(key.path);
  if (!changed) return false;
  if (changed === "whole-file") return true;
  for (let at = line; at <= endLine; at++) if (changed.has(at)) return true;
  return false;
}

/**
 * Identifies a finding across commits without its line number (which moves when lines are
 * added above it): the audit, the file, the YAML route and the flagged text.
 */
export function fingerprint(finding: Finding): string {
  let known = fingerprints.get(finding);
  if (known === undefined) {
    const { key, route, feature } = finding.primary;
    known = createHash("sha256")
      .update([finding.audit, describeKey(key), route, feature.trim()].join("\u0000"))
      .digest("hex")
      .slice(0, 32);
    fingerprints.set(finding, known);
  }
  return known;
}

const fingerprints = new WeakMap<Finding, string>();

/**
 * Lines added by a unified diff (`patch` of the pull request files API, or `git diff -U0`), by
 * the new file's line numbers.
 */
export function addedLines(patch: string): Set<number> {
  const added = new Set<number>();
  let next = 0;
  for (const line of patch.split("\n")) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk) {
      next = Number(hunk[1]);
      continue;
    }
    if (next === 0 || line.startsWith("\\")) continue;
    if (line.startsWith("+")) added.add(next++);
    else if (!line.startsWith("-")) next++;
  }
  return added;
}
