import type { Job, Workflow } from "../core/workflow.ts";
import { effectiveToken, type Token } from "./effective.ts";
import { inlineBlock } from "./finding.ts";
import { type Grants, inferJob } from "./infer.ts";
import type { Policy } from "./policy.ts";
import { type CallContext, calleeNeeds } from "./reusable.ts";

/** The block the fixer writes for a job, why each scope is in it, and what a person must check. */
export interface Proposal {
  grants: Grants;
  neededBy: Record<string, string>;
  review: string[];
}

/**
 * The least block a job needs: for a calling job, what the called workflow's jobs request (or, for
 * those that request nothing, need); otherwise what its steps need. A job that runs under `{}`
 * today is never widened: it works without the grants the table would give it.
 */
export function proposedBlock(
  workflow: Workflow,
  job: Job,
  policy: Policy,
  { callee, callers }: CallContext,
): Proposal {
  if (job.calls !== undefined) {
    const target = callee?.(job.calls);
    if (target?.kind === "local")
      return calleeNeeds(target.workflow, target.path, policy.actions, callee);
    const why =
      target?.kind === "unreadable"
        ? `it calls ${job.calls}, which ${target.why}`
        : `it calls the remote reusable workflow ${job.calls}, which cannot be read offline: grant what its jobs request, or GitHub refuses to start the run`;
    return {
      grants: { contents: "read" },
      neededBy: { contents: `the called workflow ${job.calls}` },
      review: [why],
    };
  }
  const inference = inferJob(job, policy.actions);
  const today = effectiveToken(workflow, job);
  if (!job.permissions && today.source === "workflow" && isEmpty(today.grants)) {
    return { grants: {}, neededBy: {}, review: inference.review };
  }
  // A job of a workflow that is only called runs with what its caller grants: under `{}` from any
  // caller, it is not widened either (one block serves every caller).
  const given = today.source === "caller" ? (callers?.(workflow.file.path) ?? []) : [];
  if (!job.permissions && given.some(isEmpty)) {
    const shown = [...new Set(given.map((grant) => inlineBlock(grant)))];
    const review =
      shown.length > 1
        ? [`its callers grant it ${shown.join(" or ")}; it is kept at {} as the narrowest of them`]
        : [];
    return { grants: {}, neededBy: {}, review: [...review, ...inference.review] };
  }
  return { grants: inference.grants, neededBy: inference.neededBy, review: inference.review };
}

function isEmpty(token: Token): boolean {
  return Object.values(token).every((level) => level === "none");
}
