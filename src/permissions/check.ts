import { isMap, isScalar, type Node, type Pair } from "yaml";
import {
  type Job,
  keyText,
  loadWorkflow,
  resolved,
  textOf,
  type Workflow,
} from "../core/workflow.ts";
import { callableOnly, effectiveToken } from "./effective.ts";
import { at, finding, type Grant, inlineBlock, type Site } from "./finding.ts";
import { inferJob } from "./infer.ts";
import { checkCall, checkUnused } from "./needs.ts";
import { allowedLevel, DEFAULT_POLICY_PATH, type Policy } from "./policy.ts";
import { proposedBlock } from "./proposal.ts";
import type { CallContext } from "./reusable.ts";
import type { Finding } from "./rules.ts";
import {
  closestScope,
  isKnownScope,
  isLevel,
  type Level,
  rank,
  SCOPES,
  shorthandLevel,
  validLevels,
} from "./scopes.ts";

/** Events whose token can write even when the code comes from a fork. */
export const UNTRUSTED_TRIGGERS = ["pull_request_target", "workflow_run"];

/** What a check may read beyond the file: the reusable workflows its jobs call, and its callers. */
export type CheckContext = CallContext;

/** Checks one file's text; unreadable files become findings, never exceptions. */
export function checkFile(
  path: string,
  text: string,
  policy: Policy,
  context: CheckContext = {},
): Finding[] {
  const load = loadWorkflow(path, text);
  const label = path.split("/").pop() ?? path;
  if (load.problem) {
    const { kind, message, position } = load.problem;
    const fix =
      kind === "invalid-yaml"
        ? "correct the YAML at this position"
        : "move the file out of .github/workflows/";
    return [{ ...at(kind, position, message), workflow: label, fix }];
  }
  return checkWorkflow(load.workflow, policy, context);
}

export function checkWorkflow(
  workflow: Workflow,
  policy: Policy,
  context: CheckContext = {},
): Finding[] {
  const label = workflow.name ?? workflow.file.path.split("/").pop() ?? workflow.file.path;
  const findings: Finding[] = [];
  const top: Site = { workflow, label, job: undefined };
  findings.push(...checkTopLevel(top, policy));
  const topGrants = workflow.permissions ? readBlock(top, workflow.permissions, findings) : [];
  const untrusted = workflow.triggers.some((trigger) => UNTRUSTED_TRIGGERS.includes(trigger.event));
  // A top-level grant reaches code only through the jobs that inherit the block.
  const inheriting = workflow.jobs.filter((job) => !job.permissions);
  checkGrants(top, topGrants, policy, untrusted && inheriting.length > 0, findings);
  const topIdToken = topGrants.find(isIdTokenWrite);
  if (topIdToken && inheriting.every((job) => !mayUseOidc(job, policy))) {
    findings.push(unusedIdToken(top, topIdToken, "no job that inherits the top-level block uses"));
  }
  for (const job of workflow.jobs) {
    const site: Site = { workflow, label, job };
    if (!job.permissions) {
      if (needsOwnBlock(workflow, policy)) {
        findings.push(missingJobBlock(site, job, policy, context));
      }
    } else {
      const grants = readBlock(site, job.permissions, findings);
      checkGrants(site, grants, policy, untrusted, findings);
      const idToken = grants.find(isIdTokenWrite);
      if (idToken && job.calls === undefined && !mayUseOidc(job, policy)) {
        findings.push(unusedIdToken(site, idToken, `no step of job '${job.id}' uses`));
      }
      checkUnused(site, job, grants, policy, context.callee, findings);
    }
    if (job.calls !== undefined) {
      checkCall(site, job, effectiveToken(workflow, job), context.callee, findings);
    }
  }
  return findings;
}

/**
 * Whether a job must state its own block. Inheriting an explicit top-level block is enough (the
 * block itself is checked), unless the policy requires a block on every job.
 */
export function needsOwnBlock(workflow: Workflow, policy: Policy): boolean {
  return workflow.permissions === undefined || policy.requireJobBlocks;
}

function checkTopLevel(site: Site, policy: Policy): Finding[] {
  const { workflow } = site;
  const pair = workflow.permissions;
  if (!pair) {
    const anchor = workflow.jobsPair?.key ?? workflow.root;
    const gets = callableOnly(workflow)
      ? "get whatever the calling job grants"
      : "get the repository's default token";
    const message = `the workflow has no top-level 'permissions:'; jobs without their own block ${gets}`;
    return [
      finding(
        site,
        "missing-top-level-permissions",
        anchor,
        message,
        "add 'permissions: {}' at the top level, before 'jobs:'",
      ),
    ];
  }
  const value = resolved(workflow.file, pair.value);
  if (isMap(value) && value.items.length === 0) return [];
  if (isScalar(value) && ["read-all", "write-all"].includes(String(value.value))) return [];
  const readOnly = policy.topLevel === "read-only";
  const beyond = isMap(value)
    ? value.items.find((item) => {
        const level = textOf(workflow.file, item.value as Node);
        return !readOnly || (level !== "read" && level !== "none");
      })
    : undefined;
  if (isMap(value) && beyond === undefined) return [];
  const accepted = readOnly ? "'{}' or a read-only block" : "'{}'";
  const message = `the top-level 'permissions:' is not ${accepted}; it applies to every job without its own block`;
  const fix = "set 'permissions: {}' at the top level and grant each job only the scopes it needs";
  // Point at the grant at fault: the first write (or, under an empty-only policy, the first grant).
  const writes = isMap(value)
    ? value.items.find((item) => textOf(workflow.file, item.value as Node) === "write")
    : undefined;
  const node = (writes ?? beyond)?.value ?? pair.value ?? pair.key;
  return [finding(site, "top-level-not-empty", node as Node, message, fix)];
}

/** Reads a permissions block, reporting shorthands, unknown scopes and invalid values. */
function readBlock(site: Site, pair: Pair<Node, Node | null>, findings: Finding[]): Grant[] {
  const file = site.workflow.file;
  const value = resolved(file, pair.value);
  const where = site.job ? `job '${site.job.id}'` : "the top level";
  if (isScalar(value) && ["read-all", "write-all"].includes(String(value.value))) {
    const shorthand = String(value.value);
    const message = `'permissions: ${shorthand}' at ${where} grants ${shorthand === "read-all" ? "read on" : "write on"} every scope`;
    const fix = site.job
      ? `list the scopes the job needs, for example 'permissions: ${inlineBlock(inferJob(site.job).grants)}'`
      : "replace it with 'permissions: {}' and grant scopes per job";
    findings.push(finding(site, "blanket-permissions", pair.value as Node, message, fix));
    const level = shorthand === "write-all" ? "write" : "read";
    return [{ scope: "*", level, key: pair.key, value: pair.value as Node }];
  }
  if (!isMap(value)) {
    const shown = isScalar(value) ? `'${String(value.value)}'` : `'${sourceOf(site, pair.value)}'`;
    const message = `'permissions:' at ${where} is ${shown}; use {}, a map of scopes, read-all or write-all`;
    findings.push(
      finding(
        site,
        "invalid-permission-value",
        pair.value ?? pair.key,
        message,
        "write 'permissions: {}' or a map such as 'contents: read'",
      ),
    );
    return [];
  }
  return value.items.flatMap((grant) =>
    readGrant(site, grant as Pair<Node, Node | null>, findings),
  );
}

/** The text of a node as written (`[read, write]`), for messages about values that are not scalars. */
function sourceOf(site: Site, node: Node | null | undefined): string {
  const range = node?.range;
  if (!range) return "";
  const text = site.workflow.file.text.slice(range[0], range[1]).trim();
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function readGrant(site: Site, grant: Pair<Node, Node | null>, findings: Finding[]): Grant[] {
  const scope = keyText(grant);
  const scalar = isScalar(resolved(site.workflow.file, grant.value));
  const level = scalar
    ? (textOf(site.workflow.file, grant.value) ?? "")
    : sourceOf(site, grant.value);
  if (!isKnownScope(scope)) {
    const suggestion = closestScope(scope);
    const message = `'${scope}' is not a GITHUB_TOKEN permission scope; GitHub refuses the workflow`;
    const fix = suggestion
      ? `did you mean '${suggestion}'?`
      : `remove it or use one of ${Object.keys(SCOPES).join(", ")}`;
    findings.push(finding(site, "unknown-scope", grant.key, message, fix));
    return [];
  }
  const valid = validLevels(scope);
  if (!isLevel(level) || !valid.includes(level)) {
    const message = `'${scope}: ${level}' is not valid; ${scope} takes ${valid.join(", ")}, and GitHub refuses any other value`;
    findings.push(
      finding(
        site,
        "invalid-permission-value",
        grant.value ?? grant.key,
        message,
        `use one of ${valid.join(", ")}`,
      ),
    );
    return [];
  }
  return [{ scope, level, key: grant.key, value: grant.value as Node }];
}

function checkGrants(
  site: Site,
  grants: Grant[],
  policy: Policy,
  untrusted: boolean,
  findings: Finding[],
) {
  const where = site.job ? `job '${site.job.id}'` : "the top level";
  for (const grant of grants) {
    const shown = grant.scope === "*" ? `${grant.level}-all` : `${grant.scope}: ${grant.level}`;
    if (untrusted && grant.level === "write") {
      const message = `'${shown}' at ${where} runs on ${UNTRUSTED_TRIGGERS.filter((t) => site.workflow.triggers.some((x) => x.event === t)).join(" and ")}, where code from a fork can use it`;
      const fix =
        "drop the write grant, or move the writing step to a workflow triggered by a trusted event";
      findings.push(finding(site, "write-on-untrusted-trigger", grant.value, message, fix));
    }
    if (grant.scope === "*") {
      const wider = beyondPolicy(site, policy, grant.level);
      if (wider.length > 0) {
        const message = `'${shown}' at ${where} is wider than the policy allows (${wider.join(", ")})`;
        const fix = `list only the scopes ${where} needs, up to what ${DEFAULT_POLICY_PATH} allows`;
        findings.push(finding(site, "grant-exceeds-policy", grant.value, message, fix));
      }
      continue;
    }
    const allowed = allowedLevel(policy, site.workflow.file.path, site.job?.id, grant.scope);
    if (allowed !== undefined && rank(grant.level) > rank(allowed)) {
      const message = `'${shown}' at ${where} is wider than the policy allows ('${grant.scope}: ${allowed}')`;
      const fix = `lower it to '${grant.scope}: ${allowed}', or allow it for this job in ${DEFAULT_POLICY_PATH}`;
      findings.push(finding(site, "grant-exceeds-policy", grant.value, message, fix));
    }
  }
}

/** The scopes a `read-all`/`write-all` grants beyond the allow-list, as `scope: level`. */
function beyondPolicy(site: Site, policy: Policy, shorthand: Level): string[] {
  const wider: string[] = [];
  for (const scope of Object.keys(SCOPES)) {
    const level = shorthandLevel(scope, shorthand);
    const allowed = allowedLevel(policy, site.workflow.file.path, site.job?.id, scope);
    if (allowed !== undefined && rank(level) > rank(allowed)) wider.push(`${scope}: ${level}`);
  }
  return wider;
}

function missingJobBlock(site: Site, job: Job, policy: Policy, context: CheckContext): Finding {
  const { workflow } = site;
  const proposal = proposedBlock(workflow, job, policy, context);
  const callee = job.calls ? ` calls ${job.calls} and` : "";
  const gets = workflow.permissions
    ? "it inherits the top-level block, and the policy requires a block on every job (require-job-blocks)"
    : callableOnly(workflow)
      ? "without a top-level block it gets whatever the calling job grants"
      : "without a top-level block it gets the repository's default token";
  const message = `job '${job.id}'${callee} has no 'permissions:'; ${gets}`;
  const review = proposal.review.length > 0 ? ` (review: ${proposal.review.join("; ")})` : "";
  return finding(
    site,
    "job-missing-permissions",
    job.key,
    message,
    `add 'permissions: ${inlineBlock(proposal.grants)}' to job '${job.id}'${review}`,
  );
}

function unusedIdToken(site: Site, grant: Grant, who: string): Finding {
  const message = `'id-token: write' is granted but ${who} an OIDC consumer (attestation, cloud login, a step requesting the token)`;
  const fix =
    "remove 'id-token: write', or add an exception with the reason to the policy if a step fetches the token itself";
  return finding(site, "unused-id-token", grant.value, message, fix);
}

function isIdTokenWrite(grant: Grant): boolean {
  return grant.scope === "id-token" && grant.level === "write";
}

export function mayUseOidc(job: Job, policy: Policy): boolean {
  if (job.calls !== undefined) return true;
  const inference = inferJob(job, policy.actions);
  return inference.usesOidc || inference.opaque;
}
