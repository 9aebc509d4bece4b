import { ConfigurationError } from "../core/errors.ts";
import { escapeMarkdown, inlineCode } from "../core/summary.ts";
import { ownershipIndex } from "./discover.ts";
import { anyGlob } from "./globs.ts";
import type { PullRequest } from "./remote.ts";
import type { Train } from "./train.ts";
import { buildReleaseCommit } from "./train.ts";
import type { DepartureContext, TrainState } from "./train-state.ts";

/** Where the train's tags go, or why they cannot go anywhere yet. */
export type Placement =
  | { sha: string; pull: PullRequest | undefined }
  | { awaiting: PullRequest }
  | { abandoned: PullRequest };

/**
 * Makes sure the recorded release commit is in this clone: a later run on a fresh checkout
 * rebuilds it from the recorded plan (same edits, parent, identity and date give the same SHA) or
 * fetches it from the remote, where an earlier run pushed it.
 */
export function ensureReleaseCommit(context: DepartureContext, train: Train): void {
  const { git } = context;
  const { release } = train.record;
  if (git.hasCommit(release)) return;
  const departsAt = new Date(train.record.departsAt ?? `${train.record.slot}T00:00:00Z`);
  const rebuilt = buildReleaseCommit(git, context.config, train.plan, train.subject, departsAt, {
    repositoryUrl: context.repositoryUrl,
    slot: train.record.slot,
  });
  if (rebuilt === release || git.fetch(release) || git.hasCommit(release)) return;
  throw new ConfigurationError(
    `the release commit ${release} of train ${train.record.slot} is neither on the remote nor rebuildable ` +
      `here (the configuration changed since it departed and gives ${rebuilt}); fetch it, or restore ` +
      "the configuration the train departed with",
  );
}

/**
 * Puts the release commit where the mode says and returns the commit to tag. Tag mode: on the
 * branch when it fast-forwards; otherwise (a protected branch, a branch that moved on) the tags go
 * on the release commit and a pull request brings its bumps back. Pull-request mode: a release
 * pull request; once merged, its merge result is tagged, and only if nothing after the cutoff
 * changed a released component.
 */
export async function placeReleaseCommit(
  context: DepartureContext,
  train: Train,
  state: TrainState,
): Promise<Placement> {
  const { record } = train;
  if (record.release === record.cutoff) return { sha: record.cutoff, pull: undefined };
  if (record.mode === "pull-request") {
    const pull = state.pull;
    if (pull?.merged && pull.mergeCommitSha) {
      await checkNothingAfterCutoff(context, train, pull.mergeCommitSha);
      return { sha: pull.mergeCommitSha, pull };
    }
    if (pull?.state === "closed") return { abandoned: pull };
    if (pull) return { awaiting: pull };
    ensureReleaseCommit(context, train);
    return { awaiting: await openReleasePullRequest(context, train) };
  }
  ensureReleaseCommit(context, train);
  const pushed = await context.push(record.release, context.branch);
  context.writes.push(`push ${record.release.slice(0, 12)} to ${context.branch}`);
  if (pushed.pushed) {
    context.log(`the release commit ${record.release} is on ${context.branch}`);
    return { sha: record.release, pull: state.pull };
  }
  if (pushed.why === "auth" || pushed.why === "other") {
    throw new ConfigurationError(`cannot push the release commit: ${pushed.message}`);
  }
  context.outcome.notice(
    `${pushed.message}. The tags go on the release commit ${record.release.slice(0, 12)}; a pull request brings its version bumps back to ${context.branch}.`,
    "train-release: release commit not on the branch",
  );
  const pull =
    state.pull && (state.pull.state === "open" || state.pull.merged)
      ? state.pull
      : await openReleasePullRequest(context, train);
  return { sha: record.release, pull };
}

async function openReleasePullRequest(context: DepartureContext, train: Train) {
  const { record } = train;
  const pushed = await context.push(record.release, record.branch, { force: true });
  context.writes.push(`push ${record.release.slice(0, 12)} to ${record.branch}`);
  if (!pushed.pushed) {
    throw new ConfigurationError(`cannot push the release branch: ${pushed.message}`);
  }
  const body = [
    `The release train of ${record.slot} bumps these versions:`,
    "",
    // Names and versions come from manifests a pull request can change: shown, never markup.
    ...record.components.map(
      (item) =>
        `- ${inlineCode(item.name)} ${escapeMarkdown(`${item.previous ?? "new"} → ${item.version}`)}`,
    ),
    "",
    record.mode === "pull-request"
      ? "Merging this pull request tags and releases them (on the merge result, when nothing merged after the train's cutoff changed these components)."
      : "They are already tagged and released; merging brings the version bumps back to the branch.",
  ].join("\n");
  const pull = await context.remote.openPullRequest({
    head: record.branch,
    base: context.branch,
    title: train.subject,
    body,
  });
  context.writes.push(`open pull request ${record.branch} → ${context.branch}: ${train.subject}`);
  context.log(`opened release pull request ${pull.url}`);
  return pull;
}

/**
 * Versions were fixed at the cutoff; a commit merged after it that changed a released component
 * would ship in the tagged tree without being counted in its version or notes. Refuses, naming it.
 */
async function checkNothingAfterCutoff(
  context: DepartureContext,
  train: Train,
  merged: string,
): Promise<void> {
  const { git, config } = context;
  if (!git.hasCommit(merged) && !git.fetch(merged)) {
    throw new ConfigurationError(
      `the merge result ${merged} of the release pull request is not in this clone; check out with fetch-depth: 0`,
    );
  }
  const released = train.plan.departing.map((item) => item.component);
  const owner = ownershipIndex(train.plan.components.map((item) => item.component));
  const ignored = anyGlob(config.ignore);
  const shared = config.shared.map((input) => ({ ...input, matches: anyGlob(input.paths) }));
  const { release } = train.record;
  const releaseChange = git.hasCommit(release) ? git.patchId(release) : undefined;
  for (const commit of (await git.commits([merged, `^${train.record.cutoff}`])).reverse()) {
    // The release commit itself, or its copy made by a rebase or squash merge: known by its
    // change, never by its subject, which any later commit could copy.
    if (commit.sha === release) continue;
    if (releaseChange !== undefined && git.patchId(commit.sha) === releaseChange) continue;
    const hit = commit.files
      .filter((file) => !ignored(file))
      .flatMap((file) => {
        const direct = owner(file);
        const affected = shared
          .filter((input) => input.matches(file))
          .flatMap((input) =>
            released.filter((c) => input.affects.includes("*") || input.affects.includes(c.name)),
          );
        return [...(direct ? [direct] : []), ...affected];
      })
      .find((component) => released.includes(component));
    if (hit) {
      throw new ConfigurationError(
        `commit ${commit.sha.slice(0, 12)} ("${commit.subject}") changed ${hit.name} after the cutoff of train ${train.record.slot}, ` +
          `so the merge result ${merged.slice(0, 12)} is not what version ${train.record.versions[hit.name]} was decided on; ` +
          "nothing is tagged. Merge the release pull request without later changes to released components, or close it and dispatch a new train",
      );
    }
  }
}
