import { ApiError, type GitHubApi } from "./api.ts";
import { short, type Target } from "./event.ts";
import { type EvaluationContext, evaluateRules, type RuleEvaluation, verdictOf } from "./evaluate.ts";
import type { RuleDecision } from "./plan.ts";
import { progressLine, type GateVerdict } from "./report.ts";
import { readSnapshot } from "./snapshot.ts";

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
  timeoutMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  failFast: boolean;
  clock: Clock;
  progress: (line: string) => void;
}

/**
 * Polls the commit's checks until the verdict is settled: every blocking rule satisfied, one
 * failed (with fail-fast), everything outstanding awaiting approval, the head moved, or the
 * deadline passed. Unchanged polls back off (x1.5 with jitter); a change resets the interval.
 */
export async function waitForChecks(options: WaitOptions): Promise<GateVerdict> {
  const { clock } = options;
  const startedAt = clock.now();
  const deadline = startedAt + options.timeoutMs;
  let interval = options.pollIntervalMs;
  for (let poll = 1; ; poll++) {
    let read: Awaited<ReturnType<typeof readSnapshot>>;
    try {
      read = await readSnapshot(options.api, options.repository, options.target.sha);
    } catch (thrown) {
      return apiFailure(thrown, options.decisions);
    }
    const now = clock.now();
    const evaluations = evaluateRules(options.decisions, read.snapshot, {
      selfCheckRunId: options.selfCheckRunId,
      ignore: options.ignore,
      startedAt,
      now,
      deadlinePassed: now >= deadline,
    });
    options.progress(progressLine(evaluations, now - startedAt));
    const settled = settledVerdict(evaluations, options.failFast, now >= deadline, options.timeoutMs);
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
    interval = read.changed && poll > 1 ? options.pollIntervalMs : Math.min(interval * 1.5, options.maxPollIntervalMs);
    const jittered = interval * (0.8 + 0.4 * clock.random());
    await clock.sleep(Math.max(0, Math.min(jittered, deadline - clock.now())));
  }
}

function settledVerdict(
  evaluations: RuleEvaluation[],
  failFast: boolean,
  deadlinePassed: boolean,
  timeoutMs: number,
): GateVerdict | undefined {
  const result = verdictOf(evaluations);
  const blocking = evaluations.filter((e) => !e.rule.advisory);
  const names = (state: RuleEvaluation["state"]) =>
    blocking.filter((e) => e.state === state).map((e) => `${e.rule.id} (${e.detail})`);
  if (result === "success") {
    const count = blocking.filter((e) => e.state === "satisfied").length;
    return { result, reason: count === 0 ? "No blocking rule applies to this change." : `All ${count} required checks passed.`, evaluations, unruled: [] };
  }
  if (result === "awaiting-approval") {
    return {
      result,
      reason: `Waiting for a maintainer to approve the workflow runs of ${names("awaiting-approval").join(", ")}; the gate is not green, and re-runs after approval.`,
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
      timedOut.length > 0 ? `Still missing at the ${deadlinePassed ? `${Math.round(timeoutMs / 1000)}s timeout` : "rule's timeout"}: ${timedOut.join("; ")}.` : "",
    ];
    return { result, reason: parts.filter(Boolean).join(" "), evaluations, unruled: [] };
  }
  return undefined;
}

/** The PR head as GitHub has it now (a free 304 when unchanged), when it is not the one bound. */
async function headMoved(options: WaitOptions): Promise<string | undefined> {
  const pull = options.target.pullRequest;
  if (!pull) return undefined;
  const { data } = await options.api.get<{ head?: { sha?: string } }>(
    `/repos/${options.repository}/pulls/${pull.number}`,
  );
  const head = data.head?.sha;
  return head && head !== options.target.sha ? head : undefined;
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
