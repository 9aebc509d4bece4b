import { ConfigurationError } from "../core/errors.ts";
import { type ActionOutcome, Outcome } from "../core/outcome.ts";
import type { Summary } from "../core/summary.ts";
import { ApiError, type GitHubApi } from "./api.ts";
import { branchRevision, type ChangeSources, findChanges, readRulesAt } from "./changes.ts";
import type { ExpectedRun } from "./doctor/expected-runs.ts";
import { verdictOf } from "./evaluate.ts";
import { resolveTarget, short, type Target } from "./event.ts";
import type { LocalGit } from "./git.ts";
import type { GateInputs } from "./inputs.ts";
import { compileName } from "./names.ts";
import { evaluateNeeds, parseNeeds, rulesForWorkflow } from "./needs.ts";
import { type ChangeSet, planRules, type RuleDecision } from "./plan.ts";
import { type GateVerdict, summaryOf, verdictOutputs } from "./report.ts";
import { everyCheckRule, filesOutputName, parseRules, type RulesFile } from "./rules.ts";
import { VerdictCheck } from "./verdict-check.ts";
import { apiFailure, type Clock, waitForChecks } from "./wait.ts";

/** The edges the gate talks to; tests and the CLI pass their own. */
export interface GateDeps {
  api: GitHubApi;
  git: LocalGit | undefined;
  clock: Clock;
  /** Progress while the gate works (a poll line a minute for up to an hour); not the outcome. */
  log(text: string): void;
  /** The workspace, whose checkout of the commit's workflows the start-up check reads. */
  workspace?: string;
}

/**
 * Decides, for one event, which rules apply and (in checks and needs modes) whether their checks
 * passed. Returns the outcome (outputs, job summary, notices, failure) for `runAction` to publish;
 * the only thing it writes itself is the verdict check run, which must exist while it works.
 */
export async function run(inputs: GateInputs, deps: GateDeps): Promise<ActionOutcome> {
  const target = resolveTarget(inputs.eventName, inputs.eventPayload, {
    sha: inputs.sha,
    base: inputs.base,
    githubSha: inputs.githubSha,
  });
  deps.log(`Evaluating ${target.description}`);
  const outcome = new Outcome();
  const notice = (message: string) => outcome.notice(message, "status gate");
  // Plan mode judges no checks, so it has no verdict to post.
  if (inputs.mode === "plan" && inputs.verdictCheck !== undefined) {
    notice(
      "input 'verdict-check' is ignored in plan mode, which judges no checks and so posts no verdict; set it on the checks- or needs-mode gate",
    );
  }
  const verdictCheck =
    inputs.mode !== "plan" && inputs.verdictCheck !== undefined
      ? new VerdictCheck({
          api: deps.api,
          repository: inputs.repository,
          name: inputs.verdictCheck,
          headSha: target.sha,
          notice,
        })
      : undefined;
  void verdictCheck?.start();
  let judged: Judged;
  try {
    judged = await judge(inputs, target, deps, notice);
  } catch (thrown) {
    // A gate that stops on an error must not leave an earlier green verdict standing on this
    // commit (a re-run after the base's rules changed): the newest verdict check says red.
    const verdict = stoppedVerdict(thrown);
    await verdictCheck
      ?.finish(verdict, summaryOf(verdict, { title: `Status gate (${inputs.mode})` }))
      .catch(() => undefined);
    throw thrown;
  }
  if (verdictCheck) {
    await verdictCheck.finish(judged.verdict, judged.summary);
    deps.log(`Posted the verdict as check run '${inputs.verdictCheck}'.`);
  }
  for (const [name, value] of Object.entries(judged.outputs)) outcome.output(name, value);
  outcome.summary = judged.summary;
  if (judged.verdict.result === "success") deps.log(`gate: ${judged.verdict.reason}`);
  else outcome.fail(`${judged.verdict.result}: ${judged.verdict.reason}`);
  return outcome;
}

/** Per rule id, the workflow runs it waits to see created (from the start-up check). */
type ExpectedRuns = ReadonlyMap<string, readonly ExpectedRun[]>;

interface Judged {
  verdict: GateVerdict;
  summary: Summary;
  outputs: Record<string, string>;
}

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
  notice: (message: string) => void,
): Promise<Judged> {
  const title = `Status gate (${inputs.mode})`;
  let planned: Planned;
  try {
    planned = await planChange(inputs, target, {
      git: deps.git,
      api: deps.api,
      repository: inputs.repository,
      notice,
    });
  } catch (thrown) {
    if (!(thrown instanceof ApiError)) throw thrown;
    // Without the change or the rules nothing can be judged: red, with the reason.
    const verdict = apiFailure(thrown, []);
    return { verdict, summary: summaryOf(verdict, { title }), outputs: verdictOutputs(verdict) };
  }
  const { rulesFile, changes, decisions, notes } = planned;
  deps.log(
    `Changes: ${changes.source}, ${changes.files.length} files${changes.complete ? "" : " (incomplete)"}`,
  );
  // A rule no workflow of this commit can satisfy fails now, at its line, not at the timeout.
  let expectedRuns: ExpectedRuns | undefined;
  if (inputs.mode === "checks" && deps.workspace !== undefined) {
    expectedRuns = await (await import("./doctor/startup.ts")).checkRulesAtStart({
      rulesFile,
      decisions,
      changes,
      event: target.event,
      payload: inputs.eventPayload,
      exactBase:
        target.base !== undefined && "sha" in target.base && inputs.eventPayload.forced !== true,
      workspace: deps.workspace,
      // The pull request's runs use its merge commit's workflows (`GITHUB_SHA` on pull_request)
      // or its head's; on pull_request_target `GITHUB_SHA` is the base branch, whose workflows
      // the pull request may have changed.
      commits:
        target.event === "pull_request_target" ? [target.sha] : [target.sha, inputs.githubSha],
      log: deps.log,
    });
  }
  const verdict =
    inputs.mode === "plan"
      ? planVerdict(decisions, deps)
      : inputs.mode === "needs"
        ? needsVerdict(inputs, rulesFile, decisions)
        : await checksVerdict(inputs, target, rulesFile, decisions, deps, expectedRuns);
  const { sent, notModified } = deps.api.counts;
  const summary = summaryOf(verdict, {
    title,
    notes,
    changeSource: changes.source,
    requests:
      inputs.mode === "checks"
        ? `GitHub API: ${sent} requests, ${notModified} of them free 304s.`
        : undefined,
  });
  const outputs = verdictOutputs(verdict);
  if (inputs.mode === "plan") Object.assign(outputs, planOutputs(decisions));
  return { verdict, summary, outputs };
}

interface Planned {
  rulesFile: RulesFile;
  changes: ChangeSet;
  decisions: RuleDecision[];
  notes: string[];
}

/**
 * The change and the rules it is judged by. The rules are the base's: a change cannot loosen its
 * own gate. When the base has no rules file (the change may add it), checks mode requires every
 * check on the head and needs mode every need, and plan mode runs every rule of the head's file.
 */
async function planChange(
  inputs: GateInputs,
  target: Target,
  sources: ChangeSources,
): Promise<Planned> {
  const found = await findChanges(target, sources);
  const path = inputs.rulesPath;
  const baseRev =
    !target.rulesFromRef && found.baseSha
      ? found.baseSha
      : await branchRevision(target.rulesRef, sources);
  const baseText = await readRulesAt(path, baseRev, sources);
  // A gate run from pull_request_target judges the same pull request as one from pull_request:
  // rules say `events: [pull_request]` for both.
  const event = target.event === "pull_request_target" ? "pull_request" : target.event;
  const context = { event, labels: target.labels };
  if (baseText !== undefined) {
    const rulesFile = parseRules(path, baseText);
    return {
      rulesFile,
      changes: found.changes,
      decisions: planRules(rulesFile, found.changes, context),
      notes: [],
    };
  }
  const where = target.rulesFromRef || !found.baseSha ? target.rulesRef : short(found.baseSha);
  const absent = `The base (${where}) has no rules file ${path}`;
  if (inputs.mode === "plan") {
    const headText = await readRulesAt(path, target.sha, sources);
    if (headText === undefined) {
      throw new ConfigurationError(
        `no rules file at ${path} on ${where} or ${short(target.sha)}; create it (see docs/status-gate.md) or set input 'rules'`,
      );
    }
    const rulesFile = parseRules(path, headText);
    const changes = { ...found.changes, everythingBecause: `${absent}, so every rule applies` };
    return {
      rulesFile,
      changes,
      decisions: planRules(rulesFile, changes, context),
      notes: [`${absent}: every rule of the head's file applies.`],
    };
  }
  const required = inputs.mode === "checks" ? "every check on the head" : "every need";
  const rulesFile: RulesFile = {
    path,
    rules: inputs.mode === "checks" ? [everyCheckRule(path)] : [],
    ignore: [],
    ignorePatterns: [],
  };
  const changes = { ...found.changes, everythingBecause: `${absent}, so ${required} must pass` };
  return {
    rulesFile,
    changes,
    decisions: planRules(rulesFile, changes, context),
    notes: [
      `${absent} (this change may add it), so ${required} must pass; the rules in the change do not count.`,
    ],
  };
}

/** Plan mode's outputs: whether each rule applies, and the changed files that made it. */
function planOutputs(decisions: readonly RuleDecision[]): Record<string, string> {
  const outputs: Record<string, string> = {
    applies: JSON.stringify(Object.fromEntries(decisions.map((d) => [d.rule.id, d.applies]))),
    "matched-files": JSON.stringify(
      Object.fromEntries(
        decisions.map((d) => [d.rule.id, { count: d.fileCount, files: d.applies ? d.files : [] }]),
      ),
    ),
  };
  for (const decision of decisions) {
    outputs[decision.rule.id] = String(decision.applies);
    outputs[filesOutputName(decision.rule.id)] = JSON.stringify(
      decision.applies ? decision.files : [],
    );
  }
  return outputs;
}

function planVerdict(decisions: RuleDecision[], deps: GateDeps): GateVerdict {
  for (const decision of decisions) {
    deps.log(
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
  expectedRuns: ExpectedRuns | undefined,
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
    progress: deps.log,
    expectedRuns: expectedRuns ?? new Map(),
  });
}
