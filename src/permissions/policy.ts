import { minimatch } from "minimatch";
import { type ConfigContext, type JsonSchema, loadYamlConfig } from "../core/config.ts";
import type { Grants, PolicyAction } from "./infer.ts";
import { type Finding, RULE_IDS, type RuleId } from "./rules.ts";
import { type Level, rank, SCOPES } from "./scopes.ts";

export const DEFAULT_POLICY_PATH = ".github/permissions-policy.yml";

/** The repository's permissions policy; `defaultPolicy` applies when there is no file. */
export interface Policy {
  /** The accepted top-level form: `{}` only, or also a block granting nothing above `read`. */
  topLevel: "empty" | "read-only";
  /** The allow-list; undefined when the policy sets no maximum. */
  maxGrants: MaxGrant[] | undefined;
  exceptions: PolicyException[];
  /** Every job states its own block, even one inheriting an explicit top-level block. */
  requireJobBlocks: boolean;
  /** What actions the inference table does not know need (checked before the table). */
  actions: PolicyAction[];
}

export interface MaxGrant {
  workflow: string;
  /** Undefined: the entry covers the workflow's top level and every job. */
  job: string | undefined;
  /** Most allowed per scope; `*` covers every scope not named. */
  permissions: Grants;
}

export interface PolicyException {
  rule: RuleId;
  workflow: string;
  job: string | undefined;
  reason: string;
}

export const defaultPolicy: Policy = {
  topLevel: "empty",
  maxGrants: undefined,
  exceptions: [],
  requireJobBlocks: false,
  actions: [],
};

/** A permissions map in the policy: each scope with the values it takes, and `*` for the rest. */
const PERMISSIONS_SCHEMA: JsonSchema = {
  type: "object",
  description: "a map of scopes to read, write or none, such as { contents: read }",
  properties: Object.fromEntries([
    ...Object.entries(SCOPES).map(([scope, levels]) => [scope, { enum: [...levels] }]),
    ["*", { enum: ["read", "write", "none"] }],
  ]),
  additionalProperties: false,
};

const GLOB = { type: "string", minLength: 1, format: "glob" };

export const POLICY_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    "top-level": {
      enum: ["empty", "read-only"],
      description: "'empty' (permissions: {}) or 'read-only'",
    },
    "max-grants": {
      type: "array",
      items: {
        type: "object",
        properties: { workflow: GLOB, job: GLOB, permissions: PERMISSIONS_SCHEMA },
        required: ["permissions"],
        additionalProperties: false,
      },
    },
    "require-job-blocks": {
      type: "boolean",
      description: "true: every job states its own block, even under an explicit top-level block",
    },
    actions: {
      type: "array",
      items: {
        type: "object",
        properties: {
          uses: {
            ...GLOB,
            description: "an action as in 'uses:', without '@ref' (globs allowed: my-org/*)",
          },
          permissions: PERMISSIONS_SCHEMA,
          reason: { type: "string", description: "why the action needs these scopes" },
        },
        required: ["uses", "permissions", "reason"],
        additionalProperties: false,
      },
    },
    exceptions: {
      type: "array",
      items: {
        type: "object",
        properties: {
          rule: { enum: [...RULE_IDS] },
          workflow: { ...GLOB, description: "a workflow file name or glob, '*' for all" },
          job: GLOB,
          reason: { type: "string", description: "why the finding is accepted" },
        },
        required: ["rule", "workflow", "reason"],
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

interface PolicyFile {
  "top-level"?: Policy["topLevel"];
  "max-grants"?: { workflow?: string; job?: string; permissions: Grants }[];
  exceptions?: { rule: RuleId; workflow: string; job?: string; reason: string }[];
  "require-job-blocks"?: boolean;
  actions?: { uses: string; permissions: Grants; reason: string }[];
}

/**
 * Reads a policy file. Every mistake in it (YAML, unknown keys and scopes, values, an exception
 * without a reason) is reported at once as a `FileProblems` at its line and column.
 */
export function loadPolicy(path: string, text: string): Policy {
  const { data } = loadYamlConfig<PolicyFile | null>(path, text, POLICY_SCHEMA, checkPolicy);
  const file = data ?? {};
  return {
    topLevel: file["top-level"] ?? "empty",
    maxGrants: file["max-grants"]?.map((entry) => ({
      workflow: entry.workflow ?? "*",
      job: entry.job,
      permissions: entry.permissions,
    })),
    exceptions: (file.exceptions ?? []).map((entry) => ({
      rule: entry.rule,
      workflow: entry.workflow,
      job: entry.job,
      reason: entry.reason.trim(),
    })),
    requireJobBlocks: file["require-job-blocks"] ?? false,
    actions: (file.actions ?? []).map((entry) => ({
      uses: entry.uses.replace(/@.*$/, "").replace(/\/+$/, ""),
      permissions: entry.permissions,
      reason: entry.reason.trim(),
    })),
  };
}

function checkPolicy(data: PolicyFile | null, context: ConfigContext): void {
  for (const [index, entry] of (data?.exceptions ?? []).entries()) {
    if (entry.reason.trim() === "") {
      context.problem(["exceptions", index, "reason"], "every exception needs a reason");
    }
  }
  for (const [index, entry] of (data?.actions ?? []).entries()) {
    if (entry.reason.trim() === "") {
      context.problem(["actions", index, "reason"], "every action entry needs a reason");
    }
    if ("*" in entry.permissions) {
      context.problem(
        ["actions", index, "permissions", "*"],
        "an action entry lists the scopes the action needs; '*' is only for max-grants",
      );
    }
  }
}

/** Whether a workflow pattern names the file: by file name or by its path. */
export function matchesWorkflow(pattern: string, path: string): boolean {
  const name = path.split("/").pop() ?? path;
  return minimatch(name, pattern, { dot: true }) || minimatch(path, pattern, { dot: true });
}

/**
 * The most a block may grant for `scope`, or undefined when the policy sets no maximum. `job`
 * undefined is the workflow's top-level block.
 */
export function allowedLevel(
  policy: Policy,
  path: string,
  job: string | undefined,
  scope: string,
): Level | undefined {
  if (!policy.maxGrants) return undefined;
  let most: Level = "none";
  for (const entry of policy.maxGrants) {
    if (!matchesWorkflow(entry.workflow, path)) continue;
    if (entry.job !== undefined && (job === undefined || !minimatch(job, entry.job))) continue;
    const level = entry.permissions[scope] ?? entry.permissions["*"];
    if (level && rank(level) > rank(most)) most = level;
  }
  return most;
}

/** The exception that silences a finding, if the policy has one. */
export function exceptionFor(policy: Policy, finding: Finding): PolicyException | undefined {
  return policy.exceptions.find(
    (exception) =>
      exception.rule === finding.rule &&
      matchesWorkflow(exception.workflow, finding.path) &&
      (exception.job === undefined ||
        (finding.job !== undefined && minimatch(finding.job, exception.job))),
  );
}
