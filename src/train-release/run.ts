import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import type { Outcome } from "../core/outcome.ts";
import { parseTrainConfig, type TrainConfig, type WaitFor } from "./config.ts";
import { carryOut } from "./depart.ts";
import {
  alreadyDeparted,
  awaitingEarlier,
  overlaps,
  type Pending,
  raceLost,
  settleEarlierTrains,
  supersede,
} from "./earlier-trains.ts";
import type { LocalGit } from "./git.ts";
import {
  type Marker,
  markerName,
  type Reason,
  type RecordedComponent,
  readMarker,
  readMarkers,
  trainTags,
} from "./markers.ts";
import { type ManualRequest, planRelease } from "./plan.ts";
import type { Pusher } from "./push.ts";
import { RecordingRemote, recordingPusher } from "./recording-remote.ts";
import type { TrainRemote } from "./remote.ts";
import { idle, type TrainResult } from "./result.ts";
import { decideSlot } from "./slot.ts";
import { giveBackMarker, predecessor, successionLock, takeSuccession } from "./succession.ts";
import { decideTrain, type Train, trainFromMarker } from "./train.ts";
import { type DepartureContext, untouched } from "./train-state.ts";
import type { ManualBump } from "./versions.ts";
import type { ChecksVerdict } from "./wait-for.ts";

export type { Reason } from "./markers.ts";
export type { ReleasedComponent, TrainResult } from "./result.ts";
export { decideSlot } from "./slot.ts";

export interface TrainInputs {
  configPath: string;
  event: string;
  now: Date;
  force: boolean;
  bump: "auto" | ManualBump;
  /** `2.1.0` (the root or only component) or `name=version` items. */
  versions: Map<string, string>;
  /** How messages name the versions' source (`input 'version'`, `--version`). */
  versionLabel?: string;
  dryRun: boolean;
  branch: string;
  runId: string;
  /** The attempt of this workflow run; a re-run's slot is its first attempt's. */
  runAttempt: number;
  /** `https://github.com/owner/repo`. */
  repositoryUrl: string;
  /** The token is the workflow's GITHUB_TOKEN, whose events start no workflows. */
  defaultToken: boolean;
  /** Where asset globs are resolved. */
  workspace: string;
}

export interface TrainDeps {
  git: LocalGit;
  remote: TrainRemote;
  push: Pusher;
  log: (line: string) => void;
  /** Waits for the `wait-for` checks on a commit. */
  waitForChecks: (sha: string, waitFor: WaitFor) => Promise<ChecksVerdict>;
  /** Notices and warnings land here. */
  outcome: Outcome;
}

export function loadConfig(repoDir: string, configPath: string): TrainConfig {
  const path = join(repoDir, configPath);
  if (!existsSync(path)) {
    throw new ConfigurationError(
      `${configPath} does not exist; the train needs at least a schedule, e.g.\n` +
        'schedule:\n  anchor: 2026-05-05\n  every: 14d\n  at: "16:00"\n  timezone: UTC',
    );
  }
  return parseTrainConfig(configPath, readFileSync(path, "utf8"));
}

/**
 * Decides whether a train leaves now, and if so takes it out: the action's whole job. Before any
 * new departure, the train this run already took (a re-run) and the latest train, when an earlier
 * run left it incomplete, are finished with their recorded plans.
 */
export async function runTrain(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
): Promise<TrainResult> {
  deps.git.assertFullHistory();
  const context = departureContext(inputs, config, deps);
  const markers = await readMarkers(
    {
      listTags: (p) => deps.remote.listTags(p),
      tagMessage: async (n) => (await deps.remote.getTag(n))?.message,
    },
    deps.git.tagMessages(config.markerPrefix),
    config.markerPrefix,
  );
  const rebuild = async (marker: Marker) =>
    trainFromMarker(deps.git, config, marker, {
      repositoryUrl: inputs.repositoryUrl,
      slot: marker.record.slot,
    });
  const earlier = await settleEarlierTrains(context, inputs, markers, rebuild);
  if ("result" in earlier) return earlier.result;
  const { pending } = earlier;
  if (inputs.event === "push") {
    return idle(
      "",
      "not-due",
      "this push finishes no release pull request; trains leave on schedule",
    );
  }
  const decided = await decideSlot(inputs, config, markers, {
    runCreatedAt: (id) => deps.remote.runCreatedAt(id),
    log: deps.log,
  });
  if ("result" in decided) return decided.result;
  return departSlot({ context, inputs, config, deps, markers, rebuild, pending }, decided);
}

interface Departing {
  context: DepartureContext;
  inputs: TrainInputs;
  config: TrainConfig;
  deps: TrainDeps;
  markers: readonly Marker[];
  rebuild: (marker: Marker) => Promise<Train>;
  pending: Pending | undefined;
}

/**
 * Plans the slot's train, decides it completely (the release commit, no tag in the way, no
 * earlier release pull request of the same components still open), and only then takes the
 * marker and carries it out.
 */
async function departSlot(
  { context, inputs, config, deps, markers, rebuild, pending }: Departing,
  { slot, departsAt, reason }: { slot: string; departsAt: Date; reason: Reason },
): Promise<TrainResult> {
  const marker = markerName(config.markerPrefix, slot);
  const taken = markers.find((known) => known.tag === marker);
  if (taken) return alreadyDeparted(context, await rebuild(taken));
  const cutoff =
    reason === "forced" ? deps.git.resolve("HEAD") : deps.git.commitAtCutoff("HEAD", departsAt);
  if (!cutoff) return idle(slot, "no-changes", `no commit exists before the departure of ${slot}`);
  const plan = await planRelease(deps.git, config, cutoff, manualRequest(inputs), {
    trainTags: trainTagCommits(deps.git, markers),
  });
  for (const item of plan.components) {
    if (item.blocked)
      deps.outcome.warning(item.blocked, "train-release: release candidate in flight");
  }
  if (plan.departing.length === 0) {
    const detail = `nothing releasable since the last releases (only quiet commits such as ci:, docs:, chore:, or none); empty trains stay (empty-train: ${config.emptyTrain})`;
    return { ...idle(slot, "no-changes", detail), plan };
  }
  const replaces = pending && overlaps(pending.train, plan) ? pending : undefined;
  if (replaces && config.pendingRelease === "wait") return awaitingEarlier(context, replaces, slot);
  const departure = { slot, departsAt, reason, run: inputs.runId, attempt: inputs.runAttempt };
  const notes = { repositoryUrl: inputs.repositoryUrl, slot };
  const train = decideTrain(deps.git, config, plan, departure, notes);
  train.record.after = predecessor(markers);
  await refuseTagConflicts(context, train);
  if (inputs.defaultToken && !inputs.dryRun) refuseWorkflowRule(context, train);
  if (inputs.dryRun) return dryRun(inputs, config, deps, train);
  const record = JSON.stringify(train.record);
  const won = await deps.remote.createAnnotatedTag(marker, cutoff, record, {
    ...config.commit.author,
    date: departsAt,
  });
  // GitHub may make the tag and lose its answer (a 5xx the client retries): a marker holding this
  // very record is this run's own, not another run's.
  if (won !== "created" && won.message?.trim() !== record) {
    return raceLost(
      context,
      await rebuild({ tag: marker, record: readMarker(won.message, marker) }),
    );
  }
  context.writes.push(`create departure marker ${marker} at ${cutoff.slice(0, 12)}`);
  deps.log(`took the departure marker ${marker} at ${cutoff}`);
  const holder = await takeSuccession(context, train);
  if (holder) {
    await giveBackMarker(context, train, holder);
    const winner = readMarker((await deps.remote.getTag(holder))?.message, holder);
    return raceLost(context, await rebuild({ tag: holder, record: winner }));
  }
  const result = await carryOut(context, train, reason, untouched());
  if (replaces) await supersede(context, replaces, train, result);
  return result;
}

function departureContext(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
): DepartureContext {
  return {
    git: deps.git,
    remote: deps.remote,
    push: deps.push,
    config,
    branch: inputs.branch,
    repositoryUrl: inputs.repositoryUrl,
    workspace: inputs.workspace,
    defaultToken: inputs.defaultToken,
    log: deps.log,
    outcome: deps.outcome,
    waitForChecks: (sha) =>
      config.waitFor
        ? deps.waitForChecks(sha, config.waitFor)
        : Promise.resolve({ passed: true, reason: "nothing to wait for" }),
    writes: [],
  };
}

function manualRequest(inputs: TrainInputs): ManualRequest {
  return {
    ...(inputs.bump === "auto" ? {} : { bump: inputs.bump }),
    ...(inputs.versions.size > 0 ? { versions: inputs.versions } : {}),
    ...(inputs.versionLabel ? { versionLabel: inputs.versionLabel } : {}),
  };
}

/** Release tags of earlier trains with their commits (this clone's tags), wherever they are. */
function trainTagCommits(git: LocalGit, markers: readonly Marker[]): Map<string, string> {
  const made = trainTags(markers);
  return new Map([...git.allTags()].filter(([tag]) => made.has(tag)));
}

/**
 * Refuses, before the marker is taken, a version whose tag exists already: the train would stop
 * half-way otherwise. The API is asked for each tag this clone does not have.
 */
async function refuseTagConflicts(context: DepartureContext, train: Train): Promise<void> {
  const local = context.git.allTags();
  const remote = new Set(await context.remote.listTags(""));
  for (const item of train.record.components) {
    for (const tag of [item.tag, ...item.extraTags]) {
      if (!local.has(tag) && !remote.has(tag)) continue;
      const existing = local.get(tag) ?? (await context.remote.getTag(tag))?.commit;
      await refuse(item, tag, existing ?? "(unknown)");
    }
  }

  async function refuse(item: RecordedComponent, tag: string, existing: string) {
    const release = (await context.remote.releases([tag])).get(tag);
    throw new ConfigurationError(
      `tag ${tag} already exists at ${existing}, so ${item.name} ${item.version} cannot be released; nothing was written. ` +
        (release && !release.draft
          ? `${tag} is a published release: release another version (dispatch the train with the version input)`
          : `release another version (dispatch the train with the version input), or delete the tag if nothing uses it`),
    );
  }
}

/**
 * GitHub refuses (404) to create or publish a release whose commit adds or changes files under
 * `.github/workflows/` compared with the default branch, unless the token may change workflows,
 * which the workflow's GITHUB_TOKEN never may. In tag mode a branch that moved past the cutoff
 * gets its tags on a release commit beside it; if a workflow changed after the cutoff, that
 * commit is such a commit. Refused here, before the marker, so the slot is not taken by a train
 * that cannot release.
 */
function refuseWorkflowRule(context: DepartureContext, train: Train): void {
  const { record } = train;
  const tip = context.git.resolve("HEAD");
  if (record.mode !== "tag" || tip === record.cutoff) return;
  const changed = context.git.changedWorkflows(tip, record.release);
  if (changed.length === 0) return;
  throw new ConfigurationError(
    `train ${record.slot} cannot release with the workflow's GITHUB_TOKEN: ${context.branch} moved past the cutoff ${record.cutoff.slice(0, 12)} and changed ${changed.join(", ")} since, so the release commit's workflow files differ from ${context.branch}'s, and GitHub refuses releases on such a commit unless the token may change workflows; nothing was written. ` +
      "Give the train a GitHub App token with workflows: write (input 'token'), or let the next train leave",
  );
}

/** Goes through the whole departure with a recorder instead of GitHub: every write, in order. */
async function dryRun(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
  train: Train,
): Promise<TrainResult> {
  const recorder = new RecordingRemote(deps.remote);
  const context = departureContext(inputs, config, {
    ...deps,
    remote: recorder,
    push: recordingPusher,
    waitForChecks: async () => ({ passed: true, reason: "(a dry run waits for nothing)" }),
  });
  context.writes.push(
    `create departure marker ${train.marker} at ${train.record.cutoff.slice(0, 12)}`,
    `create succession lock ${successionLock(config.markerPrefix, train.record.after ?? null)} for ${train.marker}`,
  );
  const result = await carryOut(context, train, train.record.reason, untouched());
  return {
    ...result,
    departed: false,
    reason: "dry-run",
    released: [],
    attach: undefined,
    detail: "dry run: the plan below was not carried out; these are the writes it would make",
  };
}
