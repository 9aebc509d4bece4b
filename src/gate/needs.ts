import { ConfigurationError } from "../core/errors.ts";
import type { MatchedCheck, RuleEvaluation } from "./evaluate.ts";
import type { RuleDecision } from "./plan.ts";
import type { Rule } from "./rules.ts";

/** How a workflow passes the gate its needs (an expression, written here as text). */
export const NEEDS_EXPRESSION = ["$", "{{ toJSON(needs) }}"].join("");

/** `toJSON(needs)`: each job id with its result and outputs. */
export type NeedsContext = Record<string, { result?: string; outputs?: Record<string, string> }>;

/** One line of the needs verdict that no rule covers: a need without a rule of its own. */
export interface UnruledNeed {
  job: string;
  result: string;
  green: boolean;
  detail: string;
}

export function parseNeeds(text: string): NeedsContext {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigurationError(
      `input 'needs' is not JSON; pass it as \`needs: ${NEEDS_EXPRESSION}\``,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigurationError(`input 'needs' must be the object \`${NEEDS_EXPRESSION}\` gives`);
  }
  for (const [job, need] of Object.entries(value)) {
    if (
      typeof need !== "object" ||
      need === null ||
      typeof (need as { result?: unknown }).result !== "string"
    ) {
      throw new ConfigurationError(
        `input 'needs': job '${job}' has no result; pass \`${NEEDS_EXPRESSION}\``,
      );
    }
  }
  return value as NeedsContext;
}

/** Rules that name a job of this workflow (or of any workflow, when they pin none). */
export function rulesForWorkflow(rules: readonly Rule[], workflowPath: string | undefined): Rule[] {
  return rules.filter(
    (rule) =>
      rule.job !== undefined && (rule.workflow === undefined || rule.workflow === workflowPath),
  );
}

/**
 * Judges the gate's `needs` in one workflow. A failed or cancelled need is red, whatever the
 * rules say (that includes the job that computes changed paths). A skipped need is green only
 * when its rule does not apply to this change, or allows `skipped`. A job a rule requires that
 * is missing from `needs` is a configuration error: the gate could not see it.
 */
export function evaluateNeeds(
  decisions: readonly RuleDecision[],
  needs: NeedsContext,
  rulesPath: string,
): { evaluations: RuleEvaluation[]; unruled: UnruledNeed[] } {
  const ruled = new Set<string>();
  const evaluations = decisions.map((decision) => {
    const job = decision.rule.job as string;
    ruled.add(job);
    const need = needs[job];
    if (!need) {
      throw new ConfigurationError(
        `${rulesPath}:${decision.rule.position.line}: rule '${decision.rule.id}' requires job '${job}', which is not in this job's needs; add it to needs: or pin the rule to its workflow`,
        decision.rule.position,
      );
    }
    return judgeNeed(decision, job, need.result ?? "unknown");
  });
  const unruled = Object.entries(needs)
    .filter(([job]) => !ruled.has(job))
    .map(([job, need]) => judgeUnruled(job, need.result ?? "unknown"));
  return { evaluations, unruled };
}

function judgeNeed(decision: RuleDecision, job: string, result: string): RuleEvaluation {
  const { rule } = decision;
  const check: MatchedCheck = {
    kind: "check run",
    name: job,
    conclusion: result,
    outcome: "failure",
    url: undefined,
    workflow: undefined,
    event: undefined,
    app: undefined,
    queuedMs: undefined,
    runMs: undefined,
  };
  const evaluation = (
    state: RuleEvaluation["state"],
    outcome: MatchedCheck["outcome"],
    detail: string,
  ) => ({
    rule,
    decision,
    state,
    checks: [{ ...check, outcome }],
    detail,
  });
  if (result === "success")
    return evaluation(
      decision.applies ? "satisfied" : "not-required",
      "success",
      `${job}: success`,
    );
  if (result === "skipped") {
    if (!decision.applies)
      return evaluation("not-required", "allowed", `${job}: skipped, and the rule does not apply`);
    if (decision.allow.includes("skipped"))
      return evaluation("satisfied", "allowed", `${job}: skipped (allowed by the rule)`);
    return evaluation(
      "failed",
      "failure",
      `${job} was skipped but the rule applies (${decision.reason})`,
    );
  }
  return evaluation("failed", "failure", `${job}: ${result}`);
}

function judgeUnruled(job: string, result: string): UnruledNeed {
  if (result === "success") return { job, result, green: true, detail: "success" };
  if (result === "skipped") {
    return {
      job,
      result,
      green: false,
      detail: "skipped, and no rule says it may be; add a rule with paths or `allow: [skipped]`",
    };
  }
  return { job, result, green: false, detail: result };
}
