import type { PullRequestInfo, Repository } from "../core/context.ts";
import type { GitHubClient } from "../core/github.ts";
import { addedLines, type ChangedLines } from "./gate.ts";

/**
 * Added lines of every file the pull request touches (`GET .../pulls/{n}/files`, all pages), or
 * why they cannot all be known: that list stops at 3,000 files, and a finding in a file left off
 * it would otherwise pass as not new.
 */
export async function changedLines(
  client: GitHubClient,
  repository: Repository,
  pull: Pick<PullRequestInfo, "number" | "changedFiles">,
): Promise<ChangedLines | string> {
  const files = await client.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
    ...repository,
    pull_number: pull.number,
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
