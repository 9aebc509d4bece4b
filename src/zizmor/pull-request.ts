import { readFileSync } from "node:fs";
import type { GitHubClient } from "../core/github.ts";
import { addedLines, type ChangedLines } from "./gate.ts";

export interface PullRequestContext {
  number: number;
  /** The pull request's head commit: check runs belong there, not on the merge commit. */
  headSha: string;
  /** How many files the pull request changes, as the event says (the files API lists ≤ 3,000). */
  changedFiles: number | undefined;
}

/** The pull request this run is for, from the event payload; undefined for other events. */
export function pullRequestOf(eventName: string | undefined, eventPath: string | undefined) {
  if (!eventPath || !/^pull_request(_target)?$/.test(eventName ?? "")) return undefined;
  let payload: {
    pull_request?: { number?: number; head?: { sha?: string }; changed_files?: unknown };
  };
  try {
    payload = JSON.parse(readFileSync(eventPath, "utf8"));
  } catch {
    return undefined;
  }
  const pull = payload.pull_request;
  if (typeof pull?.number !== "number" || typeof pull.head?.sha !== "string") return undefined;
  const changedFiles = typeof pull.changed_files === "number" ? pull.changed_files : undefined;
  return { number: pull.number, headSha: pull.head.sha, changedFiles } satisfies PullRequestContext;
}

/**
 * Added lines of every file the pull request touches (`GET .../pulls/{n}/files`, all pages), or
 * why they cannot all be known: that list stops at 3,000 files, and a finding in a file left off
 * it would otherwise pass as not new.
 */
export async function changedLines(
  client: GitHubClient,
  repository: { owner: string; repo: string },
  pull: PullRequestContext,
): Promise<ChangedLines | string> {
  const pullNumber = pull.number;
  const files = await client.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    ...repository,
    pull_number: pullNumber,
    per_page: 100,
  });
  if (pull.changedFiles !== undefined && files.length < pull.changedFiles) {
    return `GitHub lists ${files.length} of the ${pull.changedFiles} files this pull request changes`;
  }
  const changed = new Map<string, ReadonlySet<number> | "whole-file">();
  for (const file of files) {
    if (file.status === "removed") continue;
    changed.set(file.filename, file.patch === undefined ? "whole-file" : addedLines(file.patch));
  }
  return changed;
}

/**
 * Why this run's token is read-only, when it is: fork pull requests and Dependabot's runs get one,
 * so check runs and code scanning uploads are refused there.
 */
export function readOnlyTokenReason(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_ACTOR === "dependabot[bot]") return "Dependabot runs get a read-only token";
  if (env.GITHUB_EVENT_NAME !== "pull_request" || !env.GITHUB_EVENT_PATH) return undefined;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
    const head = payload.pull_request?.head?.repo?.full_name;
    const base = payload.pull_request?.base?.repo?.full_name ?? env.GITHUB_REPOSITORY;
    if (typeof head === "string" && typeof base === "string" && head !== base) {
      return "pull requests from forks get a read-only token";
    }
  } catch {
    return undefined;
  }
  return undefined;
}
