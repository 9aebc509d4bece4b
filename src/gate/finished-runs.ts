import { isNamePattern } from "./globs.ts";
import { GITHUB_ACTIONS_APP_ID, type Rule } from "./rules.ts";
import type { CheckRunRecord, Snapshot, WorkflowRunRecord } from "./snapshot.ts";

/** Where the workflow runs behind a pattern rule's check runs stand. */
export interface RunsVerdict {
  /** A run still going, which may yet create matching jobs (`needs:` jobs, later matrix legs). */
  unfinished: string | undefined;
  /** A finished run that failed while every check run it lists passed. */
  unexplained: string | undefined;
}

const PASSING = new Set(["success", "neutral", "skipped"]);
const SETTLED: RunsVerdict = { unfinished: undefined, unexplained: undefined };

/**
 * A pattern (`test (*)`) cannot know how many jobs will match: jobs behind `needs:` and later
 * matrix legs are created only as the run goes on, so a matched set that looks complete and green
 * may still grow. Such a rule is judged only once every workflow run owning one of its GitHub
 * Actions check runs has finished. The gate's own run cannot finish while the gate waits, so its
 * checks count as they are (needs mode is the way to judge them). A literal name is complete when
 * it is there, so it is never held back.
 */
export function judgeRuns(
  rule: Rule,
  matched: readonly CheckRunRecord[],
  snapshot: Snapshot,
  runsBySuite: ReadonlyMap<number, WorkflowRunRecord>,
  ownSuites: ReadonlySet<number>,
): RunsVerdict {
  if (rule.check === undefined || !isNamePattern(rule.check)) return SETTLED;
  const suites = new Set<number | undefined>();
  for (const check of matched) {
    if (check.appId !== GITHUB_ACTIONS_APP_ID) continue;
    if (check.suiteId !== undefined && ownSuites.has(check.suiteId)) continue;
    suites.add(check.suiteId);
  }
  const unfinished: string[] = [];
  const unexplained: string[] = [];
  for (const suiteId of suites) {
    const owner = suiteId === undefined ? undefined : runsBySuite.get(suiteId);
    // A run the listing does not show yet may still be going: wait for it rather than guess.
    if (!owner) unfinished.push("a workflow run not listed yet");
    else if (owner.status !== "completed") unfinished.push(describeRun(owner, owner.status));
    else if (!PASSING.has(owner.conclusion ?? "") && !explained(owner, snapshot.checkRuns)) {
      unexplained.push(describeRun(owner, owner.conclusion ?? "unknown"));
    }
  }
  return {
    unfinished:
      unfinished.length > 0
        ? `waiting for ${unfinished.join(", ")} to finish (it may still create matching jobs)`
        : undefined,
    unexplained:
      unexplained.length > 0
        ? `${unexplained.join(", ")}, yet every check run it lists passed: a job sharing its name with another (a fixed name: on a matrix) may have failed`
        : undefined,
  };
}

/**
 * GitHub lists only the newest check run of each name in a suite, so a failed job hidden behind a
 * same-named green one shows only in the run's conclusion. A red run is explained when one of its
 * listed check runs is red.
 */
function explained(run: WorkflowRunRecord, checkRuns: readonly CheckRunRecord[]): boolean {
  return checkRuns.some(
    (check) =>
      check.suiteId === run.suiteId &&
      check.status === "completed" &&
      !PASSING.has(check.conclusion ?? ""),
  );
}

/** Check suites of the gate's own workflow run: by its run id, or by its own check run. */
export function ownSuites(
  snapshot: Snapshot,
  own: { runId: number | undefined; checkRunId: number | undefined },
): Set<number> {
  const suites = new Set<number>();
  for (const run of snapshot.workflowRuns)
    if (run.id === own.runId && run.suiteId !== undefined) suites.add(run.suiteId);
  for (const check of snapshot.checkRuns)
    if (check.id === own.checkRunId && check.suiteId !== undefined) suites.add(check.suiteId);
  return suites;
}

function describeRun(run: WorkflowRunRecord, state: string): string {
  return `${run.name || run.path} #${run.runNumber} (${state})`;
}
