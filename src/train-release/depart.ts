import { ConfigurationError } from "../core/errors.ts";
import { assetFiles, attachToDraft, unpublishable } from "./assets.ts";
import type { Reason, RecordedComponent } from "./markers.ts";
import { capped, componentNotes, MAX_RELEASE_BODY, trainNotes } from "./notes.ts";
import { placeReleaseCommit } from "./placement.ts";
import type { RemoteRelease } from "./remote.ts";
import {
  type AttachHandle,
  type ReleasedComponent,
  releasedList,
  type TrainResult,
} from "./result.ts";
import { fillTemplate } from "./templates.ts";
import type { Train } from "./train.ts";
import {
  type DepartureContext,
  inspectTrain,
  refuseMovedTags,
  type TrainState,
} from "./train-state.ts";
import { isPrerelease } from "./versions.ts";

/**
 * Carries out a decided train, or finishes one an earlier run left incomplete: whatever of it
 * exists (tags, releases, drafts, the pull request) is adopted, whatever is missing is made, with
 * the recorded versions. So a first departure, a re-run and a later cron fire all run this.
 */
export async function carryOut(
  context: DepartureContext,
  train: Train,
  reason: Reason,
  known?: TrainState,
): Promise<TrainResult> {
  const state = known ?? (await inspectTrain(context, train));
  const { record } = train;
  const placement = await placeReleaseCommit(context, train, state);
  if ("awaiting" in placement) {
    return {
      ...report(context, train, state, reason, false),
      reason: "awaiting-merge",
      pullRequestUrl: placement.awaiting.url,
      detail: `train ${record.slot}'s release pull request ${placement.awaiting.url} awaits merging; its merge result is tagged and released`,
    };
  }
  if ("abandoned" in placement) {
    return {
      ...report(context, train, state, reason, false),
      reason: "not-due",
      detail: `train ${record.slot}'s release pull request ${placement.abandoned.url} was closed without merging; nothing of it is released and the next train carries its changes`,
    };
  }
  const { sha } = placement;
  const tags = record.components.flatMap((item) => [item.tag, ...item.extraTags]);
  if (context.config.waitFor && tags.some((tag) => !state.tagged.has(tag))) {
    context.log(`waiting for ${context.config.waitFor.checks.join(", ")} on ${sha}`);
    context.writes.push(
      `wait for ${context.config.waitFor.checks.join(", ")} on ${sha.slice(0, 12)}`,
    );
    const verdict = await context.waitForChecks(sha);
    if (!verdict.passed) {
      return {
        ...report(context, train, state, reason, false),
        pullRequestUrl: placement.pull?.url,
        failure: `train ${record.slot} tags nothing: the checks on ${sha.slice(0, 12)} did not pass: ${verdict.reason} A later run (a re-run, the next cron fire or a dispatch) tries again.`,
      };
    }
  }
  let published = false;
  for (const item of record.components) {
    await ensureTag(context, train, state, item.tag, sha, item);
    for (const extra of item.extraTags) await ensureTag(context, train, state, extra, sha, item);
    published = (await ensureRelease(context, train, state, item, sha)) || published;
  }
  for (const item of record.components) {
    if (item.floatingTags.length === 0 || state.releases.get(item.tag)?.draft !== false) continue;
    for (const floating of item.floatingTags) {
      await context.remote.moveTag(
        floating,
        sha,
        tagMessage(context, floating, item),
        tagger(context, train),
      );
      context.writes.push(`move tag ${floating} to ${sha.slice(0, 12)}`);
    }
  }
  const result = report(context, train, state, reason, true);
  // A rerun that found every release in place has nothing left to start.
  if (published) await dispatchWorkflows(context, record.slot, result.released);
  return {
    ...result,
    pullRequestUrl: placement.pull?.url,
    detail: `train ${record.slot} departed with ${result.released.length} release(s) at ${sha.slice(0, 12)}`,
  };
}

/** The outputs of a train as it stands: only what exists is listed as released. */
export function report(
  context: DepartureContext,
  train: Train,
  state: TrainState,
  reason: Reason,
  departed: boolean,
): TrainResult {
  const { record } = train;
  const notes = { repositoryUrl: context.repositoryUrl, slot: record.slot };
  refuseMovedTags(train, state.tagged, state.pull);
  const released = releasedList(record.components, state.releases, state.tagged);
  const later = released.filter((item) => item.draft);
  return {
    departed,
    slot: record.slot,
    reason,
    detail: "",
    plan: train.plan,
    released,
    releaseNotes: capped(trainNotes(train.plan.departing, notes)),
    releaseNotesText: capped(trainNotes(train.plan.departing, notes, "text")),
    pullRequestUrl: state.pull?.url,
    next: undefined,
    attach: later.length > 0 ? attachHandle(context, train, state, later) : undefined,
    writes: context.writes,
    failure: undefined,
  };
}

function attachHandle(
  context: DepartureContext,
  train: Train,
  state: TrainState,
  drafts: readonly ReleasedComponent[],
): AttachHandle {
  const moves = tagger(context, train);
  return {
    slot: train.record.slot,
    bundles: context.config.assets.bundles,
    releases: drafts.map((item) => {
      const recorded = train.record.components.find((c) => c.name === item.name);
      const commit = state.tagged.get(item.tag);
      return {
        name: item.name,
        tag: item.tag,
        release_id: item.release_id,
        assets: recorded?.assets ?? [],
        latest: recorded ? isLatest(train, recorded) : false,
        // Published by the attach step, the release takes its floating tags there.
        floating_tags:
          recorded && commit
            ? recorded.floatingTags.map((name) => ({
                name,
                commit,
                message: tagMessage(context, name, recorded),
              }))
            : [],
      };
    }),
    tagger: { ...moves, date: moves.date.toISOString() },
  };
}

/** Tags are dated by the train's departure, like its release commit. */
function tagger(context: DepartureContext, train: Train) {
  const date = new Date(train.record.departsAt ?? `${train.record.slot}T00:00:00Z`);
  return { ...context.config.commit.author, date };
}

function tagMessage(context: DepartureContext, tag: string, item: RecordedComponent): string {
  return fillTemplate(context.config.tagMessage, { name: item.name, version: item.version, tag });
}

/** An annotated tag on the release; an existing one on the same commit is adopted. */
async function ensureTag(
  context: DepartureContext,
  train: Train,
  state: TrainState,
  tag: string,
  sha: string,
  item: RecordedComponent,
): Promise<void> {
  const known = state.tagged.get(tag);
  const existing =
    known === undefined
      ? await context.remote.createAnnotatedTag(
          tag,
          sha,
          tagMessage(context, tag, item),
          tagger(context, train),
        )
      : { commit: known };
  if (existing === "created") {
    context.writes.push(`create tag ${tag} at ${sha.slice(0, 12)}`);
    state.tagged.set(tag, sha);
    return;
  }
  if (existing.commit !== sha) {
    throw new ConfigurationError(
      `tag ${tag} already exists at ${existing.commit}, but train ${train.record.slot} releases ` +
        `${item.name} ${item.version} at ${sha}: that version was made from another commit; ` +
        "release another version (dispatch the train with the version input)",
    );
  }
  state.tagged.set(tag, sha);
}

/**
 * The component's release: a draft first, its assets attached (now, or by the attach step of
 * later jobs with `assets.attach: later`), then published. Returns whether it published one.
 */
async function ensureRelease(
  context: DepartureContext,
  train: Train,
  state: TrainState,
  item: RecordedComponent,
  sha: string,
): Promise<boolean> {
  const { config, remote } = context;
  let release: RemoteRelease | undefined = state.releases.get(item.tag);
  if (!release) {
    const plan = train.plan.departing.find((candidate) => candidate.name === item.name);
    const body =
      config.releaseNotes === "github"
        ? await remote.generateNotes(item.tag, item.previousTag ?? undefined, sha)
        : plan
          ? componentNotes(plan, { repositoryUrl: context.repositoryUrl, slot: train.record.slot })
          : "";
    release = await remote.createDraftRelease({
      tag: item.tag,
      name: fillTemplate(config.releaseName, {
        name: item.name,
        version: item.version,
        tag: item.tag,
        slot: train.record.slot,
      }),
      body: capped(body, MAX_RELEASE_BODY),
      targetSha: sha,
      prerelease: isPrerelease(item.version),
    });
    context.writes.push(`create draft release ${item.tag}`);
    state.releases.set(item.tag, release);
  }
  if (!release.draft) {
    const missing = item.assets.length > 0 ? unpublishable(release, "optional") : undefined;
    if (missing)
      context.outcome.warning(
        `${missing}; it was published before they were attached, and cannot take them now`,
        "train-release: assets",
      );
    return false;
  }
  if (item.assets.length > 0) {
    if ((train.record.attach ?? config.assets.attach) === "later") return false;
    const files = assetFiles(item.assets, context.workspace);
    const attached = await attachToDraft(
      remote,
      release,
      files,
      config.assets.bundles,
      context.writes,
    );
    if (attached.unsigned.length > 0) {
      context.outcome.notice(
        `${item.tag}: attached without a Sigstore bundle: ${attached.unsigned.join(", ")}`,
        "train-release: assets",
      );
    }
    const why = unpublishable(release, config.assets.bundles);
    if (why) throw new ConfigurationError(`${why}; the draft is kept and not published`);
  }
  release = await remote.publishRelease(release, isLatest(train, item));
  context.writes.push(`publish release ${item.tag}`);
  state.releases.set(item.tag, release);
  context.log(`published release ${item.tag}`);
  return true;
}

/**
 * Whether a release becomes the repository's latest: the root component's (or the only
 * component's), never a pre-release. GitHub would otherwise make each newly published release the
 * latest, so an example published after the main release would become what `releases/latest`
 * and install scripts download.
 */
export function isLatest(train: Train, item: RecordedComponent): boolean {
  if (isPrerelease(item.version)) return false;
  return item.path === "" || train.plan.components.length === 1;
}

/** Fills `{name}`, `{version}`, `{tag}`, `{slot}` and `{released}` in dispatch inputs. */
export function fillInputs(
  template: Record<string, string>,
  values: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) => [key, fillTemplate(value, values)]),
  );
}

async function dispatchWorkflows(
  context: DepartureContext,
  slot: string,
  released: ReleasedComponent[],
) {
  const { config } = context;
  if (context.defaultToken) {
    context.outcome.notice(
      "Tags and releases made with the workflow's GITHUB_TOKEN start no other workflows (no push or release events). " +
        (config.dispatch.length > 0
          ? `The train dispatches ${config.dispatch.map((item) => item.workflow).join(", ")} itself.`
          : "List the publish workflows under 'dispatch' in the train configuration, or use a GitHub App token."),
      "train-release",
    );
  }
  const all = JSON.stringify(released);
  for (const dispatch of config.dispatch) {
    const targets = dispatch.perComponent ? released : released.slice(0, 1);
    for (const item of targets) {
      const values = { name: item.name, version: item.version, tag: item.tag, slot, released: all };
      const ref = dispatch.ref ?? (dispatch.perComponent ? item.tag : context.branch);
      await context.remote.dispatchWorkflow(
        dispatch.workflow,
        ref,
        fillInputs(dispatch.inputs, values),
      );
      context.writes.push(`dispatch ${dispatch.workflow} on ${ref}`);
      context.log(`dispatched ${dispatch.workflow} on ${ref}`);
    }
  }
}
