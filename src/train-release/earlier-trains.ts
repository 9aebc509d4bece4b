import { escapeMarkdown, inlineCode } from "../core/summary.ts";
import type { TrainConfig } from "./config.ts";
import { carryOut, report } from "./depart.ts";
import type { LocalGit } from "./git.ts";
import type { Marker } from "./markers.ts";
import { componentsAt, type ReleasePlan } from "./plan.ts";
import type { PullRequest } from "./remote.ts";
import { idle, type TrainResult } from "./result.ts";
import type { TrainInputs } from "./run.ts";
import { giveBackMarker, takeSuccession } from "./succession.ts";
import type { Train } from "./train.ts";
import { type DepartureContext, inspectTrain, type TrainState } from "./train-state.ts";
import { isGreater } from "./versions.ts";

/** An earlier train whose release pull request is still open. */
export interface Pending {
  train: Train;
  state: TrainState;
}

/** How long a run that lost the race for the marker waits for the winner to finish. */
const RACE_WAIT_MS = 120_000;
const RACE_POLL_MS = 2_000;

/**
 * Before any new departure: the train this run already took (a re-run) is finished or reported,
 * whatever the clock says now; the latest train, when an earlier run left it incomplete, is
 * finished with its recorded plan; an empty release pull request is closed; an open one is
 * returned as pending.
 */
export async function settleEarlierTrains(
  context: DepartureContext,
  inputs: Pick<TrainInputs, "runId" | "dryRun">,
  markers: readonly Marker[],
  rebuild: (marker: Marker) => Promise<Train>,
): Promise<{ result: TrainResult } | { pending: Pending | undefined }> {
  const own = markers.findLast((marker) => marker.record.run === inputs.runId);
  if (own) {
    const train = await rebuild(own);
    const state = await inspectTrain(context, train);
    if (inputs.dryRun || state.published || state.departed || state.abandoned) {
      return { result: report(context, train, state, own.record.reason, state.departed) };
    }
    return { result: await resume(context, train, own.record.reason, state) };
  }
  const latest = markers.at(-1);
  if (!latest) return { pending: undefined };
  const train = await rebuild(latest);
  const state = await inspectTrain(context, train);
  if (!state.abandoned && !state.published && !state.awaitingMerge) {
    if (inputs.dryRun) {
      return {
        result: {
          ...report(context, train, state, "dry-run", false),
          detail: `dry run: train ${latest.record.slot} is incomplete; a run would finish it first`,
        },
      };
    }
    context.log(
      `train ${latest.record.slot} (run ${latest.record.run}) is incomplete: finishing it with its recorded plan`,
    );
    return { result: await resume(context, train, "resumed", state) };
  }
  if (state.pull?.state !== "open") return { pending: undefined };
  if (!bumpsOnBranch(context.git, context.config, train)) return { pending: { train, state } };
  await closeEmpty(context, train, state.pull);
  return { pending: undefined };
}

/**
 * Finishes a train, once it holds the succession: a run that took its marker and stopped before
 * taking the succession may have lost it to another train, and then gives the marker back.
 */
async function resume(
  context: DepartureContext,
  train: Train,
  reason: TrainResult["reason"],
  state: TrainState,
): Promise<TrainResult> {
  const holder = await takeSuccession(context, train);
  if (holder === undefined) return carryOut(context, train, reason, state);
  await giveBackMarker(context, train, holder);
  return {
    ...idle(
      "",
      "already-departed",
      `train ${train.record.slot} gave way to ${holder}, which left in its place; nothing to do`,
    ),
    writes: context.writes,
  };
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
    `Nothing left to merge: ${context.branch} already carries the versions of train ${train.record.slot} (${train.record.components.map((item) => `${inlineCode(item.name)} ${escapeMarkdown(item.version)}`).join(", ")}).`,
  );
  context.writes.push(
    `close pull request #${pull.number} (empty: its versions are on ${context.branch})`,
  );
  context.log(`closed the empty release pull request ${pull.url}`);
}

export function overlaps(earlier: Train, plan: ReleasePlan): boolean {
  const names = new Set(earlier.record.components.map((item) => item.name));
  return plan.departing.some((item) => names.has(item.name));
}

export function awaitingEarlier(
  context: DepartureContext,
  pending: Pending,
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
export async function supersede(
  context: DepartureContext,
  pending: Pending,
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

/** Another run of the same slot took the marker first: report its train once it has departed. */
export async function raceLost(context: DepartureContext, train: Train): Promise<TrainResult> {
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  let state = await inspectTrain(context, train);
  for (let waited = 0; !state.departed && waited < RACE_WAIT_MS; waited += RACE_POLL_MS) {
    await sleep(RACE_POLL_MS);
    state = await inspectTrain(context, train);
  }
  return alreadyDepartedWith(context, train, state);
}

export async function alreadyDeparted(
  context: DepartureContext,
  train: Train,
): Promise<TrainResult> {
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
