import type { Workflow } from "../core/workflow.ts";
import { blockToken, type Token } from "./effective.ts";
import { type Grants, inferJob, type PolicyAction } from "./infer.ts";
import { rank } from "./scopes.ts";

/** What a calling job's `uses:` leads to. */
export type Callee =
  | { kind: "local"; path: string; workflow: Workflow }
  | { kind: "unreadable"; path: string; why: string }
  | { kind: "remote"; uses: string };

/** Finds the workflow a job calls; the run reads local files once and keeps them. */
export type CalleeLookup = (uses: string) => Callee;

/**
 * The grants that the calling jobs of the run's files give a workflow file today (each calling
 * job's block, else its workflow's top-level block, else what reaches that workflow in turn);
 * what reaches a file from a workflow nobody calls and that states nothing is not in the files.
 */
export type CallerGrants = (path: string, seen?: Set<string>) => Token[];

/** What a check or a fix may read beyond the file: the files it calls, and who calls it. */
export interface CallContext {
  callee?: CalleeLookup;
  callers?: CallerGrants;
}

/** `./.github/workflows/x.yml` → `.github/workflows/x.yml`; undefined for a remote workflow. */
export { localWorkflowPath as localCalleePath } from "../core/workflow.ts";

/**
 * GitHub allows reusable workflows to call others up to this depth (the first caller included);
 * it refuses deeper chains, so nothing past it is read.
 */
const MAX_DEPTH = 4;

/** One thing GitHub refuses when it starts a run through a calling job. */
export interface Refusal {
  /** `the workflow` (the called file's top-level block) or `the nested job 'x'`. */
  who: string;
  /** The called file whose block asks for too much, and how it was reached. */
  path: string;
  via: string[];
  scopes: string[];
  requested: Token;
}

/**
 * What GitHub checks when a job calls a local workflow and `allowed` is the grant reaching it (the
 * calling job's block, else its workflow's top-level block): the called file's top-level block,
 * whether or not its jobs have their own; each called job's own block; and, through called jobs
 * that state nothing in a file with no top-level block (they run with `allowed`), the workflows
 * they call in turn, against the same grant. A grant a called file states itself is that file's
 * own business and is checked where that file is.
 */
export function callRefusals(
  callee: Workflow,
  calleePath: string,
  allowed: Token,
  lookup: CalleeLookup | undefined,
  via: string[] = [],
): Refusal[] {
  const refusals: Refusal[] = [];
  const request = (who: string, requested: Token) => {
    const scopes = refusedScopes(allowed, requested);
    if (scopes.length > 0) refusals.push({ who, path: calleePath, via, scopes, requested });
  };
  if (callee.permissions) request("the workflow", blockToken(callee, callee.permissions));
  for (const job of callee.jobs) {
    if (job.permissions) {
      request(`the nested job '${job.id}'`, blockToken(callee, job.permissions));
      continue;
    }
    if (callee.permissions || job.calls === undefined) continue;
    const next = lookup?.(job.calls);
    if (next?.kind !== "local" || via.length + 2 >= MAX_DEPTH || next.path === calleePath) continue;
    refusals.push(
      ...callRefusals(next.workflow, next.path, allowed, lookup, [
        ...via,
        `job '${job.id}' of ${calleePath}`,
      ]),
    );
  }
  return refusals;
}

/** The scopes a nested job requests above what the calling job allows, in table order. */
export function refusedScopes(allowed: Token, requested: Token): string[] {
  return Object.keys(requested).filter(
    (scope) => rank(requested[scope] ?? "none") > rank(allowed[scope] ?? "none"),
  );
}

/** GitHub's own words when it refuses to start the run, with the way there when it is nested. */
export function refusalMessage(refusal: Refusal, allowed: Token): string {
  const list = (token: Token) =>
    refusal.scopes.map((scope) => `${scope}: ${token[scope]}`).join(", ");
  const where =
    refusal.via.length > 0 ? ` (${refusal.path}, called through ${refusal.via.join(", ")})` : "";
  const who = refusal.who.charAt(0).toUpperCase() + refusal.who.slice(1);
  return `${who}${where} is requesting '${list(refusal.requested)}', but is only allowed '${list(allowed)}'`;
}

/**
 * What a calling job must grant so that GitHub starts the called workflow and its jobs can do their
 * work: the called file's top-level block (GitHub checks it even when every job has its own),
 * each nested job's block, for a nested job that asks for nothing what its steps need (it runs
 * with the caller's grant), and for one that calls a workflow in turn, what that one needs.
 * `neededBy` says which nested job needs each scope.
 */
export function calleeNeeds(
  callee: Workflow,
  calleePath: string,
  extra: readonly PolicyAction[],
  lookup: CalleeLookup | undefined,
  depth = 1,
): { grants: Grants; neededBy: Record<string, string>; review: string[] } {
  const grants: Grants = {};
  const neededBy: Record<string, string> = {};
  const review: string[] = [];
  const want = (wanted: Grants, who: string) => {
    for (const [scope, level] of Object.entries(wanted)) {
      if (level === "none") continue;
      const current = grants[scope];
      if (current === undefined || rank(level) > rank(current)) {
        grants[scope] = level;
        neededBy[scope] = who;
      }
    }
  };
  if (callee.permissions) {
    want(blockToken(callee, callee.permissions), `the top-level block of ${calleePath}`);
  }
  for (const job of callee.jobs) {
    const who = `nested job '${job.id}' of ${calleePath}`;
    if (job.permissions) {
      want(blockToken(callee, job.permissions), who);
      continue;
    }
    // It runs with the called file's top-level block, which is wanted above.
    if (callee.permissions) continue;
    if (job.calls !== undefined) {
      const next = lookup?.(job.calls);
      if (next?.kind === "local" && depth + 1 < MAX_DEPTH && next.path !== calleePath) {
        const nested = calleeNeeds(next.workflow, next.path, extra, lookup, depth + 1);
        want(nested.grants, who);
        review.push(...nested.review);
      } else {
        review.push(`${who} calls ${job.calls} in turn`);
      }
      continue;
    }
    const inference = inferJob(job, extra);
    want(inference.grants, who);
    for (const reason of inference.review) review.push(`${who}: ${reason}`);
  }
  return { grants, neededBy, review };
}
