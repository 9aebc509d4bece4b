import type { Job, Workflow } from "../../core/workflow.ts";
import { type ExpressionScope, truth } from "./evaluate.ts";
import { callsStatusFunction, parseCondition } from "./expression.ts";
import { all, atom, type Formula, not, unknown } from "./formula.ts";
import { filterOutput } from "./paths-filter.ts";

/** The facts of one event a job's `if:` may read. */
export interface Scenario {
  event: string;
  /** `github.ref`: `refs/heads/main`. */
  ref: string;
  /** The base branch of a pull request or merge group. */
  baseBranch?: string;
}

/**
 * When each job of a workflow runs on one event, assuming that every job that runs passes: its
 * `if:` (with GitHub's implicit `success() &&` when it calls no status function), where
 * `needs.<job>.result == 'success'` is when that job runs, `'skipped'` when it does not, and a
 * paths-filter group's output is an atom of its own. What cannot be known stays an opaque atom.
 */
export class JobConditions {
  private readonly memo = new Map<string, Formula>();
  private readonly jobs: Map<string, Job>;

  readonly workflow: Workflow;
  readonly scenario: Scenario;

  constructor(workflow: Workflow, scenario: Scenario) {
    this.workflow = workflow;
    this.scenario = scenario;
    this.jobs = new Map(workflow.jobs.map((job) => [job.id.toLowerCase(), job]));
  }

  runsWhen(job: Job, visiting: Set<string> = new Set()): Formula {
    const key = job.id.toLowerCase();
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (visiting.has(key)) return unknown(`a cycle of needs at job '${job.id}'`);
    visiting.add(key);
    const formula = this.compute(job, visiting);
    visiting.delete(key);
    this.memo.set(key, formula);
    return formula;
  }

  private compute(job: Job, visiting: Set<string>): Formula {
    const needs = job.needs.map((need) => need.id.toLowerCase());
    const needed = (id: string) => (needs.includes(id) ? this.jobs.get(id) : undefined);
    const scope: ExpressionScope = {
      event: this.scenario.event,
      ref: this.scenario.ref,
      baseBranch: this.scenario.baseBranch,
      result: (id, result) => {
        const need = needed(id);
        if (!need) return unknown(`needs.${id}.result == '${result}'`);
        const runs = this.runsWhen(need, visiting);
        if (result === "success") return runs;
        if (result === "skipped") return not(runs);
        return false;
      },
      output: (id, output, value) => {
        const need = needed(id);
        if (!need) return unknown(`needs.${id}.outputs.${output} == '${value}'`);
        return all(this.runsWhen(need, visiting), this.outputEquals(need, output, value));
      },
      success: () =>
        all(
          ...needs.map((id) => {
            const need = needed(id);
            return need ? this.runsWhen(need, visiting) : unknown(`job '${id}' succeeded`);
          }),
        ),
    };
    if (job.condition === undefined) return scope.success?.() ?? true;
    const expression = parseCondition(job.condition);
    if (!expression) return unknown(`if: ${job.condition.trim()}`);
    const condition = truth(expression, scope);
    return callsStatusFunction(expression) ? condition : all(scope.success?.() ?? true, condition);
  }

  /** `needs.<job>.outputs.<output> == value`, for an output a paths-filter step sets. */
  private outputEquals(job: Job, output: string, value: string): Formula {
    const source = filterOutput(job, output);
    const text = `needs.${job.id}.outputs.${output} == '${value}'`;
    if (!source || (value !== "true" && value !== "false")) return unknown(text);
    const matched = atom({
      kind: "filter",
      key: `filter:${job.id}/${source.step.id}/${source.group.toLowerCase()}`,
      job: job.id,
      step: source.step.id as string,
      group: source.group,
    });
    // The step itself may be skipped (its own if:), and then its outputs are empty.
    const stepRuns =
      source.step.condition === undefined
        ? true
        : truth(parseCondition(source.step.condition), {
            event: this.scenario.event,
            ref: this.scenario.ref,
            baseBranch: this.scenario.baseBranch,
          });
    return value === "true" ? all(stepRuns, matched) : all(stepRuns, not(matched));
  }
}

/** The scenario of a gate event: the event and its `github.ref` on the given branch. */
export function scenarioOf(event: string, branch: string): Scenario {
  if (event === "pull_request") return { event, ref: "refs/pull/1/merge", baseBranch: branch };
  // pull_request_target runs on the base branch: GITHUB_REF is the base, not the merge ref.
  if (event === "pull_request_target") {
    return { event, ref: `refs/heads/${branch}`, baseBranch: branch };
  }
  if (event === "merge_group") {
    return { event, ref: `refs/heads/gh-readonly-queue/${branch}/pr-1`, baseBranch: branch };
  }
  return { event, ref: `refs/heads/${branch}` };
}
