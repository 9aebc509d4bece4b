import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import { parseTrainConfig, type TrainConfig } from "./config.ts";
import type { Bump } from "./conventional.ts";
import {
  type DepartureContext,
  fillInputs,
  type Pusher,
  publishCommit,
  tagAndRelease,
} from "./depart.ts";
import type { LocalGit } from "./git.ts";
import { trainNotes } from "./notes.ts";
import { type ComponentPlan, type ManualRequest, planRelease, type ReleasePlan } from "./plan.ts";
import type { TrainRemote } from "./remote.ts";
import { decideSchedule } from "./schedule.ts";

export interface TrainInputs {
  configPath: string;
  event: string;
  now: Date;
  force: boolean;
  bump: "auto" | Exclude<Bump, "none">;
  /** `2.1.0` (the root or only component) or `name=version` items. */
  versions: Map<string, string>;
  dryRun: boolean;
  branch: string;
  runId: string;
  /** `https://github.com/owner/repo`. */
  repositoryUrl: string;
  /** The token is the workflow's GITHUB_TOKEN, whose events start no workflows. */
  defaultToken: boolean;
}

export interface TrainDeps {
  git: LocalGit;
  remote: TrainRemote;
  push: Pusher;
  log: (line: string) => void;
  notice: (message: string) => void;
}

export type Reason =
  | "scheduled"
  | "caught-up"
  | "forced"
  | "resumed"
  | "not-due"
  | "missed"
  | "frozen"
  | "no-changes"
  | "already-departed"
  | "dry-run"
  | "awaiting-merge";

export interface ReleasedComponent {
  name: string;
  path: string;
  kind: string;
  previous: string | null;
  version: string;
  tag: string;
  release_url: string;
}

export interface TrainResult {
  departed: boolean;
  slot: string;
  reason: Reason;
  detail: string;
  plan: ReleasePlan | undefined;
  released: ReleasedComponent[];
  releaseNotes: string;
  pullRequestUrl: string | undefined;
}

/** What the departure marker tag records, so a rerun or a racing run reports the same train. */
interface MarkerRecord {
  slot: string;
  cutoff: string;
  /** Dates the release commit, so a rerun rebuilds the very same commit (absent in old markers). */
  departsAt?: string;
  run: string;
  reason: Reason;
  versions: Record<string, string>;
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

/** Decides whether the train leaves now, and if so takes it out: the action's whole job. */
export async function runTrain(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
): Promise<TrainResult> {
  deps.git.assertFullHistory();
  if (inputs.event === "push") return finishMerged(inputs, config, deps);
  const scheduled = decideSchedule(config.schedule, inputs.now);
  const manual = manualRequest(inputs);
  let slot: string;
  let departsAt: Date;
  let reason: Reason;
  if (inputs.force) {
    // Named by the run alone: a rerun (same run id, a later attempt, maybe days later) finds this
    // marker and finishes the same train instead of departing another.
    slot = forcedSlot(inputs.runId);
    departsAt = inputs.now;
    reason = "forced";
  } else if (scheduled.due) {
    slot = scheduled.slot.date;
    departsAt = scheduled.slot.departsAt;
    reason = scheduled.reason;
  } else {
    const detail =
      scheduled.reason === "frozen"
        ? `train ${scheduled.slot?.date} is frozen; the next train (${scheduled.next.date}) carries everything`
        : scheduled.reason === "missed"
          ? `train ${scheduled.slot?.date} was missed: this run is past the catch-up window; next train ${scheduled.next.date}`
          : `no train is due; the next leaves ${scheduled.next.departsAt.toISOString()} (${scheduled.next.date})`;
    return idle(scheduled.slot?.date ?? "", scheduled.reason, detail);
  }
  const marker = `${config.markerPrefix}${slot}`;
  const existing = await deps.remote.getTag(marker);
  if (existing)
    return replay(inputs, config, deps, {
      slot,
      departsAt,
      marker,
      record: readMarker(existing.message, marker),
    });
  const cutoff =
    reason === "forced" ? deps.git.resolve("HEAD") : deps.git.commitAtCutoff("HEAD", departsAt);
  if (!cutoff) return idle(slot, "no-changes", `no commit exists before the departure of ${slot}`);
  const plan = planRelease(deps.git, config, cutoff, manual);
  if (plan.departing.length === 0) {
    const detail = `nothing releasable since the last releases (only quiet commits such as ci:, docs:, chore:, or none); empty trains stay (empty-train: ${config.emptyTrain})`;
    return { ...idle(slot, "no-changes", detail), plan };
  }
  if (inputs.dryRun) {
    return { ...idle(slot, "dry-run", "dry run: the plan below was not carried out"), plan };
  }
  const record: MarkerRecord = {
    slot,
    cutoff,
    departsAt: departsAt.toISOString(),
    run: inputs.runId,
    reason,
    versions: Object.fromEntries(plan.departing.map((item) => [item.name, item.version])),
  };
  const won = await deps.remote.createAnnotatedTag(marker, cutoff, JSON.stringify(record));
  if (won !== "created") {
    return replay(inputs, config, deps, {
      slot,
      departsAt,
      marker,
      record: readMarker(won.message, marker),
    });
  }
  deps.log(`took the departure marker ${marker} at ${cutoff}`);
  return depart(inputs, config, deps, { slot, departsAt, plan, reason });
}

/**
 * A push that lands a release pull request (pull-request mode, or the bump-back pull request of
 * tag mode) finishes that train: components whose manifests now carry an untagged version are
 * tagged and released on the merged commit. Any other push is not the train's business.
 */
async function finishMerged(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
): Promise<TrainResult> {
  const head = deps.git.resolve("HEAD");
  const message = deps.git.run(["log", "-1", "--format=%B", head]);
  const slot =
    /^release: train (\S+)/m.exec(message)?.[1] ??
    /from \S*release\/train-(\S+)/.exec(message)?.[1];
  if (!slot)
    return idle(
      "",
      "not-due",
      "this push is not a merged release pull request; trains leave on schedule",
    );
  const plan = planRelease(deps.git, config, head);
  const pending = plan.components.filter((item) => item.how === "manual");
  const finished = {
    ...plan,
    departing: pending,
    components: plan.components.map((item) => ({ ...item, departs: item.how === "manual" })),
  };
  if (pending.length === 0)
    return { ...idle(slot, "already-departed", `train ${slot} is already tagged`), plan: finished };
  const departsAt = inputs.now;
  return depart(inputs, { ...config, mode: "tag" }, deps, {
    slot,
    departsAt,
    plan: finished,
    reason: "resumed",
  });
}

/** The slot of a forced departure: `run-<run id>`, the same for every attempt of the run. */
function forcedSlot(runId: string): string {
  return `run-${runId}`;
}

function manualRequest(inputs: TrainInputs): ManualRequest {
  return {
    ...(inputs.bump === "auto" ? {} : { bump: inputs.bump }),
    ...(inputs.versions.size > 0 ? { versions: inputs.versions } : {}),
  };
}

function idle(slot: string, reason: Reason, detail: string): TrainResult {
  return {
    departed: false,
    slot,
    reason,
    detail,
    plan: undefined,
    released: [],
    releaseNotes: "",
    pullRequestUrl: undefined,
  };
}

function readMarker(message: string | undefined, marker: string): MarkerRecord {
  try {
    const record = JSON.parse(message ?? "") as MarkerRecord;
    if (typeof record.cutoff === "string" && typeof record.run === "string") return record;
  } catch {
    // fall through to the error below
  }
  throw new ConfigurationError(
    `tag ${marker} exists but is not a departure marker of this train (no record in its message); ` +
      "delete it or change marker-prefix",
  );
}

/**
 * The slot already departed. The run that departed it (a rerun of the same workflow run) finishes
 * whatever is missing with the recorded versions; any other run reports the same train and writes
 * nothing.
 */
async function replay(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
  found: { slot: string; departsAt: Date; marker: string; record: MarkerRecord },
): Promise<TrainResult> {
  const versions = new Map(Object.entries(found.record.versions));
  const plan = restrict(planRelease(deps.git, config, found.record.cutoff, { versions }), versions);
  if (found.record.run === inputs.runId && !inputs.dryRun) {
    deps.log(`${found.marker} was taken by this run (${inputs.runId}); finishing the same plan`);
    // The same outputs as the first attempt, so jobs that read them rerun identically.
    const reason = found.record.reason ?? "resumed";
    return depart(inputs, config, deps, {
      slot: found.slot,
      departsAt: found.record.departsAt ? new Date(found.record.departsAt) : found.departsAt,
      plan,
      reason,
    });
  }
  return {
    ...idle(
      found.slot,
      "already-departed",
      `train ${found.slot} already departed (run ${found.record.run}, cutoff ${found.record.cutoff.slice(0, 12)}); nothing to do`,
    ),
    plan,
    released: releasedList(plan.departing, inputs.repositoryUrl, new Map()),
  };
}

function restrict(plan: ReleasePlan, versions: Map<string, string>): ReleasePlan {
  const departing = plan.components.filter((item) => versions.has(item.name));
  const components = plan.components.map((item) => ({ ...item, departs: versions.has(item.name) }));
  return { ...plan, components, departing: departing.map((item) => ({ ...item, departs: true })) };
}

async function depart(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
  train: { slot: string; departsAt: Date; plan: ReleasePlan; reason: Reason },
): Promise<TrainResult> {
  const context: DepartureContext = {
    git: deps.git,
    remote: deps.remote,
    push: deps.push,
    config,
    slot: train.slot,
    departsAt: train.departsAt,
    branch: inputs.branch,
    notes: { repositoryUrl: inputs.repositoryUrl, slot: train.slot },
    log: deps.log,
  };
  const published = await publishCommit(context, train.plan);
  const notes = trainNotes(train.plan.departing, context.notes);
  if (!published.tagNow) {
    return {
      ...idle(
        train.slot,
        "awaiting-merge",
        `release pull request opened: ${published.pullRequestUrl}`,
      ),
      plan: train.plan,
      releaseNotes: notes,
      pullRequestUrl: published.pullRequestUrl,
    };
  }
  const { urls, wrote } = await tagAndRelease(context, train.plan.departing, published.sha);
  const released = releasedList(train.plan.departing, inputs.repositoryUrl, urls);
  // A rerun that found every tag and release in place has nothing left to start.
  if (wrote) await dispatchWorkflows(inputs, config, deps, train.slot, released);
  const detail = `train ${train.slot} departed with ${released.length} release(s) at ${published.sha.slice(0, 12)}`;
  return {
    departed: true,
    slot: train.slot,
    reason: train.reason,
    detail,
    plan: train.plan,
    released,
    releaseNotes: notes,
    pullRequestUrl: published.pullRequestUrl,
  };
}

export function releasedList(
  departing: readonly ComponentPlan[],
  repositoryUrl: string,
  urls: Map<string, string>,
): ReleasedComponent[] {
  return departing.map((item) => ({
    name: item.name,
    path: item.path || ".",
    kind: item.kind,
    previous: item.previous ?? null,
    version: item.version,
    tag: item.tag,
    release_url:
      urls.get(item.name) ?? `${repositoryUrl}/releases/tag/${encodeURIComponent(item.tag)}`,
  }));
}

async function dispatchWorkflows(
  inputs: TrainInputs,
  config: TrainConfig,
  deps: TrainDeps,
  slot: string,
  released: ReleasedComponent[],
) {
  if (inputs.defaultToken) {
    deps.notice(
      "Tags and releases made with the workflow's GITHUB_TOKEN start no other workflows (no push or release events). " +
        (config.dispatch.length > 0
          ? `The train dispatches ${config.dispatch.map((item) => item.workflow).join(", ")} itself.`
          : "List the publish workflows under 'dispatch' in the train configuration, or use a GitHub App token."),
    );
  }
  const all = JSON.stringify(released);
  for (const dispatch of config.dispatch) {
    const targets = dispatch.perComponent ? released : released.slice(0, 1);
    for (const item of targets) {
      const values = { name: item.name, version: item.version, tag: item.tag, slot, released: all };
      const ref = dispatch.ref ?? (dispatch.perComponent ? item.tag : inputs.branch);
      await deps.remote.dispatchWorkflow(
        dispatch.workflow,
        ref,
        fillInputs(dispatch.inputs, values),
      );
      deps.log(`dispatched ${dispatch.workflow} on ${ref}`);
    }
  }
}
