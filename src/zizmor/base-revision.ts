import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type BaseRevision, contentsBaseRevision } from "../core/base-revision.ts";
import type { Repository } from "../core/context.ts";
import type { GitHubClient } from "../core/github.ts";
import type { IgnoreRule } from "./ignores.ts";
import {
  commentIgnores,
  configIgnoreMatches,
  configIgnoreRules,
  ignoringLocations,
} from "./ignores.ts";
import { changedLines } from "./line-diff.ts";
import type { Finding, FindingLocation } from "./report.ts";

/**
 * On a pull request, what silences a finding comes from the base revision, so that a pull request
 * cannot silence its own findings: zizmor runs with the base's zizmor.yml and with ignores off,
 * and then only the findings that the base's configuration ignores, or whose ignore comment sits
 * on lines the pull request leaves as they are, are dropped.
 */

export type { BaseRevision } from "../core/base-revision.ts";

/** Where zizmor looks for its configuration at the root of a repository, in its order. */
export const CONFIG_FILES = [
  ".github/zizmor.yml",
  ".github/zizmor.yaml",
  "zizmor.yml",
  "zizmor.yaml",
] as const;

/** The base's files through the contents API; failing to read one names the way out. */
export function githubBaseRevision(
  client: () => GitHubClient,
  repository: Repository,
  sha: string,
): BaseRevision {
  return contentsBaseRevision(
    client,
    repository,
    sha,
    "set 'ignores-from-base: false' to let pull requests' own ignores count",
  );
}

/**
 * The zizmor.yml the base revision has where zizmor would look (the `config` input's path, else
 * zizmor's own discovery order at the repository root), or undefined when it has none.
 */
export async function baseConfig(
  base: BaseRevision,
  configInput: string | undefined,
): Promise<{ path: string; text: string } | undefined> {
  for (const path of configInput ? [configInput.replace(/^\.\//, "")] : CONFIG_FILES) {
    const text = await base.read(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

export interface BaseIgnores {
  /** Findings that count: not silenced, or silenced only by what the pull request added. */
  findings: Finding[];
  /** Findings the base's zizmor.yml or an ignore comment already on the base silences. */
  silenced: number;
  /** Findings whose ignore comment the pull request adds or changes, so it does not count. */
  refused: number;
}

/**
 * Sorts the findings of a run with ignores off into those that count and those the base silences.
 * An ignore comment counts when its line and the finding's own lines are lines the pull request
 * does not add or change (compared with the base's version of the file); a comment the pull
 * request adds, or a finding it adds under an old comment, is reported with a note saying why.
 */
export async function applyBaseIgnores(
  findings: readonly Finding[],
  options: { base: BaseRevision; configText: string | undefined; workspace: string },
): Promise<BaseIgnores> {
  const rules = configIgnoreRules(options.configText ?? "");
  const changes = changesAgainst(options.base, options.workspace);
  const kept: Finding[] = [];
  let silenced = 0;
  let refused = 0;
  for (const finding of findings) {
    const ruled = await whyConfigDoesNotCount(configIgnoreMatches(rules, finding), changes);
    if (ruled === "ignored") {
      silenced++;
      continue;
    }
    if (ruled !== undefined) {
      refused++;
      kept.push({ ...finding, ignored: false, notes: [...(finding.notes ?? []), ruled] });
      continue;
    }
    if (!finding.ignored) {
      kept.push(finding);
      continue;
    }
    const why = await whyIgnoreDoesNotCount(finding, changes, options.base.name);
    if (why === undefined) {
      silenced++;
      continue;
    }
    refused++;
    kept.push({ ...finding, ignored: false, notes: [...(finding.notes ?? []), why] });
  }
  return { findings: kept, silenced, refused };
}

interface FileChange {
  lines: string[];
  /** Lines (1-based, of the workspace's version) that the base does not have as they are. */
  changed: ReadonlySet<number> | "whole-file";
}

function changesAgainst(base: BaseRevision, workspace: string) {
  const known = new Map<string, Promise<FileChange>>();
  const compare = async (path: string): Promise<FileChange> => {
    let text: string;
    try {
      text = readFileSync(join(workspace, path), "utf8");
    } catch {
      return { lines: [], changed: "whole-file" };
    }
    const lines = text.split(/\r?\n/);
    const before = await base.read(path);
    if (before === undefined) return { lines, changed: "whole-file" };
    return { lines, changed: changedLines(before.split(/\r?\n/), lines) };
  };
  return (path: string): Promise<FileChange> => {
    let change = known.get(path);
    if (!change) {
      change = compare(path);
      known.set(path, change);
    }
    return change;
  };
}

/**
 * Whether the base's zizmor.yml silences a finding: a rule naming a file silences it; a rule
 * naming a line only while the pull request leaves that location's lines as the base has them
 * (else new code put on that line would pass). Undefined when no rule matches.
 */
async function whyConfigDoesNotCount(
  matches: { location: FindingLocation; rule: IgnoreRule }[],
  changes: (path: string) => Promise<FileChange>,
): Promise<"ignored" | string | undefined> {
  if (matches.length === 0) return undefined;
  for (const { location, rule } of matches) {
    if (rule.line === undefined) return "ignored";
    const { key } = location;
    if (key.kind !== "local" || key.path === undefined) return "ignored";
    if (!isChanged(await changes(key.path), location.line, location.endLine)) return "ignored";
  }
  const { rule } = matches[0] as { rule: IgnoreRule };
  return `Not ignored: zizmor.yml ignores ${rule.filename}:${rule.line}, but this pull request changes the flagged lines there, and a pull request cannot silence its own findings.`;
}

async function whyIgnoreDoesNotCount(
  finding: Finding,
  changes: (path: string) => Promise<FileChange>,
  baseName: string,
): Promise<string | undefined> {
  let where = "";
  for (const location of ignoringLocations(finding)) {
    const { key } = location;
    if (key.kind !== "local" || key.path === undefined) continue;
    const file = await changes(key.path);
    const commentLines = linesWithIgnore(location, file.lines, finding.audit);
    where = commentLines.length ? ` on line ${commentLines.join(", ")}` : where;
    const comment = commentLines.find((line) => !isChanged(file, line, line));
    if (comment === undefined) continue;
    const primary = finding.primary;
    if (primary.key.kind === "local" && primary.key.path !== undefined) {
      const primaryFile = await changes(primary.key.path);
      if (isChanged(primaryFile, primary.line, primary.endLine)) {
        return `Not ignored: this pull request changes the flagged lines under the ignore comment on line ${comment}, and a pull request cannot silence its own findings.`;
      }
    }
    return undefined;
  }
  return `Not ignored: the ignore comment${where} is not on ${baseName}, and a pull request cannot silence its own findings (the comment counts once merged).`;
}

function linesWithIgnore(location: FindingLocation, lines: string[], audit: string): number[] {
  const comments = location.comments.filter((comment) => commentIgnores(comment, audit));
  const found: number[] = [];
  for (let line = location.line; line <= location.endLine; line++) {
    const text = lines[line - 1] ?? "";
    if (comments.some((comment) => text.includes(comment))) found.push(line);
  }
  return found;
}

function isChanged(file: FileChange, from: number, to: number): boolean {
  if (file.changed === "whole-file") return true;
  for (let line = from; line <= to; line++) if (file.changed.has(line)) return true;
  return false;
}
