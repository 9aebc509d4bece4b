import { posix } from "node:path";
import type { BaseRevision } from "../core/base-revision.ts";
import type { ActionOutcome } from "../core/outcome.ts";
import type { WorkflowFiles } from "./run.ts";

/**
 * The checkout's files, except the policy file, which is read from a pull request's base
 * revision: a pull request that adds an exception (or a max-grants entry) for its own finding gets
 * no pass from it. `notes` gets a line when the pull request changes the policy.
 */
export function withBasePolicy(
  files: WorkflowFiles,
  policyPath: string,
  base: BaseRevision,
  notes: string[],
): WorkflowFiles {
  return {
    ...files,
    async read(path) {
      if (path !== policyPath) return files.read(path);
      // The contents API takes the path from the repository root: `./x.yml` would be a miss.
      const [theirs, ours] = await Promise.all([
        base.read(posix.normalize(path)),
        files.read(path),
      ]);
      if (theirs !== ours) {
        notes.push(
          `this pull request ${ours === undefined ? "removes" : theirs === undefined ? "adds" : "changes"} ${path}; the policy of ${base.name} applies, and the change counts once merged`,
        );
      }
      return theirs;
    },
  };
}

/** The notes of {@link withBasePolicy} as warnings beside the findings. */
export function notePolicyFromBase(outcome: ActionOutcome, notes: readonly string[]): void {
  for (const message of notes) {
    outcome.annotations.push({
      level: "warning",
      title: "permissions policy from the base revision",
      message,
    });
  }
}
