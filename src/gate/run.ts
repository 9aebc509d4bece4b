import { escapeMarkdown, type Summary } from "../core/summary.ts";
import { ApiError, type GitHubApi } from "./api.ts";
import { type ChangeSources, findChanges, readRulesText } from "./changes.ts";
import { verdictOf } from "./evaluate.ts";
import { resolveTarget, type Target } from "./event.ts";
import type { LocalGit } from "./git.ts";
import { compileName } from "./globs.ts";
import type { GateInputs } from "./inputs.ts";
import { evaluateNeeds, parseNeeds, rulesForWorkflow } from "./needs.ts";
import { type ChangeSet, planRules, type RuleDecision } from "./plan.ts";
import { type GateVerdict, summaryOf, verdictOutputs } from "./report.ts";
import { parseRules, type RulesFile } from "./rules.ts";
import { apiFailure, type Clock, waitForChecks } from "./wait.ts";

/** The edges the gate talks to; tests and the CLI pass their own. */
export interface GateDeps {
  api: GitHubApi;
  git: LocalGit | undefined;
  clock: Clock;
  info(text: string): void;
  notice(text: string): void;
  setOutput(name: string, value: string): void;
  writeSummary(summary: Summary): void;
}

export async function run(inputs: GateInputs, deps: GateDeps): Promise<GateVerdict> {
  const target = resolveTarget(inputs.eventName, inputs.eventPayload, {
    sha: inputs.sha,
    base: inputs.base,
    githubSha: inputs.githubSha,
  });
  deps.info(`Evaluating ${target.description}`);
  const posting = inputs.mode === "checks" && inputs.verdictCheck !== undefined;
  let judged: { verdict: GateVerdict; summary: Summary };
  try {
    judged = await judge(inputs, target, deps);
  } catch (thrown) {
    // A gate that stops on an error must not leave an earlier green verdict standing on this
    // commit (a re-run after the base's rules changed): the newest verdict check says red.
    if (posting) {
      const verdict = stoppedVerdict(thrown);
      await postVerdict(inputs, target, verdict, summaryOf(verdict, { title: TITLE }), deps).catch(
        () => undefined,
      );
    }
    throw thrown;
  }
  if (posting) await postVerdict(inputs, target, judged.verdict, judged.summary, deps);
  return judged.verdict;
}

const TITLE = "Status gate (checks)";

function stoppedVerdict(thrown: unknown): GateVerdict {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return {
    result: "failure",
    reason: `The gate stopped: ${message}`,
    evaluations: [],
    unruled: [],
  };
}

async function judge(
  inputs: GateInputs,
  target: Target,
  deps: GateDeps,
): Promise<{ verdict: GateVerdict; summary: Summary }> {
  const title = `Status gate (${inputs.mode})`;
  let planned: Awaited<ReturnType<typeof planChange>>;
  try {
    planned = await planChange(inputs, target, {
      git: deps.git,
      api: deps.api,
      repository: inputs.repository,
      notice: deps.notice,
    });
  } catch (thrown) {
    if (!(thrown instanceof ApiError)) throw thrown;
    // Without the change or the rules nothing can be judged: red, with the reason.
    const verdict = apiFailure(thrown, []);
    return { verdict, summary: publish(verdict, deps, { title }) };
  }
  const { rulesFile, changes, decisions } = planned;
  deps.info(
    `Changes: ${changes.source}, ${changes.files.length} files${changes.complete ? "" : " (incomplete)"}`,
  );
  const verdict =
    inputs.mode === "plan"
      ? planVerdict(decisions, deps)
      : inputs.mode === "needs"
        ? needsVerdict(inputs, rulesFile, decisions)
        : await checksVerdict(inputs, target, rulesFile, decisions, deps);
  const { sent, notModified } = deps.api.counts;
  const summary = publish(verdict, deps, {
    title,
    changeSource: changes.source,
    requests:
      inputs.mode === "checks"
        ? `GitHub API: ${sent} requests, ${notModified} of them free 304s.`
        : undefined,
  });
  return { verdict, summary };
}

/** Writes the outputs and the job summary of a verdict. */
function publish(
  verdict: GateVerdict,
  deps: GateDeps,
  context: Parameters<typeof summaryOf>[1],
): Summary {
  for (const [name, value] of Object.entries(verdictOutputs(verdict))) deps.setOutput(name, value);
  const summary = summaryOf(verdict, context);
  deps.writeSummary(summary);
  return summary;
}

async function planChange(inputs: GateInputs, target: Target, sources: ChangeSources) {
  const found = await findChanges(target, sources);
  const { text, newInChange } = await readRulesText(
    inputs.rulesPath,
    target,
    target.rulesFromRef ? undefined : found.baseSha,
    sources,
  );
  const rulesFile = parseRules(inputs.rulesPath, text);
  const changes: ChangeSet = newInChange
    ? {
        ...found.changes,
        everythingBecause: `the rules file ${inputs.rulesPath} is new in this change, so every rule applies`,
      }
    : found.changes;
  return { rulesFile, changes, decisions: planRules(rulesFile, changes) };
}

function planVerdict(decisions: RuleDecision[], deps: GateDeps): GateVerdict {
  const applies = Object.fromEntries(decisions.map((d) => [d.rule.id, d.applies]));
  deps.setOutput("applies", JSON.stringify(applies));
  for (const decision of decisions) {
    deps.setOutput(decision.rule.id, String(decision.applies));
    deps.info(
      `${decision.applies ? "required" : "not required"}: ${decision.rule.id} (${decision.reason})`,
    );
  }
  const required = decisions.filter((d) => d.applies).length;
  return {
    result: "success",
    reason: `${required} of ${decisions.length} rules apply to this change.`,
    evaluations: decisions.map((decision) => ({
      rule: decision.rule,
      decision,
      state: decision.applies ? "pending" : "not-required",
      checks: [],
      detail: "",
    })),
    unruled: [],
  };
}

function needsVerdict(
  inputs: GateInputs,
  rulesFile: RulesFile,
  decisions: RuleDecision[],
): GateVerdict {
  const needs = parseNeeds(inputs.needs ?? "");
  const ruled = new Set(rulesForWorkflow(rulesFile.rules, inputs.workflowPath));
  const { evaluations, unruled } = evaluateNeeds(
    decisions.filter((d) => ruled.has(d.rule)),
    needs,
    rulesFile.path,
  );
  const ruledResult = verdictOf(evaluations);
  const red = [
    ...evaluations.filter((e) => e.state === "failed" && !e.rule.advisory).map((e) => e.detail),
    ...unruled.filter((need) => !need.green).map((need) => `${need.job}: ${need.detail}`),
  ];
  const result = red.length === 0 && ruledResult === "success" ? "success" : "failure";
  return {
    result,
    reason:
      result === "success"
        ? `All ${Object.keys(needs).length} needed jobs passed or were rightly skipped.`
        : `Red: ${red.join("; ")}.`,
    evaluations,
    unruled,
  };
}

async function checksVerdict(
  inputs: GateInputs,
  target: Target,
  rulesFile: RulesFile,
  decisions: RuleDecision[],
  deps: GateDeps,
): Promise<GateVerdict> {
  const ignore = [...rulesFile.ignore];
  if (inputs.verdictCheck) ignore.push(compileName(inputs.verdictCheck));
  return waitForChecks({
    api: deps.api,
    repository: inputs.repository,
    target,
    decisions: decisions.filter((d) => d.rule.check !== undefined || d.rule.job !== undefined),
    ignore,
    selfCheckRunId: inputs.checkRunId,
    self: inputs.self,
    timeoutMs: inputs.timeoutMs,
    approvalTimeoutMs: inputs.approvalTimeoutMs,
    pollIntervalMs: inputs.pollIntervalMs,
    maxPollIntervalMs: inputs.maxPollIntervalMs,
    failFast: inputs.failFast,
    clock: deps.clock,
    progress: deps.info,
  });
}

const CHECK_CONCLUSION: Record<GateVerdict["result"], string> = {
  success: "success",
  failure: "failure",
  pending: "failure",
  stale: "failure",
  "awaiting-approval": "action_required",
};

/**
 * Posts the verdict as the gate's own check run, so a required check exists only when the gate
 * really ran (a skipped gate job cannot pass as success). A read-only token degrades to a notice.
 */
async function postVerdict(
  inputs: GateInputs,
  target: Target,
  verdict: GateVerdict,
  summary: Summary,
  deps: GateDeps,
): Promise<void> {
  try {
    await deps.api.send("POST", `/repos/${inputs.repository}/check-runs`, {
      name: inputs.verdictCheck,
      head_sha: target.sha,
      status: "completed",
      conclusion: CHECK_CONCLUSION[verdict.result],
      output: {
        title: `Status gate: ${verdict.result}`,
        // The reason quotes check names, which a pull request's workflow chooses.
        summary: escapeMarkdown(verdict.reason).slice(0, 60_000),
        text: summary.toString(60_000),
      },
    });
    deps.info(`Posted the verdict as check run '${inputs.verdictCheck}'.`);
  } catch (thrown) {
    if (thrown instanceof ApiError && (thrown.status === 403 || thrown.status === 404)) {
      deps.notice(
        `The verdict was not posted as check run '${inputs.verdictCheck}': the token cannot create check runs (it needs checks: write; fork and Dependabot pull requests get a read-only token). The job's own result still carries the verdict.`,
      );
      return;
    }
    throw thrown;
  }
}
