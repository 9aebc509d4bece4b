import { ConfigurationError } from "../core/errors.ts";
import type { TrainConfig } from "./config.ts";
import type { LocalGit } from "./git.ts";
import { componentNotes, type NotesContext } from "./notes.ts";
import type { ComponentPlan, ReleasePlan } from "./plan.ts";
import { filesToEdit, releaseEdits, releaseMessage, writeReleaseCommit } from "./release-commit.ts";
import type { RemoteRelease, TrainRemote } from "./remote.ts";
import { isPrerelease } from "./versions.ts";

/** Moves a branch on the remote; `rejected` when it is not a fast-forward. */
export type Pusher = (sha: string, branch: string) => Promise<"pushed" | "rejected">;

export interface DepartureContext {
  git: LocalGit;
  remote: TrainRemote;
  push: Pusher;
  config: TrainConfig;
  slot: string;
  departsAt: Date;
  branch: string;
  notes: NotesContext;
  log: (line: string) => void;
}

export interface Departed {
  releaseSha: string;
  releases: Map<string, string>;
  pullRequestUrl: string | undefined;
  /** Whether every tag now exists; false while a release pull request waits to merge. */
  tagged: boolean;
}

export const IDENTITY = {
  name: "github-actions[bot]",
  email: "41898282+github-actions[bot]@users.noreply.github.com",
};

export const releaseBranch = (slot: string) => `release/train-${slot}`;

/** Writes the release commit and puts it where the mode says: on the branch, or in a pull request. */
export async function publishCommit(context: DepartureContext, plan: ReleasePlan) {
  const { git, config, slot } = context;
  const originals = git.readBlobs(plan.cutoff, filesToEdit(plan.departing, plan.cargoManifests));
  const edits = releaseEdits(plan.departing, (path) => originals.get(path), plan.cargoManifests);
  const sha = writeReleaseCommit(git, plan.cutoff, edits, releaseMessage(slot, plan.departing), {
    ...IDENTITY,
    date: context.departsAt,
  });
  if (sha === plan.cutoff) return { sha, pullRequestUrl: undefined, tagNow: true };
  if (config.mode === "tag" && (await context.push(sha, context.branch)) === "pushed") {
    context.log(`pushed release commit ${sha} to ${context.branch}`);
    return { sha, pullRequestUrl: undefined, tagNow: true };
  }
  const pullRequestUrl = await openReleasePullRequest(context, sha, plan);
  // In tag mode the branch moved past the cutoff: tags go on the release commit anyway and the
  // pull request brings its version bumps back to the branch.
  return { sha, pullRequestUrl, tagNow: config.mode === "tag" };
}

async function openReleasePullRequest(context: DepartureContext, sha: string, plan: ReleasePlan) {
  const head = releaseBranch(context.slot);
  if ((await context.push(sha, head)) === "rejected") {
    throw new Error(`could not push ${sha} to ${head}: the branch exists with other commits`);
  }
  const open = await context.remote.findOpenPullRequest(head);
  if (open) return open.url;
  const body = [
    `The release train of ${context.slot} bumps these versions:`,
    "",
    ...plan.departing.map(
      (item) => `- \`${item.name}\` ${item.previous ?? "new"} → ${item.version}`,
    ),
    "",
    context.config.mode === "pull-request"
      ? "Merging this pull request tags and releases them."
      : "They are already tagged and released; merging brings the version bumps back to the branch.",
  ].join("\n");
  const pull = await context.remote.openPullRequest({
    head,
    base: context.branch,
    title: `release: train ${context.slot}`,
    body,
  });
  context.log(`opened release pull request ${pull.url}`);
  return pull.url;
}

/**
 * Tags each component on the exact release commit and publishes its release (draft first, then
 * published). Existing tags on the same commit and existing releases are adopted, so a rerun
 * finishes the same plan; a tag on another commit is a hard error naming both.
 */
export async function tagAndRelease(
  context: DepartureContext,
  departing: readonly ComponentPlan[],
  releaseSha: string,
): Promise<{ urls: Map<string, string>; wrote: boolean }> {
  const urls = new Map<string, string>();
  let wrote = false;
  for (const plan of departing) {
    const existing = await context.remote.createTag(plan.tag, releaseSha);
    if (existing === "created") wrote = true;
    if (existing !== "created" && existing.commit !== releaseSha) {
      throw new ConfigurationError(
        `tag ${plan.tag} already exists at ${existing.commit}, but this train releases ` +
          `${plan.name} ${plan.version} at ${releaseSha}; delete the stray tag or release another version`,
      );
    }
    const { release, changed } = await ensureRelease(context, plan, releaseSha);
    wrote ||= changed;
    urls.set(plan.name, release.url);
  }
  return { urls, wrote };
}

async function ensureRelease(
  context: DepartureContext,
  plan: ComponentPlan,
  releaseSha: string,
): Promise<{ release: RemoteRelease; changed: boolean }> {
  let release = await context.remote.findRelease(plan.tag);
  let changed = false;
  if (!release) {
    changed = true;
    const body =
      context.config.releaseNotes === "github"
        ? await context.remote.generateNotes(plan.tag, plan.previousTag, releaseSha)
        : componentNotes(plan, context.notes);
    release = await context.remote.createDraftRelease({
      tag: plan.tag,
      name: `${plan.name} ${plan.version}`,
      body,
      targetSha: releaseSha,
      prerelease: isPrerelease(plan.version),
    });
    context.log(`created draft release ${plan.tag}`);
  }
  if (release.draft) {
    changed = true;
    release = await context.remote.publishRelease(release);
    context.log(`published release ${plan.tag}`);
  }
  return { release, changed };
}

/** Fills `{name}`, `{version}`, `{tag}`, `{slot}` and `{released}` in dispatch inputs. */
export function fillInputs(
  template: Record<string, string>,
  values: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [
      key,
      value.replace(
        /\{(name|version|tag|slot|released)\}/g,
        (_, field: string) => values[field] ?? "",
      ),
    ]),
  );
}
