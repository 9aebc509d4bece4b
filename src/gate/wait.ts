import { formatDuration } from "../core/duration.ts";
import { ApiError, type GitHubApi, UNCHANGED } from "./api.ts";
import { parseTime } from "./counted.ts";
import {
  type EvaluationContext,
  evaluateRules,
  type RuleEvaluation,
  verdictOf,
} from "./evaluate.ts";
import { short, type Target } from "./event.ts";
import type { RuleDecision } from "./plan.ts";
import { type GateVerdict, progressLine } from "./report.ts";
import { readSnapshot, type Snapshot } from "./snapshot.ts";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export interface WaitOptions {
  api: GitHubApi;
  repository: string;
  target: Target;
  decisions: readonly RuleDecision[];
  ignore: EvaluationContext["ignore"];
  selfCheckRunId: number | undefined;
  /** Where to look this job up when its check run id was not given. */
  self: { runId: number; attempt: number; runnerName: string } | undefined;
  timeoutMs: number;
  /**
   * How long to keep polling once everything outstanding only awaits a maintainer's approval of
   * its workflow runs, so that an approval the gate sees in time can still turn it green.
   */
  approvalTimeoutMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  failFast: boolean;
  clock: Clock;
  progress: (line: string) => void;
  /** Per rule id, workflow runs it waits to see created (the start-up check's expected runs). */
  expectedRuns?: EvaluationContext["expectedRuns"];
}

/**
 * Polls the commit's checks until the verdict is settled: every blocking rule satisfied, one
 * failed (with fail-fast), everything outstanding awaiting approval for longer than the approval
 * timeout, the head moved, or the deadline passed. Unchanged polls back off (x1.5 with jitter);
 * a change resets the interval.
 */
export async function waitForChecks(options: WaitOptions): Promise<GateVerdict> {
  const { clock } = options;
  const startedAt = clock.now();
  const deadline = startedAt + options.timeoutMs;
  let interval = options.pollIntervalMs;
  let selfCheckRunId = options.selfCheckRunId;
  let awaitingSince: number | undefined;
  for (let poll = 1; ; poll++) {
    let read: Awaited<ReturnType<typeof readSnapshot>>;
    try {
      read = await readSnapshot(options.api, options.repository, options.target.sha);
      // Until this job is found (its check run may not be listed yet), look again on each poll.
      if (selfCheckRunId === undefined && options.self && mayIncludeSelf(read.snapshot, options)) {
        selfCheckRunId = await findOwnCheckRun(options.api, options.repository, options.self);
      }
    } catch (thrown) {
      return apiFailure(thrown, options.decisions);
    }
    const now = clock.now();
    const evaluations = evaluateRules(options.decisions, read.snapshot, {
      selfCheckRunId,
      selfRunId: options.self?.runId,
      ignore: options.ignore,
      expectedRuns: options.expectedRuns,
      startedAt,
      now,
      deadlinePassed: now >= deadline,
    });
    options.progress(progressLine(evaluations, now - startedAt));
    const awaiting = verdictOf(evaluations) === "awaiting-approval";
    if (awaiting && awaitingSince === undefined) {
      options.progress(
        `Awaiting a maintainer's approval of the workflow runs; polling up to ${formatDuration(options.approvalTimeoutMs)} more (input 'approval-timeout'), so an approval in that time can still turn the gate green.`,
      );
    }
    awaitingSince = awaiting ? (awaitingSince ?? now) : undefined;
    const approvalEnd =
      awaitingSince === undefined ? deadline : awaitingSince + options.approvalTimeoutMs;
    let settled = settledVerdict(evaluations, {
      failFast: options.failFast,
      deadlinePassed: now >= deadline,
      approvalWaitOver: now >= approvalEnd,
      timeoutMs: options.timeoutMs,
    });
    // A list read short may hide the one failure: only red is final until it is read whole.
    if (read.incomplete && settled?.result !== "failure") {
      options.progress(`GitHub ${read.incomplete}; reading them again on the next poll.`);
      settled =
        now >= deadline
          ? apiFailure(new ApiError(`${read.incomplete} until the timeout`), options.decisions)
          : undefined;
    }
    if (settled) return settled;
    const moved = await headMoved(options).catch((thrown: unknown) => thrown);
    if (moved instanceof Error) return apiFailure(moved, options.decisions);
    if (typeof moved === "string") {
      return {
        result: "stale",
        reason: `the pull request's head moved from ${short(options.target.sha)} to ${short(moved)} while the gate waited; this verdict is stale, and the run for ${short(moved)} decides`,
        evaluations,
        unruled: [],
      };
    }
    interval =
      read.changed && poll > 1
        ? options.pollIntervalMs
        : Math.min(interval * 1.5, options.maxPollIntervalMs);
    const jittered = interval * (0.8 + 0.4 * clock.random());
    const until = Math.min(deadline, approvalEnd);
    await clock.sleep(Math.max(0, Math.min(jittered, until - clock.now())));
  }
}

/**
 * Whether a rule could be waiting for this very job: a running check of this job's own workflow
 * run matches a required rule. Only then is the job looked up (one request), so a gate in a
 * workflow of its own spends nothing on it.
 */
function mayIncludeSelf(snapshot: Snapshot, options: WaitOptions): boolean {
  const own = snapshot.workflowRuns.find((run) => run.id === options.self?.runId);
  if (!own) return false;
  return snapshot.checkRuns.some(
    (check) =>
      check.suiteId === own.suiteId &&
      check.status !== "completed" &&
      options.decisions.some(
        (decision) => decision.applies && decision.rule.matchesName(check.name),
      ),
  );
}

interface JobsPage {
  total_count?: number;
  jobs?: { status: string; runner_name?: string | null; check_run_url?: string }[];
}

/** Jobs of one run attempt are listed at most this many pages deep (GitHub allows 256 jobs). */
const JOB_PAGES = 5;

/**
 * This job's check run: the running job of this run attempt on this runner, looked for on every
 * page of the attempt's jobs (a workflow may have 150 of them).
 */
async function findOwnCheckRun(
  api: GitHubApi,
  repository: string,
  self: { runId: number; attempt: number; runnerName: string },
): Promise<number | undefined> {
  const jobs: NonNullable<JobsPage["jobs"]> = [];
  const path = `/repos/${repository}/actions/runs/${self.runId}/attempts/${self.attempt}/jobs?per_page=100`;
  for (let page = 1; page <= JOB_PAGES; page++) {
    const { data } = await api.get<JobsPage>(page === 1 ? path : `${path}&page=${page}`);
    const batch = data.jobs ?? [];
    jobs.push(...batch);
    if (batch.length === 0 || jobs.length >= (data.total_count ?? jobs.length)) break;
  }
  const mine = jobs.filter(
    (job) => job.status === "in_progress" && job.runner_name === self.runnerName,
  );
  // Two running jobs on one runner name cannot both be this one; guessing could hide a check.
  if (mine.length !== 1) return undefined;
  const id = /\/check-runs\/(\d+)$/.exec(mine[0]?.check_run_url ?? "")?.[1];
  return id === undefined ? undefined : Number(id);
}

function settledVerdict(
  evaluations: RuleEvaluation[],
  when: {
    failFast: boolean;
    deadlinePassed: boolean;
    approvalWaitOver: boolean;
    timeoutMs: number;
  },
): GateVerdict | undefined {
  const { failFast, deadlinePassed, timeoutMs } = when;
  const result = verdictOf(evaluations);
  const blocking = evaluations.filter((e) => !e.rule.advisory);
  const names = (state: RuleEvaluation["state"]) =>
    blocking.filter((e) => e.state === state).map((e) => `${e.rule.id} (${e.detail})`);
  if (result === "success") {
    const count = blocking.filter((e) => e.state === "satisfied").length;
    return {
      result,
      reason:
        count === 0
          ? "No blocking rule applies to this change."
          : `All ${count} required checks passed.`,
      evaluations,
      unruled: [],
    };
  }
  if (result === "awaiting-approval") {
    if (!when.approvalWaitOver && !deadlinePassed) return undefined;
    return {
      result,
      reason: `Waiting for a maintainer to approve the workflow runs of ${names("awaiting-approval").join(", ")}; the gate is not green. On a fork pull request approving starts the gate's own workflow again; otherwise re-run this job after approving.`,
      evaluations,
      unruled: [],
    };
  }
  const outstanding = blocking.some((e) => e.state === "pending" || e.state === "missing");
  if (result === "failure" && (failFast || !outstanding || deadlinePassed)) {
    const failed = names("failed");
    const timedOut = names("timed-out");
    const parts = [
      failed.length > 0 ? `Failed: ${failed.join("; ")}.` : "",
      timedOut.length > 0
        ? `Still missing at the ${deadlinePassed ? `${Math.round(timeoutMs / 1000)}s timeout` : "rule's timeout"}: ${timedOut.join("; ")}.`
        : "",
    ];
    return { result, reason: parts.filter(Boolean).join(" "), evaluations, unruled: [] };
  }
  return undefined;
}

/**
 * The PR head as GitHub has it now, when it is not the one bound. Free while nothing changed: the
 * first look asks whether the pull request changed since the event (`If-Modified-Since` its
 * `updated_at`), later ones are conditional on the answer's ETag.
 */
async function headMoved(options: WaitOptions): Promise<string | undefined> {
  const pull = options.target.pullRequest;
  if (!pull) return undefined;
  const since = pull.headSha === options.target.sha ? httpDate(pull.updatedAt) : undefined;
  const answer = await options.api.getUnlessUnchangedSince<{ head?: { sha?: string } }>(
    `/repos/${options.repository}/pulls/${pull.number}`,
    since,
  );
  if (answer === UNCHANGED) return undefined;
  const head = answer.data.head?.sha;
  return head && head !== options.target.sha ? head : undefined;
}

function httpDate(iso: string | undefined): string | undefined {
  const time = parseTime(iso);
  return time === undefined ? undefined : new Date(time).toUTCString();
}

/** An API failure after retries is never a verdict on the checks: it is red, with the reason. */
export function apiFailure(thrown: unknown, decisions: readonly RuleDecision[]): GateVerdict {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const status = thrown instanceof ApiError && thrown.status ? ` (HTTP ${thrown.status})` : "";
  return {
    result: "failure",
    reason: `The GitHub API failed${status}, so the checks are unknown: ${message}`,
    evaluations: decisions.map((decision) => ({
      rule: decision.rule,
      decision,
      state: decision.applies ? "missing" : "not-required",
      checks: [],
      detail: decision.applies ? "unknown: the API failed" : "",
    })),
    unruled: [],
  };
}
