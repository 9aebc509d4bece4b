import { ConfigurationError } from "../core/errors.ts";
import type { Outcome } from "../core/outcome.ts";
import type { TrainConfig } from "./config.ts";
import type { LocalGit } from "./git.ts";
import type { Pusher } from "./push.ts";
import type { PullRequest, RemoteRelease, TrainRemote } from "./remote.ts";
import type { Train } from "./train.ts";
import type { ChecksVerdict } from "./wait-for.ts";

/** Everything a departure touches. */
export interface DepartureContext {
  git: LocalGit;
  remote: TrainRemote;
  push: Pusher;
  config: TrainConfig;
  /** The branch trains leave from. */
  branch: string;
  /** `https://github.com/owner/repo`. */
  repositoryUrl: string;
  /** Where asset globs are resolved (the working directory). */
  workspace: string;
  /** The workflow's GITHUB_TOKEN, whose events start no workflows. */
  defaultToken: boolean;
  log: (line: string) => void;
  /** Notices and warnings for the outcome. */
  outcome: Outcome;
  /** Waits for the `wait-for` checks on a commit (the gate's evaluation). */
  waitForChecks: (sha: string) => Promise<ChecksVerdict>;
  /** Every write, in order, for the summary (and what a dry run would do). */
  writes: string[];
}

/** What of a departed train exists on GitHub now. */
export interface TrainState {
  /** Tags of the train (component and fixed extra tags) that exist, with their commits. */
  tagged: Map<string, string>;
  /** The train's releases that exist, by tag. */
  releases: Map<string, RemoteRelease>;
  /** The release pull request (or the bring-back pull request of tag mode), if one was opened. */
  pull: PullRequest | undefined;
  /** Every tag and release exists (drafts of `attach: later` included). */
  departed: boolean;
  /** ...and every release is published. */
  published: boolean;
  /** Pull-request mode: the release pull request was closed without merging; nothing ships. */
  abandoned: boolean;
  /** The release pull request is open and unmerged. */
  awaitingMerge: boolean;
}

/** Reads the train's tags (this clone's first, the API for the rest), releases and pull request. */
export async function inspectTrain(context: DepartureContext, train: Train): Promise<TrainState> {
  const { record } = train;
  const names = record.components.flatMap((item) => [item.tag, ...item.extraTags]);
  const local = context.git.allTags();
  const tagged = new Map<string, string>();
  // One listing for the names; only a tag this clone lacks is read for its commit.
  const remote = names.every((name) => local.has(name))
    ? undefined
    : new Set(await context.remote.listTags(""));
  for (const name of names) {
    const commit =
      local.get(name) ??
      (remote?.has(name) ? (await context.remote.getTag(name))?.commit : undefined);
    if (commit) tagged.set(name, commit);
  }
  const releases = await context.remote.releases(record.components.map((item) => item.tag));
  const usesPull = record.mode === "pull-request" || record.release !== record.cutoff;
  const pull = usesPull ? await context.remote.findPullRequest(record.branch) : undefined;
  const allTagged = names.every((name) => tagged.has(name));
  // Tag mode: the version bumps are on the branch, or a pull request brings them back.
  const bringBackDone =
    allTagged &&
    (record.mode !== "tag" ||
      record.release === record.cutoff ||
      pull !== undefined ||
      context.git.isAncestor(record.release, "HEAD") ||
      (await context.remote.branchContains(context.branch, record.release)));
  const laterAssets = (tag: string) =>
    record.attach === "later" &&
    (record.components.find((item) => item.tag === tag)?.assets.length ?? 0) > 0;
  const complete =
    allTagged && record.components.every((item) => releases.has(item.tag)) && bringBackDone;
  const published =
    complete &&
    record.components.every((item) => releases.get(item.tag)?.draft === false) &&
    (await floatingTagsMoved(context, train, tagged, local));
  return {
    tagged,
    releases,
    pull,
    departed:
      complete &&
      record.components.every((item) => !releases.get(item.tag)?.draft || laterAssets(item.tag)),
    published,
    abandoned:
      record.mode === "pull-request" && !allTagged && pull?.state === "closed" && !pull.merged,
    awaitingMerge: record.mode === "pull-request" && !allTagged && pull?.state === "open",
  };
}

/**
 * A train's tags name the commit it released: the release commit, or in pull-request mode the
 * merge result. A tag found on another commit (moved, or made by hand) is not this train's
 * release, and listing it as released would send publish jobs to build the wrong commit.
 */
export function refuseMovedTags(
  train: Train,
  tagged: ReadonlyMap<string, string>,
  pull: PullRequest | undefined,
): void {
  const { record } = train;
  const expected =
    record.mode === "pull-request" && record.release !== record.cutoff
      ? pull?.mergeCommitSha
      : record.release;
  if (expected === undefined) return;
  for (const item of record.components) {
    for (const name of [item.tag, ...item.extraTags]) {
      const commit = tagged.get(name);
      if (commit === undefined || commit === expected) continue;
      throw new ConfigurationError(
        `tag ${name} already exists at ${commit}, but train ${record.slot} released ${item.name} ${item.version} at ${expected}: ` +
          "the tag was moved or made by hand, so nothing is listed as released from it. Point it back at the train's commit, or release another version (dispatch the train with the version input)",
      );
    }
  }
}

/** Whether each floating tag (`v2`) names its component's release, as the last step does. */
async function floatingTagsMoved(
  context: DepartureContext,
  train: Train,
  tagged: ReadonlyMap<string, string>,
  local: ReadonlyMap<string, string>,
): Promise<boolean> {
  for (const item of train.record.components) {
    const release = tagged.get(item.tag);
    for (const floating of item.floatingTags) {
      if (local.get(floating) === release) continue;
      if ((await context.remote.getTag(floating))?.commit !== release) return false;
    }
  }
  return true;
}

/** A train just decided: nothing of it exists yet (the decision checked its tags). */
export function untouched(): TrainState {
  return {
    tagged: new Map(),
    releases: new Map(),
    pull: undefined,
    departed: false,
    published: false,
    abandoned: false,
    awaitingMerge: false,
  };
}
