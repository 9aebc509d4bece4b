import {
  countedCheckRuns,
  currentWorkflowRuns,
  latestStatuses,
  parseTime,
  waitingOnlyForIgnored,
} from "./counted.ts";
import type { ExpectedRun } from "./doctor/expected-runs.ts";
import { judgeRuns, ownSuites, type RunsVerdict, runName } from "./finished-runs.ts";
import type { RuleDecision } from "./plan.ts";
import { GITHUB_ACTIONS_APP_ID, pinsActions, type Rule } from "./rules.ts";
import type { CheckRunRecord, Snapshot, StatusRecord, WorkflowRunRecord } from "./snapshot.ts";

/** Where a rule stands. Only `satisfied` (and `not-required`) is green. */
export type RuleState =
  | "not-required"
  | "satisfied"
  | "failed"
  | "pending"
  | "missing"
  | "awaiting-approval"
  | "timed-out";

/** How one matching check or status counts. */
export type Outcome = "success" | "allowed" | "tolerated" | "failure" | "queued" | "running";

export interface MatchedCheck {
  kind: "check run" | "status";
  name: string;
  /** The conclusion or state as GitHub reported it (`in_progress` while running). */
  conclusion: string;
  outcome: Outcome;
  url: string | undefined;
  workflow: string | undefined;
  event: string | undefined;
  app: string | undefined;
  /** Time from the workflow run's creation to the job's start. */
  queuedMs: number | undefined;
  /** Time from start to completion (or to now while running). */
  runMs: number | undefined;
}

export interface RuleEvaluation {
  rule: Rule;
  decision: RuleDecision;
  state: RuleState;
  checks: MatchedCheck[];
  /** One line: what satisfied it, what failed, or what is awaited and the likely cause. */
  detail: string;
}

export interface EvaluationContext {
  /** This gate's own check run (`job.check_run_id`): never waited for. */
  selfCheckRunId: number | undefined;
  /** This gate's own workflow run (`GITHUB_RUN_ID`), which cannot finish while the gate waits. */
  selfRunId: number | undefined;
  /** Check names never waited for (other gates, the verdict check). */
  ignore: readonly ((name: string) => boolean)[];
  /**
   * Per rule id, runs of workflows that will run for this change with a job the rule matches:
   * until GitHub has created them, the rule is not satisfied.
   */
  expectedRuns?: ReadonlyMap<string, readonly ExpectedRun[]>;
  /** When the gate started waiting, and now (epoch ms); rule timeouts count from the start. */
  startedAt: number;
  now: number;
  /** At the deadline everything still outstanding is timed out. */
  deadlinePassed: boolean;
}

const NOT_SUCCESS_HINT: Record<string, string> = {
  action_required: "awaiting approval or action",
  startup_failure: "the workflow could not start (often a YAML error)",
  stale: "GitHub marked it stale (no update in 14 days)",
};

export function evaluateRules(
  decisions: readonly RuleDecision[],
  snapshot: Snapshot,
  context: EvaluationContext,
): RuleEvaluation[] {
  const runsBySuite = currentWorkflowRuns(snapshot.workflowRuns);
  const checkRuns = countedCheckRuns(
    snapshot.checkRuns,
    snapshot.workflowRuns,
    runsBySuite,
    context,
  );
  const statuses = latestStatuses(snapshot.statuses, context);
  const own = ownSuites(snapshot, { runId: context.selfRunId, checkRunId: context.selfCheckRunId });
  const onlyIgnored = waitingOnlyForIgnored(snapshot, runsBySuite, context);
  return decisions.map((decision) => {
    if (!decision.applies) {
      return { rule: decision.rule, decision, state: "not-required", checks: [], detail: "" };
    }
    const matched = checkRuns.filter((run) =>
      runMatches(decision.rule, run, runsBySuite.get(run.suiteId ?? -1)),
    );
    const red = (run: CheckRunRecord) => {
      const outcome = completedOutcome(decision, run);
      return outcome === "failure" || outcome === "tolerated";
    };
    const owners = judgeRuns(decision.rule, matched, red, {
      runsBySuite,
      ownSuites: own,
      waitingOnlyForIgnored: onlyIgnored,
      notCreated: (context.expectedRuns?.get(decision.rule.id) ?? []).filter(
        (expected) =>
          !snapshot.workflowRuns.some(
            (run) => run.path === expected.workflow && run.event === expected.event,
          ),
      ),
    });
    const checks = [
      ...matched.map((run) =>
        fromCheckRun(decision, run, runsBySuite.get(run.suiteId ?? -1), context),
      ),
      ...(acceptsStatuses(decision.rule)
        ? statuses
            .filter((s) => decision.rule.matchesName(s.context))
            .map((s) => fromStatus(s, context))
        : []),
    ];
    return stateOf(decision, checks, owners, snapshot.workflowRuns, context);
  });
}

function runMatches(rule: Rule, run: CheckRunRecord, workflowRun: WorkflowRunRecord | undefined) {
  if (!rule.matchesName(run.name)) return false;
  if (rule.workflow !== undefined && workflowRun?.path !== rule.workflow) return false;
  if (pinsActions(rule) && run.appId !== GITHUB_ACTIONS_APP_ID) return false;
  if (rule.app !== undefined && rule.app !== run.appId && rule.app !== run.appSlug) return false;
  return true;
}

/** A commit status has no app and no workflow, so it can satisfy only a rule that pins neither. */
function acceptsStatuses(rule: Rule): boolean {
  return rule.workflow === undefined && rule.app === undefined;
}

function fromCheckRun(
  decision: RuleDecision,
  run: CheckRunRecord,
  workflowRun: WorkflowRunRecord | undefined,
  context: EvaluationContext,
): MatchedCheck {
  const started = parseTime(run.startedAt);
  const completed = parseTime(run.completedAt);
  const created = parseTime(workflowRun?.createdAt);
  const done = run.status === "completed";
  return {
    kind: "check run",
    name: run.name,
    conclusion: done ? (run.conclusion ?? "unknown") : run.status,
    outcome: done
      ? completedOutcome(decision, run)
      : run.status === "in_progress"
        ? "running"
        : "queued",
    url: run.url,
    workflow: workflowRun?.path,
    event: workflowRun?.event,
    app: run.appSlug,
    queuedMs:
      started !== undefined && created !== undefined ? Math.max(0, started - created) : undefined,
    runMs:
      started !== undefined
        ? Math.max(0, (done ? (completed ?? context.now) : context.now) - started)
        : undefined,
  };
}

/**
 * The allow-list: success, then what the rule allows on this event; anything else, unknown
 * included, fails.
 */
function completedOutcome(decision: RuleDecision, run: CheckRunRecord): Outcome {
  if (run.conclusion === "success") return "success";
  if ((decision.allow as readonly string[]).includes(run.conclusion ?? "")) return "allowed";
  if (decision.rule.mayFail(run.name)) return "tolerated";
  return "failure";
}

function fromStatus(status: StatusRecord, context: EvaluationContext): MatchedCheck {
  const outcome: Outcome =
    status.state === "success"
      ? "success"
      : status.state === "failure" || status.state === "error"
        ? "failure"
        : "running";
  const created = parseTime(status.createdAt);
  const updated = parseTime(status.updatedAt);
  return {
    kind: "status",
    name: status.context,
    conclusion: status.state,
    outcome,
    url: status.url,
    workflow: undefined,
    event: undefined,
    app: undefined,
    queuedMs: undefined,
    runMs:
      created !== undefined
        ? Math.max(0, (outcome === "running" ? context.now : (updated ?? created)) - created)
        : undefined,
  };
}

function stateOf(
  decision: RuleDecision,
  checks: MatchedCheck[],
  owners: RunsVerdict,
  workflowRuns: readonly WorkflowRunRecord[],
  context: EvaluationContext,
): RuleEvaluation {
  const { rule } = decision;
  const result = (state: RuleState, detail: string) => ({ rule, decision, state, checks, detail });
  const failures = checks.filter((check) => check.outcome === "failure");
  if (failures.length > 0) {
    return result(
      "failed",
      failures.map((check) => `${check.name}: ${describeConclusion(check.conclusion)}`).join("; "),
    );
  }
  if (owners.unexplained) return result("failed", owners.unexplained);
  const timedOut =
    context.deadlinePassed ||
    (rule.timeoutMs !== undefined && context.now - context.startedAt >= rule.timeoutMs);
  const waiting = checks.filter(
    (check) => check.outcome === "queued" || check.outcome === "running",
  );
  if (waiting.length > 0) {
    const what = waiting.map((check) => `${check.name} (${check.outcome})`).join(", ");
    return timedOut ? result("timed-out", `still ${what} at the timeout`) : result("pending", what);
  }
  if (owners.unfinished) {
    return timedOut
      ? result("timed-out", `still ${owners.unfinished} at the timeout`)
      : result("pending", owners.unfinished);
  }
  if (checks.length > 0) {
    const tolerated = checks.filter((check) => check.outcome === "tolerated").length;
    const names = checks.map((check) => `${check.name}: ${check.conclusion}`).join("; ");
    return result("satisfied", tolerated > 0 ? `${names} (${tolerated} continue-on-error)` : names);
  }
  const runs = relatedRuns(rule, workflowRuns);
  const broken = runs.find(
    (run) =>
      run.status === "completed" &&
      run.conclusion !== "success" &&
      run.conclusion !== "action_required",
  );
  if (broken && rule.workflow !== undefined) {
    return result(
      "failed",
      `workflow run ${runName(broken)} concluded ${describeConclusion(broken.conclusion ?? "unknown")} without a ${rule.check ?? rule.job} job`,
    );
  }
  if (
    runs.some((run) => run.conclusion === "action_required" || run.status === "action_required")
  ) {
    return result(
      "awaiting-approval",
      "the workflow run awaits a maintainer's approval (fork or first-time contributor)",
    );
  }
  return result(
    timedOut ? "timed-out" : "missing",
    `never appeared: ${likelyCause(rule, runs, broken)}`,
  );
}

function relatedRuns(rule: Rule, runs: readonly WorkflowRunRecord[]) {
  return rule.workflow === undefined ? runs : runs.filter((run) => run.path === rule.workflow);
}

function likelyCause(
  rule: Rule,
  runs: readonly WorkflowRunRecord[],
  broken: WorkflowRunRecord | undefined,
) {
  if (rule.workflow !== undefined) {
    if (broken) {
      return `workflow run ${runName(broken)} concluded ${describeConclusion(broken.conclusion ?? "unknown")}`;
    }
    if (runs.length === 0) {
      return `no run of ${rule.workflow} on this commit (a branch or paths filter, [skip ci], a disabled workflow, or a YAML error)`;
    }
    return `${rule.workflow} ran without a job named ${rule.check ?? rule.job} (the job was renamed, or skipped by its if: condition)`;
  }
  // Unpinned, any workflow could have held the check: name only runs that never started.
  const unstarted = runs.filter((candidate) => candidate.conclusion === "startup_failure");
  const also =
    unstarted.length > 0
      ? `; ${unstarted.map(runName).join(", ")} could not start (often a YAML error)`
      : "";
  return `no check run or status of that name (a workflow skipped by a branch or paths filter, [skip ci], a disabled workflow, a YAML error, or a renamed job${also})`;
}

export function describeConclusion(conclusion: string): string {
  const hint = NOT_SUCCESS_HINT[conclusion];
  return hint ? `${conclusion} (${hint})` : conclusion;
}

export type Result = "success" | "failure" | "pending" | "awaiting-approval";

/** The gate's verdict over blocking rules: any red is red, anything outstanding is not green. */
export function verdictOf(evaluations: readonly RuleEvaluation[]): Result {
  const blocking = evaluations.filter((evaluation) => !evaluation.rule.advisory);
  if (blocking.some((e) => e.state === "failed" || e.state === "timed-out")) return "failure";
  const outstanding = blocking.filter(
    (e) => e.state === "pending" || e.state === "missing" || e.state === "awaiting-approval",
  );
  if (outstanding.length === 0) return "success";
  return outstanding.every((e) => e.state === "awaiting-approval")
    ? "awaiting-approval"
    : "pending";
}
