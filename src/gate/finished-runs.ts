import { GITHUB_ACTIONS_APP_ID, type Rule } from "./rules.ts";
import type { CheckRunRecord, Snapshot, WorkflowRunRecord } from "./snapshot.ts";

/** Where the workflow runs behind a rule stand. */
export interface RunsVerdict {
  /** Runs still going, which may yet create checks the rule matches (`needs:` jobs, matrix legs). */
  unfinished: string | undefined;
  /** Finished runs that are red while no check the rule matches is red. */
  unexplained: string | undefined;
}

export interface RunsContext {
  /** The workflow runs that count, by check suite id (superseded runs left out). */
  runsBySuite: ReadonlyMap<number, WorkflowRunRecord>;
  /** Check suites of the gate's own workflow run, which cannot finish while the gate waits. */
  ownSuites: ReadonlySet<number>;
  /**
   * Unfinished runs whose only unfinished checks are ones never waited for (other gates, this
   * one): waiting for them would have two gates wait for each other until both time out.
   */
  waitingOnlyForIgnored: ReadonlySet<number>;
  /** Runs the rule's workflows will have for this change that GitHub has not created yet. */
  notCreated?: readonly { workflow: string; event: string }[];
}

const PASSING = new Set(["success", "neutral", "skipped"]);

/**
 * Whether a rule must still wait for workflow runs, or is red because of one.
 *
 * A check of a given name may appear late: jobs behind `needs:` and later matrix legs are created
 * only as their run goes on, literal names as much as patterns. So any unfinished Actions run that
 * could create a check the rule matches (a run of the pinned workflow, or any run when the rule
 * pins none) holds the rule back; so does a matched Actions check whose run is not listed yet. The
 * gate's own run cannot finish while the gate waits, so it is never waited for (needs mode judges
 * the jobs of the gate's own workflow), nor is a run whose only unfinished jobs are checks the
 * rules file ignores (another gate, which may be waiting for this one).
 *
 * A finished run that is red must be explained by a red check the rule itself matches (which
 * already makes the rule red, or is a continue-on-error leg). Anything else (a job hidden behind a
 * same-named one, a leg cancelled before its matrix expanded, another job of the run) keeps the
 * rule red: the gate cannot see that the rule's own jobs all ran and passed.
 */
export function judgeRuns(
  rule: Rule,
  matched: readonly CheckRunRecord[],
  redMatched: (check: CheckRunRecord) => boolean,
  context: RunsContext,
): RunsVerdict {
  const unfinished: string[] = [];
  const notCreated = (context.notCreated ?? []).map(
    ({ workflow, event }) => `a run of ${workflow} on ${event}, which GitHub has not created yet`,
  );
  if (mayComeFromActions(rule)) {
    for (const run of context.runsBySuite.values()) {
      if (run.status === "completed" || isOwn(run, context)) continue;
      if (context.waitingOnlyForIgnored.has(run.id)) continue;
      if (rule.workflow !== undefined && run.path !== rule.workflow) continue;
      unfinished.push(describeRun(run, run.status));
    }
  }
  const owners = new Map<number, WorkflowRunRecord>();
  for (const check of matched) {
    if (check.appId !== GITHUB_ACTIONS_APP_ID) continue;
    if (check.suiteId !== undefined && context.ownSuites.has(check.suiteId)) continue;
    const owner = check.suiteId === undefined ? undefined : context.runsBySuite.get(check.suiteId);
    // A run the listing does not show yet may still be going: wait for it rather than guess.
    if (!owner) unfinished.push("a workflow run not listed yet");
    else owners.set(owner.id, owner);
  }
  const unexplained: string[] = [];
  for (const owner of owners.values()) {
    if (owner.status !== "completed" || passing(owner)) continue;
    const explained = matched.some(
      (check) =>
        check.suiteId === owner.suiteId && check.status === "completed" && redMatched(check),
    );
    if (!explained) unexplained.push(describeRun(owner, owner.conclusion ?? "unknown"));
  }
  const waits = [
    ...(unfinished.length > 0
      ? [
          `waiting for ${[...new Set(unfinished)].join(", ")} to finish (it may still create matching jobs)`,
        ]
      : []),
    ...(notCreated.length > 0
      ? [
          `waiting for ${notCreated.join(", ")} (its workflow runs for this change and has a job the rule matches)`,
        ]
      : []),
  ];
  return {
    unfinished: waits.length > 0 ? waits.join("; ") : undefined,
    unexplained:
      unexplained.length > 0
        ? `${unexplained.join(", ")}, yet no check this rule matches failed: a job the gate cannot see (a leg sharing its name with another, a leg cancelled before its matrix expanded, or another job of that run) kept it from passing`
        : undefined,
  };
}

/** A run awaiting approval has not failed; the rule reports it as awaiting approval instead. */
function passing(run: WorkflowRunRecord): boolean {
  return PASSING.has(run.conclusion ?? "") || run.conclusion === "action_required";
}

/** A rule pinned to another app than GitHub Actions cannot be satisfied by a workflow's jobs. */
function mayComeFromActions(rule: Rule): boolean {
  return (
    rule.app === undefined || rule.app === GITHUB_ACTIONS_APP_ID || rule.app === "github-actions"
  );
}

function isOwn(run: WorkflowRunRecord, context: RunsContext): boolean {
  return run.suiteId !== undefined && context.ownSuites.has(run.suiteId);
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

export function runName(run: WorkflowRunRecord): string {
  return `${run.name || run.path} #${run.runNumber}`;
}

function describeRun(run: WorkflowRunRecord, state: string): string {
  return `${runName(run)} (${state})`;
}
