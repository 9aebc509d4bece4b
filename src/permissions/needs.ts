import type { Job } from "../core/workflow.ts";
import type { EffectiveToken } from "./effective.ts";
import { granted } from "./effective.ts";
import { finding, type Grant, inlineBlock, type Site } from "./finding.ts";
import { inferJob } from "./infer.ts";
import type { Policy } from "./policy.ts";
import { type CalleeLookup, calleeNeeds, callRefusals, refusalMessage } from "./reusable.ts";
import type { Finding } from "./rules.ts";
import { type Level, rank } from "./scopes.ts";

/**
 * Write grants that nothing the job runs can use: no action in the table needs them and no step
 * can reach the token. A job running code the table does not know, or handing the token to a
 * step, may use anything, so it is left alone; a calling job may use what its callee asks for.
 */
export function checkUnused(
  site: Site,
  job: Job,
  grants: Grant[],
  policy: Policy,
  lookup: CalleeLookup | undefined,
  findings: Finding[],
) {
  let needs: Record<string, Level>;
  let mayUse: Record<string, Level> = {};
  if (job.calls !== undefined) {
    const callee = lookup?.(job.calls);
    if (callee?.kind !== "local") return;
    needs = calleeNeeds(callee.workflow, callee.path, policy.actions, lookup).grants;
  } else {
    const inference = inferJob(job, policy.actions);
    if (inference.opaque || inference.reachesToken) return;
    needs = inference.grants;
    mayUse = inference.mayUse;
  }
  const unused = grants.filter(
    (grant) =>
      grant.level === "write" &&
      grant.scope !== "*" &&
      grant.scope !== "id-token" &&
      needs[grant.scope] !== "write" &&
      mayUse[grant.scope] !== "write",
  );
  const first = unused[0];
  if (!first) return;
  const names = unused.map((grant) => `${grant.scope}: write`).join(", ");
  const who =
    job.calls !== undefined
      ? `the workflow it calls (${job.calls}) asks for none of them`
      : "no action it runs needs them and no step can reach the token";
  const message = `job '${job.id}' grants '${names}' that nothing it runs can use: ${who}`;
  const kept = Object.fromEntries(
    grants
      .filter((grant) => grant.scope !== "*" && !unused.includes(grant))
      .map((grant) => [grant.scope, grant.level]),
  );
  for (const grant of unused) {
    const need = needs[grant.scope];
    if (need && need !== "none") kept[grant.scope] = need;
  }
  const fix = `lower the block to 'permissions: ${inlineBlock(kept)}'`;
  findings.push(finding(site, "unused-permissions", first.value, message, fix));
}

/** A calling job whose grant GitHub would refuse, or whose called file cannot be read. */
export function checkCall(
  site: Site,
  job: Job,
  token: EffectiveToken,
  lookup: CalleeLookup | undefined,
  findings: Finding[],
) {
  const callee = lookup?.(job.calls ?? "");
  if (!callee || callee.kind === "remote") return;
  if (callee.kind === "unreadable") {
    const message = `job '${job.id}' calls ${job.calls}, which ${callee.why}; GitHub refuses to start the run`;
    findings.push(
      finding(
        site,
        "reusable-workflow-refused",
        job.key,
        message,
        "point 'uses:' at a workflow file of this repository",
      ),
    );
    return;
  }
  // Against the repository default (or a grant from further up), GitHub's answer is not in the files.
  if (token.source !== "job" && token.source !== "workflow") return;
  const allowed = token.grants;
  const refusals = callRefusals(callee.workflow, callee.path, allowed, lookup);
  const wanted: Record<string, Level> = {};
  for (const refusal of refusals) {
    for (const scope of refusal.scopes) {
      const level = refusal.requested[scope] as Level;
      if (!wanted[scope] || rank(level) > rank(wanted[scope])) wanted[scope] = level;
    }
  }
  if (refusals.length === 0) return;
  const reasons = refusals.map((refusal) => refusalMessage(refusal, allowed));
  const message = `GitHub refuses to start this workflow: job '${job.id}' calls ${job.calls}. ${reasons.join(". ")}.`;
  const whole = { ...granted(allowed), ...wanted };
  const fix = `grant what the called jobs request: 'permissions: ${inlineBlock(whole)}' on job '${job.id}'`;
  findings.push(finding(site, "reusable-workflow-refused", job.key, message, fix));
}
