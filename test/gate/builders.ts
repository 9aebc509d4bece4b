import { evaluateRules, type RuleEvaluation } from "../../src/gate/evaluate.ts";
import { type ChangedFile, planRules, type RuleDecision } from "../../src/gate/plan.ts";
import { GITHUB_ACTIONS_APP_ID, parseRules, type RulesFile } from "../../src/gate/rules.ts";
import type {
  CheckRunRecord,
  Snapshot,
  StatusRecord,
  WorkflowRunRecord,
} from "../../src/gate/snapshot.ts";

export const T0 = Date.parse("2026-03-02T10:00:00Z");
export const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

export function rules(yaml: string): RulesFile {
  return parseRules(".github/status-gate.yml", yaml);
}

export function plan(file: RulesFile, paths: (string | ChangedFile)[]): RuleDecision[] {
  const files = paths.map((p) => (typeof p === "string" ? { path: p } : p));
  return planRules(file, { files, complete: true, source: "test" });
}

let nextId = 100;

export function workflowRun(overrides: Partial<WorkflowRunRecord> = {}): WorkflowRunRecord {
  const id = overrides.id ?? nextId++;
  return {
    id,
    suiteId: id + 10_000,
    path: ".github/workflows/ci.yml",
    name: "CI",
    event: "pull_request",
    status: "completed",
    conclusion: "success",
    runNumber: 1,
    attempt: 1,
    createdAt: at(0),
    runStartedAt: at(0),
    pullRequests: [],
    headBranch: "feature",
    headRepository: "o/r",
    url: `https://github.com/o/r/actions/runs/${id}`,
    ...overrides,
  };
}

export function checkRun(
  name: string,
  run: WorkflowRunRecord | undefined,
  overrides: Partial<CheckRunRecord> = {},
): CheckRunRecord {
  return {
    id: nextId++,
    name,
    status: "completed",
    conclusion: "success",
    startedAt: at(10),
    completedAt: at(70),
    url: `https://github.com/o/r/runs/${nextId}`,
    appId: GITHUB_ACTIONS_APP_ID,
    appSlug: "github-actions",
    suiteId: run?.suiteId,
    ...overrides,
  };
}

export function status(
  context: string,
  state: string,
  overrides: Partial<StatusRecord> = {},
): StatusRecord {
  return {
    context,
    state,
    url: undefined,
    createdAt: at(5),
    updatedAt: at(60),
    description: undefined,
    ...overrides,
  };
}

export function snapshot(parts: Partial<Snapshot>): Snapshot {
  return { checkRuns: [], workflowRuns: [], statuses: [], ...parts };
}

export function evaluate(
  decisions: RuleDecision[],
  snap: Snapshot,
  options: {
    now?: number;
    deadlinePassed?: boolean;
    selfCheckRunId?: number;
    selfRunId?: number;
    ignore?: string[];
  } = {},
): RuleEvaluation[] {
  return evaluateRules(decisions, snap, {
    selfCheckRunId: options.selfCheckRunId,
    selfRunId: options.selfRunId,
    ignore: (options.ignore ?? []).map((name) => (candidate: string) => candidate === name),
    startedAt: T0,
    now: options.now ?? T0 + 120_000,
    deadlinePassed: options.deadlinePassed ?? false,
  });
}

export function stateOf(evaluations: RuleEvaluation[], id: string) {
  const found = evaluations.find((evaluation) => evaluation.rule.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}
