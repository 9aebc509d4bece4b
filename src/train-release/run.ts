import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import type { Outcome } from "../core/outcome.ts";
import { parseTrainConfig, type TrainConfig, type WaitFor } from "./config.ts";
import { carryOut, report } from "./depart.ts";
import type { LocalGit } from "./git.ts";
import {
  type Marker,
  markerName,
  type Reason,
  readMarker,
  readMarkers,
  trainTags,
} from "./markers.ts";
import { componentsAt, type ManualRequest, planRelease, type ReleasePlan } from "./plan.ts";
import type { Pusher } from "./push.ts";
import { RecordingRemote, recordingPusher } from "./recording-remote.ts";
import type { PullRequest, TrainRemote } from "./remote.ts";
import { idle, type TrainResult } from "./result.ts";
import { decideSchedule } from "./schedule.ts";
import { decideTrain, type Train, trainFromMarker } from "./train.ts";
import { type DepartureContext, inspectTrain, type TrainState } from "./train-state.ts";
import { isGreater, type ManualBump } from "./versions.ts";
import type { ChecksVerdict } from "./wait-for.ts";

export type { Reason } from "./markers.ts";
export type { ReleasedComponent, TrainResult } from "./result.ts";

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
  /** How a run that lost the race for a marker waits for the winner (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

/** How long a run that lost the race for the marker waits for the winner to finish. */
const RACE_WAIT_MS = 120_000;
const RACE_POLL_MS = 2_000;

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
  const rebuild = (marker: Marker) =>
    trainFromMarker(deps.git, config, marker, {
      repositoryUrl: inputs.repositoryUrl,
      slot: marker.record.slot,
    });
  // A re-run of the run that took a marker: that train, whatever the clock says now.
  const own = markers.findLast((marker) => marker.record.run === inputs.runId);
  if (own) {
    const train = rebuild(own);
    const state = await inspectTrain(context, train);
    if (inputs.dryRun || state.published || state.departed || state.abandoned) {
      return report(context, train, state, own.record.reason, state.departed);
    }
    return carryOut(context, train, own.record.reason, state);
  }
  const latest = markers.at(-1);
  let pending: { train: Train; state: TrainState } | undefined;
  if (latest) {
    const train = rebuild(latest);
    const state = await inspectTrain(context, train);
    if (!state.abandoned && !state.published && !state.awaitingMerge) {
      if (inputs.dryRun)
        return {
          ...report(context, train, state, "dry-run", false),
          detail: `dry run: train ${latest.record.slot} is incomplete; a run would finish it first`,
        };
      deps.log(
        `train ${latest.record.slot} (run ${latest.record.run}) is incomplete: finishing it with its recorded plan`,
      );
      return carryOut(context, train, "resumed", state);
    }
    if (state.pull?.state === "open") {
      if (bumpsOnBranch(deps.git, config, train)) await closeEmpty(context, train, state.pull);
      else pending = { train, state };
    }
  }
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
  const { slot, departsAt, reason } = decided;
  const marker = markerName(config.markerPrefix, slot);
  const taken = markers.find((known) => known.tag === marker);
  if (taken) return alreadyDeparted(context, rebuild(taken));
  const cutoff =
    reason === "forced" ? deps.git.resolve("HEAD") : deps.git.commitAtCutoff("HEAD", departsAt);
  if (!cutoff) return idle(slot, "no-changes", `no commit exists before the departure of ${slot}`);
  const plan = planRelease(deps.git, config, cutoff, manualRequest(inputs), {
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
  if (pending && overlaps(pending.train, plan) && config.pendingRelease === "wait") {
    return awaitingEarlier(context, pending, slot);
  }
  await refuseTagConflicts(context, plan);
  const train = decideTrain(
    deps.git,
    config,
    plan,
    {
      slot,
      departsAt,
      reason,
      run: inputs.runId,
      attempt: inputs.runAttempt,
    },
    { repositoryUrl: inputs.repositoryUrl, slot },
  );
  if (inputs.dryRun) return dryRun(inputs, config, deps, train);
  const won = await deps.remote.createAnnotatedTag(marker, cutoff, JSON.stringify(train.record), {
    ...config.commit.author,
    date: departsAt,
  });
  if (won !== "created") {
    return raceLost(
      context,
      rebuild({ tag: marker, record: readMarker(won.message, marker) }),
      deps,
    );
  }
  context.writes.push(`create departure marker ${marker} at ${cutoff.slice(0, 12)}`);
  deps.log(`took the departure marker ${marker} at ${cutoff}`);
  const result = await carryOut(context, train, reason);
  if (pending && overlaps(pending.train, plan)) await supersede(context, pending, train, result);
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

export type SlotDecision =
  | { slot: string; departsAt: Date; reason: Reason }
  | { result: TrainResult };

/**
 * Which slot this run departs. A forced train is named after its run. A scheduled run's slot is
 * the run's: a re-run (attempt 2 or later) decides at its first attempt's start, never at the
 * re-run's wall clock, so re-running an old run cannot depart today's slot.
 */
export async function decideSlot(
  inputs: Pick<TrainInputs, "force" | "runId" | "runAttempt" | "now">,
  config: TrainConfig,
  markers: readonly Marker[],
  deps: { runCreatedAt: (runId: number) => Promise<Date | undefined>; log: (line: string) => void },
): Promise<SlotDecision> {
  if (inputs.force) return { slot: `run-${inputs.runId}`, departsAt: inputs.now, reason: "forced" };
  let instant = inputs.now;
  if (inputs.runAttempt > 1 && /^\d+$/.test(inputs.runId)) {
    const first = await deps.runCreatedAt(Number(inputs.runId));
    if (first) {
      instant = first;
      deps.log(
        `attempt ${inputs.runAttempt} of run ${inputs.runId}: deciding as its first attempt did, at ${first.toISOString()}`,
      );
    }
  }
  const scheduled = decideSchedule(config.schedule, instant);
  const next = scheduled.due ? undefined : scheduled.next.date;
  const stay = (reason: Reason, detail: string) => ({
    result: { ...idle(scheduled.slot?.date ?? "", reason, detail), next },
  });
  const later = markers.find(
    (marker) =>
      /^\d{4}-\d{2}-\d{2}$/.test(marker.record.slot) &&
      marker.record.slot > (scheduled.slot?.date ?? ""),
  );
  if (scheduled.due && later) {
    return stay(
      "missed",
      `train ${scheduled.slot.date} was overtaken: train ${later.record.slot} departed after it; nothing to do`,
    );
  }
  if (scheduled.due) {
    return {
      slot: scheduled.slot.date,
      departsAt: scheduled.slot.departsAt,
      reason: scheduled.reason,
    };
  }
  const date = scheduled.slot?.date;
  if (scheduled.reason === "frozen") {
    return stay(
      "frozen",
      `train ${date} is frozen; the next train (${scheduled.next.date}) carries everything`,
    );
  }
  const departed = markers.some((marker) => marker.record.slot === date);
  if (scheduled.reason === "missed" && !departed) {
    return stay(
      "missed",
      `train ${date} was missed: this run is past the catch-up window; next train ${scheduled.next.date}`,
    );
  }
  return stay(
    "not-due",
    `no train is due; the next leaves ${scheduled.next.departsAt.toISOString()} (${scheduled.next.date})`,
  );
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

/** Whether the branch already carries every version a release pull request would bring. */
function bumpsOnBranch(git: LocalGit, config: TrainConfig, train: Train): boolean {
  const { components } = componentsAt(git, config, git.resolve("HEAD"));
  return train.record.components.every((item) => {
    const now = components.find((component) => component.name === item.name)?.version;
    return now !== undefined && (now === item.version || isGreater(now, item.version));
  });
}

/** A release pull request with nothing left to bring: closed, saying why. */
async function closeEmpty(context: DepartureContext, train: Train, pull: PullRequest) {
  await context.remote.closePullRequest(
    pull,
    `Nothing left to merge: ${context.branch} already carries the versions of train ${train.record.slot} (${train.record.components.map((item) => `${item.name} ${item.version}`).join(", ")}).`,
  );
  context.writes.push(
    `close pull request #${pull.number} (empty: its versions are on ${context.branch})`,
  );
  context.log(`closed the empty release pull request ${pull.url}`);
}

function overlaps(earlier: Train, plan: ReleasePlan): boolean {
  const names = new Set(earlier.record.components.map((item) => item.name));
  return plan.departing.some((item) => names.has(item.name));
}

function awaitingEarlier(
  context: DepartureContext,
  pending: { train: Train; state: TrainState },
  slot: string,
): TrainResult {
  const { record } = pending.train;
  const url = pending.state.pull?.url ?? "";
  const message = `Train ${slot} waits: the release pull request ${url} of train ${record.slot} is not merged, and this train would release the same components. Merge it (or close it), then the next run departs; set pending-release: carry to let a later train replace it.`;
  context.outcome.notice(message, "train-release: awaiting merge");
  return {
    ...report(context, pending.train, pending.state, "awaiting-merge", false),
    reason: "awaiting-merge",
    detail: message,
    pullRequestUrl: url,
  };
}

/** `pending-release: carry`: the earlier pull request's bumps ride on this train; close it. */
async function supersede(
  context: DepartureContext,
  pending: { train: Train; state: TrainState },
  train: Train,
  result: TrainResult,
): Promise<void> {
  const pull = pending.state.pull;
  if (pull?.state !== "open") return;
  const by = result.pullRequestUrl ?? `train ${train.record.slot}`;
  await context.remote.closePullRequest(
    pull,
    `Superseded by ${by}: train ${train.record.slot} carries these changes with newer versions.`,
  );
  context.writes.push(
    `close pull request #${pull.number} (superseded by train ${train.record.slot})`,
  );
}

/**
 * Refuses, before the marker is taken, a version whose tag exists already: the train would stop
 * half-way otherwise. The API is asked for each tag this clone does not have.
 */
async function refuseTagConflicts(context: DepartureContext, plan: ReleasePlan): Promise<void> {
  const local = context.git.allTags();
  for (const item of plan.departing) {
    const existing = local.get(item.tag) ?? (await context.remote.getTag(item.tag))?.commit;
    if (existing === undefined) continue;
    const release = (await context.remote.releases([item.tag])).get(item.tag);
    throw new ConfigurationError(
      `tag ${item.tag} already exists at ${existing}, so ${item.name} ${item.version} cannot be released; nothing was written. ` +
        (release && !release.draft
          ? `${item.tag} is a published release: release another version (dispatch the train with the version input)`
          : `release another version (dispatch the train with the version input), or delete the tag if nothing uses it`),
    );
  }
}

/** Another run of the same slot took the marker first: report its train once it has departed. */
async function raceLost(
  context: DepartureContext,
  train: Train,
  deps: TrainDeps,
): Promise<TrainResult> {
  const sleep =
    deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let state = await inspectTrain(context, train);
  for (let waited = 0; !state.departed && waited < RACE_WAIT_MS; waited += RACE_POLL_MS) {
    await sleep(RACE_POLL_MS);
    state = await inspectTrain(context, train);
  }
  return alreadyDepartedWith(context, train, state);
}

async function alreadyDeparted(context: DepartureContext, train: Train): Promise<TrainResult> {
  return alreadyDepartedWith(context, train, await inspectTrain(context, train));
}

function alreadyDepartedWith(
  context: DepartureContext,
  train: Train,
  state: TrainState,
): TrainResult {
  const { record } = train;
  return {
    ...report(context, train, state, "already-departed", false),
    detail: `train ${record.slot} already departed (run ${record.run}, cutoff ${record.cutoff.slice(0, 12)}); nothing to do`,
  };
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
  );
  const result = await carryOut(context, train, train.record.reason);
  return {
    ...result,
    departed: false,
    reason: "dry-run",
    released: [],
    attach: undefined,
    detail: "dry run: the plan below was not carried out; these are the writes it would make",
  };
}
