import { readFileSync } from "node:fs";
import { join } from "node:path";
import { minimatch } from "minimatch";
import { parse } from "yaml";
import type { RepositoryState } from "../harness/github-sim/index.ts";
import { condition, type ExpressionScope, interpolate } from "../release/expressions.ts";
import { type JobResult, runWorkflow } from "../release/workflow-runner.ts";

// wasmCloud's CI on one commit as GitHub would run the migrated workflows: which workflows the
// event triggers, the real `plan` job of each (the status gate in plan mode, built bundle), the
// real matrix computation of component-matrix.yml, then every other job's `if:` evaluated with
// GitHub's expression library against those outputs, and each job's check runs named as GitHub
// names them (matrix legs, `caller / callee` for reusable workflows, names cut at 100 characters).
// The jobs' own steps (cargo, docker, kind) are the edge: a job that runs is given a conclusion.

export interface CiContext {
  /** The checkout holding the migrated .github (read for the workflows). */
  repository: string;
  /** The bare origin that `actions/checkout` clones in the plan jobs. */
  origin: string;
  apiUrl: string;
  token: string;
  event: { name: string; payload: Record<string, unknown> };
  sha: string;
  ref: string;
  /** The change's files, for workflows' own `paths:` filters. */
  changedFiles: readonly string[];
}

export interface CiJob {
  /** The check run's name as GitHub shows it. */
  name: string;
  /** The job id (of the calling job, for a reusable workflow's jobs). */
  job: string;
  runs: boolean;
}

export interface CiRun {
  workflow: string;
  jobs: CiJob[];
}

interface Job {
  name?: string;
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  outputs?: Record<string, string>;
  strategy?: { matrix?: unknown };
  steps?: { uses?: string; with?: Record<string, unknown> }[];
}

interface Workflow {
  on: Record<string, { branches?: string[]; paths?: string[] } | null>;
  jobs: Record<string, Job>;
}

const needsOf = (job: Job) =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

const readWorkflow = (context: CiContext, path: string): Workflow =>
  parse(readFileSync(join(context.repository, path), "utf8"));

/** Whether GitHub starts the workflow for this event on main (branches and paths filters). */
function triggered(workflow: Workflow, context: CiContext): boolean {
  if (!(context.event.name in workflow.on)) return false;
  const filter = workflow.on[context.event.name] ?? {};
  if (filter.branches && !filter.branches.includes("main")) return false;
  if (context.event.name === "merge_group" || !filter.paths) return true;
  const globs = filter.paths;
  return context.changedFiles.some((file) =>
    globs.some((glob) => minimatch(file, glob, { dot: true })),
  );
}

/** The status gate in plan mode, or component-matrix's computation: run for real. */
const runsForReal = (id: string, job: Job) =>
  job.steps?.some((step) => /^wasmcloud\/status-gate@/.test(step.uses ?? "")) === true ||
  (id === "plan" && job.steps?.every((step) => step.uses === undefined) === true);

/** The legs of a static or computed matrix, each as its values in GitHub's order. */
function matrixLegs(matrix: unknown): Record<string, unknown>[] {
  if (matrix === undefined) return [];
  const spec = matrix as Record<string, unknown>;
  const axes = Object.entries(spec).filter(([key]) => key !== "include" && key !== "exclude");
  const include = (spec.include ?? []) as Record<string, unknown>[];
  if (axes.length > 0 && include.length > 0) throw new Error("mixed matrices are not simulated");
  if (axes.length === 0) return include;
  return axes.reduce<Record<string, unknown>[]>(
    (legs, [key, values]) =>
      legs.flatMap((leg) => (values as unknown[]).map((value) => ({ ...leg, [key]: value }))),
    [{}],
  );
}

/** A check run's name as GitHub makes it: over 100 characters, its first 97 and `...`. */
export const githubCut = (name: string) => (name.length > 100 ? `${name.slice(0, 97)}...` : name);

function checkNames(id: string, job: Job, scope: ExpressionScope): string[] {
  const raw = job.strategy?.matrix;
  // A computed matrix (`${{ fromJSON(...) }}`) is read through toJSON, as data, not text.
  const computed =
    typeof raw === "string" ? /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(raw)?.[1] : undefined;
  const matrix =
    computed !== undefined
      ? JSON.parse(interpolate(`\${{ toJSON(${computed}) }}`, scope))
      : (raw as unknown | undefined);
  const legs = matrixLegs(matrix);
  const base = job.name ?? id;
  if (legs.length === 0) return [interpolate(base, scope)];
  return legs.map((leg) => {
    const legScope = { ...scope, contexts: { ...scope.contexts, matrix: leg } };
    if (/\$\{\{[^}]*matrix\./.test(base)) return githubCut(interpolate(base, legScope));
    return githubCut(
      `${interpolate(base, legScope)} (${Object.values(leg).map(String).join(", ")})`,
    );
  });
}

/** Evaluates one workflow's jobs; returns each job's check runs and its outputs. */
async function evaluateWorkflow(
  path: string,
  context: CiContext,
  inputs: Record<string, unknown> = {},
): Promise<{ jobs: CiJob[]; outputs: Record<string, { outputs: Record<string, string> }> }> {
  const workflow = readWorkflow(context, path);
  const results: Record<string, { result: string; outputs: Record<string, string> }> = {};
  const checks: CiJob[] = [];
  const pending = Object.keys(workflow.jobs);
  while (pending.length > 0) {
    const id = pending.find((candidate) =>
      needsOf(workflow.jobs[candidate] as Job).every((need) => results[need]),
    );
    if (!id) throw new Error(`${path}: jobs wait for each other`);
    pending.splice(pending.indexOf(id), 1);
    const job = workflow.jobs[id] as Job;
    const needs = Object.fromEntries(needsOf(job).map((need) => [need, results[need]]));
    const scope: ExpressionScope = {
      contexts: {
        github: {
          event_name: context.event.name,
          event: context.event.payload,
          ref: context.ref,
          sha: context.sha,
          repository: "wasmcloud/wasmcloud",
        },
        inputs,
        needs,
        matrix: {},
      },
      failed: Object.values(needs).some((need) => need?.result === "failure"),
      succeeded: Object.values(needs).every((need) => need?.result === "success"),
      workspace: context.repository,
    };
    if (!condition(job.if, scope)) {
      results[id] = { result: "skipped", outputs: {} };
      // A skipped job's check is named as written: no matrix, no called workflow's jobs.
      checks.push({
        name: job.name && !job.name.includes("${{") ? job.name : id,
        job: id,
        runs: false,
      });
      continue;
    }
    let outputs: Record<string, string> = {};
    if (job.uses?.startsWith("./")) {
      const withInputs = Object.fromEntries(
        Object.entries(job.with ?? {}).map(([key, value]) => [
          key,
          interpolate(String(value), scope),
        ]),
      );
      const called = await evaluateWorkflow(job.uses.slice(2), context, {
        ...withInputs,
        applies: withInputs.applies === "true",
      });
      const caller = job.name ?? id;
      checks.push(
        ...called.jobs.map((check) => ({ ...check, name: `${caller} / ${check.name}`, job: id })),
      );
      const callee = parse(readFileSync(join(context.repository, job.uses.slice(2)), "utf8")) as {
        on: { workflow_call?: { outputs?: Record<string, { value: string }> } };
      };
      const calledScope = { ...scope, contexts: { ...scope.contexts, jobs: called.outputs } };
      outputs = Object.fromEntries(
        Object.entries(callee.on.workflow_call?.outputs ?? {}).map(([key, { value }]) => [
          key,
          interpolate(value, calledScope),
        ]),
      );
    } else {
      if (runsForReal(id, job)) {
        const run = await runWorkflow({
          workflow: join(context.repository, path),
          jobs: [id],
          event: { ...context.event, inputs },
          ref: context.ref,
          sha: context.sha,
          repository: "wasmcloud/wasmcloud",
          origin: context.origin,
          apiUrl: context.apiUrl,
          token: context.token,
        });
        const ran = run[id];
        if (ran?.result !== "success") {
          throw new Error(`${path} ${id} failed:\n${ran?.steps.map((s) => s.log).join("\n")}`);
        }
        outputs = ran.outputs;
      }
      checks.push(...checkNames(id, job, scope).map((name) => ({ name, job: id, runs: true })));
    }
    results[id] = { result: "success", outputs: { ...outputs } };
  }
  return {
    jobs: checks,
    outputs: Object.fromEntries(
      Object.entries(results).map(([id, { outputs }]) => [id, { outputs }]),
    ),
  };
}

/** The runs the event starts: every workflow of the example that a status-gate rule pins. */
export async function ciRuns(context: CiContext, workflows: readonly string[]): Promise<CiRun[]> {
  const runs: CiRun[] = [];
  for (const workflow of workflows) {
    if (!triggered(readWorkflow(context, workflow), context)) continue;
    runs.push({ workflow, jobs: (await evaluateWorkflow(workflow, context)).jobs });
  }
  return runs;
}

/**
 * Puts the runs into the simulator as GitHub would show them: a workflow run per workflow, a job
 * (and its check run) per check, skipped jobs completed as skipped, running jobs in progress.
 */
export function seedRuns(
  github: RepositoryState,
  runs: readonly CiRun[],
  options: { sha: string; event: string; branch: string; pullRequests?: number[] },
): Map<string, number> {
  const ids = new Map<string, number>();
  for (const { workflow, jobs } of runs) {
    if (!github.findWorkflow(workflow)) {
      github.addWorkflow({
        name:
          workflow
            .split("/")
            .pop()
            ?.replace(/\.ya?ml$/, "") ?? workflow,
        path: workflow,
      });
    }
    const run = github.addWorkflowRun({
      workflow,
      headSha: options.sha,
      headBranch: options.branch,
      event: options.event,
      status: "in_progress",
      pullRequests: options.pullRequests ?? [],
    });
    ids.set(workflow, run.id);
    for (const job of jobs) {
      github.addJob({
        runId: run.id,
        name: job.name,
        ...(job.runs ? { status: "in_progress" } : { conclusion: "skipped" }),
      });
    }
  }
  return ids;
}

/** The workflows the rules pin, from the example's rules file. */
export function pinnedWorkflows(repository: string): string[] {
  const { rules } = parse(readFileSync(join(repository, ".github/status-gate.yml"), "utf8")) as {
    rules: { workflow?: string }[];
  };
  return [...new Set(rules.flatMap((rule) => (rule.workflow ? [rule.workflow] : [])))].sort();
}

/**
 * The example's status-gate.yml (checks mode, the one required check) on an event, through the
 * workflow runner. The edge: it polls every 100 ms and gives up after `timeout`, where the example
 * waits minutes between polls and two and a half hours at most.
 */
export function runStatusGate(
  context: Omit<CiContext, "changedFiles" | "ref">,
  timeout = "60s",
): Promise<Record<string, JobResult>> {
  return runWorkflow({
    workflow: join(context.repository, ".github/workflows/status-gate.yml"),
    event: context.event,
    ref: "refs/heads/main",
    sha: context.sha,
    repository: "wasmcloud/wasmcloud",
    origin: context.origin,
    apiUrl: context.apiUrl,
    token: context.token,
    extraInputs: {
      "gate.gate": { "poll-interval": "100ms", "max-poll-interval": "300ms", timeout },
    },
  });
}
