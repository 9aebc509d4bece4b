import type { EvaluationContext } from "./evaluate.ts";
import { GITHUB_ACTIONS_APP_ID } from "./rules.ts";
import type { CheckRunRecord, Snapshot, StatusRecord, WorkflowRunRecord } from "./snapshot.ts";

// Which of a commit's workflow runs, check runs and statuses count: superseded runs and re-run
// attempts leave, and nothing else does, so that no green hides a red.

/**
 * Workflow runs that still count, by check suite id. Of several runs of one workflow for one
 * event and the same pull requests on this commit only the newest counts (the others were
 * superseded); runs of the same workflow for different events (push and pull_request) or for
 * different pull requests (two pull requests from one branch to two bases) all count, so one
 * red is never hidden by another's green.
 */
export function currentWorkflowRuns(
  runs: readonly WorkflowRunRecord[],
): Map<number, WorkflowRunRecord> {
  const newest = new Map<string, WorkflowRunRecord>();
  for (const run of runs) {
    const pulls = [...run.pullRequests].sort((a, b) => a - b).join(",");
    const key = `${run.path}\u0000${run.event}\u0000${pulls}`;
    const known = newest.get(key);
    if (
      !known ||
      run.runNumber > known.runNumber ||
      (run.runNumber === known.runNumber && run.id > known.id)
    ) {
      newest.set(key, run);
    }
  }
  const bySuite = new Map<number, WorkflowRunRecord>();
  for (const run of newest.values()) if (run.suiteId !== undefined) bySuite.set(run.suiteId, run);
  return bySuite;
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
