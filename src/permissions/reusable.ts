import type { Job, Workflow } from "../core/workflow.ts";
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

/** `./.github/workflows/x.yml` → `.github/workflows/x.yml`; undefined for a remote workflow. */
export { localWorkflowPath as localCalleePath } from "../core/workflow.ts";

/** A nested job and what it asks of the calling job; undefined when it takes what it is given. */
export interface NestedRequest {
  job: Job;
  requested: Token | undefined;
}

/**
 * What each job of a called workflow asks for: its own block, else the called workflow's top-level
 * block. A job with neither gets whatever the calling job grants and so asks for nothing.
 */
export function nestedRequests(callee: Workflow): NestedRequest[] {
  return callee.jobs.map((job) => {
    const pair = job.permissions ?? callee.permissions;
    return { job, requested: pair ? blockToken(callee, pair) : undefined };
  });
}

/** The scopes a nested job requests above what the calling job allows, in table order. */
export function refusedScopes(allowed: Token, requested: Token): string[] {
  return Object.keys(requested).filter(
    (scope) => rank(requested[scope] ?? "none") > rank(allowed[scope] ?? "none"),
  );
}

/** GitHub's own words when it refuses to start the run. */
export function refusalMessage(job: string, scopes: string[], requested: Token, allowed: Token) {
  const list = (token: Token) => scopes.map((scope) => `${scope}: ${token[scope]}`).join(", ");
  return `The nested job '${job}' is requesting '${list(requested)}', but is only allowed '${list(allowed)}'`;
}

/**
 * What a calling job must grant so that GitHub starts the called workflow and its jobs can do their
 * work: each nested job's request, and for a nested job that asks for nothing, what its steps need
 * (it runs with the caller's grant). `neededBy` says which nested job needs each scope.
 */
export function calleeNeeds(
  callee: Workflow,
  calleePath: string,
  extra: readonly PolicyAction[],
): { grants: Grants; neededBy: Record<string, string>; review: string[] } {
  const grants: Grants = {};
  const neededBy: Record<string, string> = {};
  const review: string[] = [];
  for (const { job, requested } of nestedRequests(callee)) {
    let wanted: Grants;
    if (requested) {
      wanted = requested;
    } else if (job.calls !== undefined) {
      wanted = {};
      review.push(`nested job '${job.id}' of ${calleePath} calls ${job.calls} in turn`);
    } else {
      const inference = inferJob(job, extra);
      wanted = inference.grants;
      for (const reason of inference.review) {
        review.push(`nested job '${job.id}' of ${calleePath}: ${reason}`);
      }
    }
    for (const [scope, level] of Object.entries(wanted)) {
      if (level === "none") continue;
      const current = grants[scope];
      if (current === undefined || rank(level) > rank(current)) {
        grants[scope] = level;
        neededBy[scope] = `nested job '${job.id}' of ${calleePath}`;
      }
    }
  }
  return { grants, neededBy, review };
}
