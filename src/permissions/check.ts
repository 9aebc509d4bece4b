import { isMap, isScalar, type Node, type Pair } from "yaml";
import {
  type Job,
  keyText,
  loadWorkflow,
  resolved,
  textOf,
  type Workflow,
} from "../core/workflow.ts";
import { nodePosition, type YamlPosition } from "../core/yaml-file.ts";
import { effectiveToken } from "./effective.ts";
import { type Grants, inferJob } from "./infer.ts";
import { allowedLevel, DEFAULT_POLICY_PATH, type Policy } from "./policy.ts";
import { type Finding, RULES, type RuleId } from "./rules.ts";
import {
  closestScope,
  isKnownScope,
  isLevel,
  type Level,
  rank,
  SCOPES,
  validLevels,
} from "./scopes.ts";

/** Events whose token can write even when the code comes from a fork. */
export const UNTRUSTED_TRIGGERS = ["pull_request_target", "workflow_run"];

/** One scope granted in a block, with its nodes. */
interface Grant {
  scope: string;
  level: Level;
  key: Node;
  value: Node;
}

interface Site {
  workflow: Workflow;
  label: string;
  job: Job | undefined;
}

/** Checks one file's text; unreadable files become findings, never exceptions. */
export function checkFile(path: string, text: string, policy: Policy): Finding[] {
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
  return checkWorkflow(load.workflow, policy);
}

export function checkWorkflow(workflow: Workflow, policy: Policy): Finding[] {
  const label = workflow.name ?? workflow.file.path.split("/").pop() ?? workflow.file.path;
  const findings: Finding[] = [];
  const top: Site = { workflow, label, job: undefined };
  findings.push(...checkTopLevel(top, policy));
  const topGrants = workflow.permissions ? readBlock(top, workflow.permissions, findings) : [];
  const untrusted = workflow.triggers.some((trigger) => UNTRUSTED_TRIGGERS.includes(trigger.event));
  // A top-level grant reaches code only through the jobs that inherit the block.
  const inheriting = workflow.jobs.filter(
    (job) => effectiveToken(workflow, job).source === "workflow",
  );
  checkGrants(top, topGrants, policy, untrusted && inheriting.length > 0, findings);
  if (topGrants.some(isIdTokenWrite) && inheriting.every((job) => !mayUseOidc(job))) {
    const grant = topGrants.find(isIdTokenWrite) as Grant;
    findings.push(unusedIdToken(top, grant, "no job that inherits the top-level block"));
  }
  for (const job of workflow.jobs) {
    const site: Site = { workflow, label, job };
    if (!job.permissions) {
      findings.push(missingJobBlock(site, job));
      continue;
    }
    const grants = readBlock(site, job.permissions, findings);
    checkGrants(site, grants, policy, untrusted, findings);
    const idToken = grants.find(isIdTokenWrite);
    if (idToken && !mayUseOidc(job)) findings.push(unusedIdToken(site, idToken, `job '${job.id}'`));
  }
  return findings;
}

function checkTopLevel(site: Site, policy: Policy): Finding[] {
  const { workflow } = site;
  const pair = workflow.permissions;
  if (!pair) {
    const anchor = workflow.jobsPair?.key ?? workflow.root;
    const message =
      "the workflow has no top-level 'permissions:'; jobs without their own block get the repository's default token";
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
  if (policy.topLevel === "read-only" && isMap(value) && readOnly(site, value.items)) return [];
  const accepted = policy.topLevel === "read-only" ? "'{}' or a read-only block" : "'{}'";
  const message = `the top-level 'permissions:' is not ${accepted}; it applies to every job without its own block`;
  const fix = "set 'permissions: {}' at the top level and grant each job only the scopes it needs";
  return [finding(site, "top-level-not-empty", pair.value ?? pair.key, message, fix)];
}

function readOnly(site: Site, items: readonly Pair<unknown, unknown>[]): boolean {
  return items.every((pair) => {
    const level = textOf(site.workflow.file, pair.value as Node);
    return level === "read" || level === "none";
  });
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
    const shown = isScalar(value) ? `'${String(value.value)}'` : "this value";
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

function readGrant(site: Site, grant: Pair<Node, Node | null>, findings: Finding[]): Grant[] {
  const scope = keyText(grant);
  const level = textOf(site.workflow.file, grant.value) ?? "";
  if (!isKnownScope(scope)) {
    const suggestion = closestScope(scope);
    const message = `'${scope}' is not a GITHUB_TOKEN permission scope`;
    const fix = suggestion
      ? `did you mean '${suggestion}'?`
      : "remove it or correct the scope name";
    findings.push(finding(site, "unknown-scope", grant.key, message, fix));
    return [];
  }
  const valid = validLevels(scope);
  if (!isLevel(level) || !valid.includes(level)) {
    const message = `'${scope}: ${level}' is not valid; ${scope} takes ${valid.join(", ")}`;
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
    // A shorthand gives each scope the most it takes up to the shorthand (id-token has no read).
    const granted = validLevels(scope)
      .filter((level) => rank(level) <= rank(shorthand))
      .reduce<Level>((most, level) => (rank(level) > rank(most) ? level : most), "none");
    const allowed = allowedLevel(policy, site.workflow.file.path, site.job?.id, scope);
    if (allowed !== undefined && rank(granted) > rank(allowed)) wider.push(`${scope}: ${granted}`);
  }
  return wider;
}

function missingJobBlock(site: Site, job: Job): Finding {
  const inferred = inferJob(job);
  const block = inlineBlock(inferred.grants);
  const callee = job.calls ? ` calls ${job.calls} and` : "";
  const gets =
    job.calls || !site.workflow.permissions
      ? "gets the repository's default token"
      : "inherits the top-level block instead of stating its own";
  const message = `job '${job.id}'${callee} has no 'permissions:'; it ${gets}`;
  const review = inferred.review.length > 0 ? ` (review: ${inferred.review.join("; ")})` : "";
  return finding(
    site,
    "job-missing-permissions",
    job.key,
    message,
    `add 'permissions: ${block}' to job '${job.id}'${review}`,
  );
}

function unusedIdToken(site: Site, grant: Grant, who: string): Finding {
  const message = `'id-token: write' is granted but ${who} uses no OIDC consumer (attestation, cloud login)`;
  const fix =
    "remove 'id-token: write', or add an exception with the reason to the policy if a step fetches the token itself";
  return finding(site, "unused-id-token", grant.value, message, fix);
}

function isIdTokenWrite(grant: Grant): boolean {
  return grant.scope === "id-token" && grant.level === "write";
}

function mayUseOidc(job: Job): boolean {
  const inference = inferJob(job);
  return inference.usesOidc || inference.opaque;
}

/** `{}` or `{ contents: read, id-token: write }`, scopes in table order. */
export function inlineBlock(grants: Grants): string {
  const entries = Object.entries(grants).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([scope, level]) => `${scope}: ${level}`).join(", ")} }`;
}

function finding(
  site: Site,
  rule: RuleId,
  node: Node | Pair | null | undefined,
  message: string,
  fix: string,
): Finding {
  const base = at(rule, nodePosition(site.workflow.file, node), message);
  return { ...base, workflow: site.label, ...(site.job ? { job: site.job.id } : {}), fix };
}

function at(rule: RuleId, position: YamlPosition, message: string) {
  return {
    rule,
    severity: RULES[rule].severity,
    path: position.file,
    line: position.line,
    column: position.column,
    endLine: position.endLine,
    endColumn: position.endColumn,
    message,
  };
}
