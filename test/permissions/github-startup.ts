import { parse } from "yaml";

/**
 * A small double of what GitHub checks before it starts a run whose jobs call local reusable
 * workflows, written for the tests from GitHub's documentation ("GITHUB_TOKEN permissions can only
 * be the same or more restrictive in nested workflows"; "if jobs.<job_id>.permissions is not
 * specified in the calling job, the called workflow will have the default permissions") and from
 * the error texts GitHub gives ("The workflow is requesting 'x: read', but is only allowed
 * 'x: none'", "The nested job 'j' is requesting ..."). It shares nothing with the enforcer's code,
 * so a misreading there cannot hide here. It reads plain YAML and knows only these rules:
 *
 * - The grant that reaches a called workflow is the calling job's own block, else its workflow's
 *   top-level block; with neither, the repository's default (restricted: contents and packages
 *   read; permissive: write on everything).
 * - A called workflow's top-level block is checked against that grant, whether or not its jobs
 *   have their own blocks, and then stands for its jobs without one.
 * - Each called job's own block is checked against the grant reaching the call.
 * - A called job with no block (in a file with no top-level block) runs with the grant reaching
 *   the call, and a workflow it calls in turn is checked against that grant, and so on.
 * - `read-all` asks for read on every scope, `write-all` for write (id-token included).
 */

const LEVEL = { none: 0, read: 1, write: 2 } as const;
type Grant = Record<string, number>;

export const DEFAULT_SETTINGS = ["restricted", "permissive"] as const;
export type DefaultSetting = (typeof DEFAULT_SETTINGS)[number];

/** The scopes GitHub compares; every other key of a block counts as nothing. */
const COMPARED = [
  "actions",
  "artifact-metadata",
  "attestations",
  "checks",
  "code-quality",
  "contents",
  "copilot-requests",
  "deployments",
  "discussions",
  "drives",
  "id-token",
  "issues",
  "models",
  "packages",
  "pages",
  "pull-requests",
  "repository-projects",
  "security-events",
  "statuses",
  "vulnerability-alerts",
];

function grantOf(block: unknown): Grant | undefined {
  if (block === undefined) return undefined;
  const grant: Grant = Object.fromEntries(COMPARED.map((scope) => [scope, 0]));
  if (block === "read-all" || block === "write-all") {
    for (const scope of COMPARED) grant[scope] = block === "read-all" ? 1 : 2;
    return grant;
  }
  if (block && typeof block === "object") {
    for (const [scope, level] of Object.entries(block as Record<string, unknown>)) {
      if (scope in grant && typeof level === "string" && level in LEVEL) {
        grant[scope] = LEVEL[level as keyof typeof LEVEL];
      }
    }
  }
  return grant;
}

function repositoryDefault(setting: DefaultSetting): Grant {
  const grant: Grant = Object.fromEntries(COMPARED.map((scope) => [scope, 0]));
  if (setting === "permissive") {
    for (const scope of COMPARED) grant[scope] = 2;
  } else {
    grant.contents = 1;
    grant.packages = 1;
  }
  return grant;
}

interface WorkflowDocument {
  on?: unknown;
  permissions?: unknown;
  jobs?: Record<string, { permissions?: unknown; uses?: unknown } | null>;
}

const NAMES = ["none", "read", "write"];

function excess(requested: Grant, allowed: Grant): string[] {
  return COMPARED.filter((scope) => (requested[scope] ?? 0) > (allowed[scope] ?? 0)).map(
    (scope) => `${scope}: ${NAMES[requested[scope] ?? 0]} > ${NAMES[allowed[scope] ?? 0]}`,
  );
}

/**
 * Why GitHub would refuse to start a run of `path` (a workflow triggered by something other than
 * `workflow_call`), one line per refusal; empty when it starts. `files` maps repository paths to
 * their text.
 */
export function startupRefusals(
  files: Record<string, string>,
  path: string,
  setting: DefaultSetting,
): string[] {
  const read = (file: string) => parse(files[file] ?? "") as WorkflowDocument | null;
  const refusals: string[] = [];
  const visit = (calling: string, file: string, explicit: Grant | undefined, depth: number) => {
    if (depth > 4) return;
    const workflow = read(file);
    if (!workflow) return;
    const allowed = explicit ?? repositoryDefault(setting);
    const root = grantOf(workflow.permissions);
    if (root) {
      const over = excess(root, allowed);
      if (over.length) refusals.push(`${calling} → ${file}: the workflow requests ${over}`);
    }
    for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
      const own = grantOf(job?.permissions);
      if (own) {
        const over = excess(own, allowed);
        if (over.length) refusals.push(`${calling} → ${file}: nested job '${id}' requests ${over}`);
      }
      const uses = typeof job?.uses === "string" ? job.uses : undefined;
      if (uses?.startsWith("./"))
        visit(`${file}#${id}`, uses.slice(2), own ?? root ?? explicit, depth + 1);
    }
  };
  const workflow = read(path);
  const root = grantOf(workflow?.permissions);
  for (const [id, job] of Object.entries(workflow?.jobs ?? {})) {
    const uses = typeof job?.uses === "string" ? job.uses : undefined;
    if (uses?.startsWith("./"))
      visit(`${path}#${id}`, uses.slice(2), grantOf(job?.permissions) ?? root, 1);
  }
  return refusals;
}

/**
 * The grant each job that runs steps gets when `path` runs, by `file#job` (and the calling jobs on
 * the way): its own block, else its file's top-level block, else the grant reaching its file (for
 * the first file, the repository default).
 */
export function effectiveGrants(
  files: Record<string, string>,
  path: string,
  setting: DefaultSetting,
): Map<string, { grant: Grant; explicit: boolean }> {
  const result = new Map<string, { grant: Grant; explicit: boolean }>();
  const visit = (file: string, reaching: Grant | undefined, chain: string, depth: number) => {
    if (depth > 4) return;
    const workflow = parse(files[file] ?? "") as WorkflowDocument | null;
    const root = grantOf(workflow?.permissions);
    for (const [id, job] of Object.entries(workflow?.jobs ?? {})) {
      const grant = grantOf(job?.permissions) ?? root ?? reaching;
      const uses = typeof job?.uses === "string" ? job.uses : undefined;
      const name = `${chain}${file}#${id}`;
      if (uses?.startsWith("./")) visit(uses.slice(2), grant, `${name} → `, depth + 1);
      else if (uses === undefined) {
        result.set(name, {
          grant: grant ?? repositoryDefault(setting),
          explicit: grant !== undefined,
        });
      }
    }
  };
  visit(path, undefined, "", 1);
  return result;
}

/** The scopes where `after` exceeds both `before` and `needed`, as `scope: before → after`. */
export function widenedBeyond(before: Grant, after: Grant, needed: Grant): string[] {
  return COMPARED.filter(
    (scope) => (after[scope] ?? 0) > Math.max(before[scope] ?? 0, needed[scope] ?? 0),
  ).map((scope) => `${scope}: ${NAMES[before[scope] ?? 0]} → ${NAMES[after[scope] ?? 0]}`);
}

/** A grant from plain `scope: level` pairs, for what a test knows a step needs. */
export function grantFrom(levels: Record<string, keyof typeof LEVEL>): Grant {
  return grantOf(levels) as Grant;
}
