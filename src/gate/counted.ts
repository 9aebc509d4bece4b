import type { EvaluationContext } from "./evaluate.ts";
import { GITHUB_ACTIONS_APP_ID } from "./rules.ts";
import type { CheckRunRecord, Snapshot, StatusRecord, WorkflowRunRecord } from "./snapshot.ts";

// Which of a commit's workflow runs, check runs and statuses count: superseded runs and re-run
// attempts leave, and nothing else does, so that no green hides a red.

/**
 * Workflow runs that still count, by check suite id. A newer run of the same workflow for the
 * same event and head replaces an older one only when the older one was cancelled (it never came
 * to a verdict: a concurrency group or a person stopped it), or when both are provably for the
 * same pull request. Runs for different events (push and pull_request), for pushes to different
 * branches, and for pull requests the gate cannot tell apart all count, so one red is never
 * hidden by another's green.
 */
export function currentWorkflowRuns(
  runs: readonly WorkflowRunRecord[],
): Map<number, WorkflowRunRecord> {
  const groups = new Map<string, WorkflowRunRecord[]>();
  for (const run of runs) {
    const key = [run.path, run.event, run.headRepository, run.headBranch].join("\u0000");
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const bySuite = new Map<number, WorkflowRunRecord>();
  for (const group of groups.values()) {
    const newestFirst = group.sort((a, b) => b.runNumber - a.runNumber || b.id - a.id);
    newestFirst.forEach((run, index) => {
      const replaced = newestFirst.slice(0, index).some((newer) => replaces(newer, run));
      if (!replaced && run.suiteId !== undefined) bySuite.set(run.suiteId, run);
    });
  }
  return bySuite;
}

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);

/**
 * Whether a newer run of the same workflow, event and head stands in for an older one. A push's
 * branch says whose run it is. A pull request run's `pull_requests` does not: GitHub lists every
 * open pull request from that head (two pull requests from one branch show the same list) and
 * none for a fork, so only a list holding one pull request on both runs ties them together.
 */
function replaces(newer: WorkflowRunRecord, older: WorkflowRunRecord): boolean {
  if (!PULL_REQUEST_EVENTS.has(older.event)) return true;
  if (older.status === "completed" && older.conclusion === "cancelled") return true;
  const [mine, ...more] = older.pullRequests;
  return (
    mine !== undefined &&
    more.length === 0 &&
    newer.pullRequests.length === 1 &&
    newer.pullRequests[0] === mine
  );
}

export function countedCheckRuns(
  runs: readonly CheckRunRecord[],
  workflowRuns: readonly WorkflowRunRecord[],
  runsBySuite: ReadonlyMap<number, WorkflowRunRecord>,
  context: EvaluationContext,
): CheckRunRecord[] {
  // Only the suite of a listed workflow run that a newer run replaced is superseded. A suite no
  // listed run owns (a check run a job created with its token, a run the listing does not show
  // yet) still counts: dropping it could hide a red check.
  const supersededSuites = new Set<number>();
  for (const run of workflowRuns) {
    if (run.suiteId !== undefined && !runsBySuite.has(run.suiteId))
      supersededSuites.add(run.suiteId);
  }
  const kept = runs.filter(
    (run) =>
      run.id !== context.selfCheckRunId &&
      !context.ignore.some((ignored) => ignored(run.name)) &&
      !(run.suiteId !== undefined && supersededSuites.has(run.suiteId)) &&
      // A matrix cancelled before it expanded leaves legs named `test (${{ matrix.os }})`: no
      // job of that name ever ran. Their run's cancelled conclusion still counts (finished-runs.ts).
      !(run.conclusion === "cancelled" && run.name.includes("${{")),
  );
  const newestByName = new Map<string, CheckRunRecord>();
  for (const run of kept) {
    const key = `${run.appId}\u0000${run.suiteId}\u0000${run.name}`;
    const known = newestByName.get(key);
    if (!known || run.id > known.id) newestByName.set(key, run);
  }
  return kept.filter((run) => {
    const newest = newestByName.get(`${run.appId}\u0000${run.suiteId}\u0000${run.name}`);
    if (newest === run) return true;
    // Another app's suite is written only by that app: its newest check of a name is its word.
    if (run.appId !== GITHUB_ACTIONS_APP_ID) return false;
    // In a workflow run's suite any job's token may add a check of any name, so a later green of
    // the same name hides a red one only when the red one belongs to an earlier attempt.
    return !earlierAttempt(run, runsBySuite.get(run.suiteId ?? -1));
  });
}

/**
 * Whether a check run finished before its workflow run's latest attempt began: it belongs to an
 * attempt that a re-run replaced. GitHub re-runs a job in the same check suite.
 */
function earlierAttempt(run: CheckRunRecord, owner: WorkflowRunRecord | undefined): boolean {
  if (!owner || owner.attempt <= 1 || run.status !== "completed") return false;
  const completed = parseTime(run.completedAt);
  const attemptStarted = parseTime(owner.runStartedAt);
  return completed !== undefined && attemptStarted !== undefined && completed <= attemptStarted;
}

/**
 * Unfinished runs whose unfinished check runs are all ones never waited for (the gate's own,
 * ignored names). A run whose checks have all completed is between jobs, and is waited for.
 */
export function waitingOnlyForIgnored(
  snapshot: Snapshot,
  runsBySuite: ReadonlyMap<number, WorkflowRunRecord>,
  context: EvaluationContext,
): Set<number> {
  const checksBySuite = new Map<number, CheckRunRecord[]>();
  for (const check of snapshot.checkRuns) {
    if (check.suiteId === undefined) continue;
    const list = checksBySuite.get(check.suiteId) ?? [];
    list.push(check);
    checksBySuite.set(check.suiteId, list);
  }
  const runs = new Set<number>();
  for (const [suiteId, run] of runsBySuite) {
    const unfinished = (checksBySuite.get(suiteId) ?? []).filter((c) => c.status !== "completed");
    const neverWaitedFor = (check: CheckRunRecord) =>
      check.id === context.selfCheckRunId || context.ignore.some((ignored) => ignored(check.name));
    if (run.status !== "completed" && unfinished.length > 0 && unfinished.every(neverWaitedFor)) {
      runs.add(run.id);
    }
  }
  return runs;
}

/** The newest status per context (a context is re-posted as it moves from pending to done). */
export function latestStatuses(statuses: readonly StatusRecord[], context: EvaluationContext) {
  const latest = new Map<string, StatusRecord>();
  for (const status of statuses) {
    if (context.ignore.some((ignored) => ignored(status.context))) continue;
    const known = latest.get(status.context);
    if (
      !known ||
      (status.updatedAt ?? status.createdAt ?? "") > (known.updatedAt ?? known.createdAt ?? "")
    ) {
      latest.set(status.context, status);
    }
  }
  return [...latest.values()];
}

/** Epoch milliseconds of a timestamp GitHub sent, or undefined when there is none. */
export function parseTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : time;
}
