import { minimatch } from "minimatch";
import { isMap, isSeq, type Node, type Pair } from "yaml";
import { isConfigurationError } from "../core/errors.ts";
import { keyText, pairOf, resolved, textOf } from "../core/workflow.ts";
import {
  nodePosition,
  parseYamlFile,
  type YamlFile,
  type YamlPosition,
} from "../core/yaml-file.ts";
import type { Grants } from "./infer.ts";
import { type Finding, isRuleId, RULE_IDS, type RuleId } from "./rules.ts";
import { isKnownScope, isLevel, type Level, rank } from "./scopes.ts";

export const DEFAULT_POLICY_PATH = ".github/permissions-policy.yml";

/** The repository's permissions policy; `defaultPolicy` applies when there is no file. */
export interface Policy {
  /** The accepted top-level form: `{}` only, or also a block granting nothing above `read`. */
  topLevel: "empty" | "read-only";
  /** The allow-list; undefined when the policy sets no maximum. */
  maxGrants: MaxGrant[] | undefined;
  exceptions: PolicyException[];
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

export interface PolicyProblem {
  message: string;
  position: YamlPosition;
}

export const defaultPolicy: Policy = { topLevel: "empty", maxGrants: undefined, exceptions: [] };

const TOP_LEVEL_KEYS = ["top-level", "max-grants", "exceptions"];

/** Reads a policy file; every mistake comes back as a problem at its position. */
export function loadPolicy(
  path: string,
  text: string,
): { policy: Policy; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  let file: YamlFile;
  try {
    file = parseYamlFile(path, text);
  } catch (thrown) {
    if (!isConfigurationError(thrown) || !thrown.position) throw thrown;
    const position = { line: 1, column: 1, endLine: 1, endColumn: 1, ...thrown.position };
    return { policy: defaultPolicy, problems: [{ message: thrown.message, position }] };
  }
  const problem = (node: Node | Pair | null | undefined, message: string) =>
    problems.push({ message: `${path}: ${message}`, position: nodePosition(file, node) });
  const root = file.document.contents;
  if (root === null) return { policy: defaultPolicy, problems };
  if (!isMap(root)) {
    problem(root, "the policy must be a map with top-level, max-grants and exceptions");
    return { policy: defaultPolicy, problems };
  }
  for (const pair of root.items) {
    if (!TOP_LEVEL_KEYS.includes(keyText(pair))) {
      problem(pair, `unknown key '${keyText(pair)}'; valid keys are ${TOP_LEVEL_KEYS.join(", ")}`);
    }
  }
  const policy: Policy = {
    topLevel: readTopLevel(file, pairOf(root, "top-level"), problem),
    maxGrants: readMaxGrants(file, pairOf(root, "max-grants"), problem),
    exceptions: readExceptions(file, pairOf(root, "exceptions"), problem),
  };
  return { policy, problems };
}

type Report = (node: Node | Pair | null | undefined, message: string) => void;

function readTopLevel(file: YamlFile, pair: Pair<Node, Node | null> | undefined, problem: Report) {
  if (!pair) return "empty";
  const value = textOf(file, pair.value);
  if (value === "empty" || value === "read-only") return value;
  problem(pair.value ?? pair, "top-level must be 'empty' (permissions: {}) or 'read-only'");
  return "empty";
}

function entriesOf(file: YamlFile, pair: Pair<Node, Node | null> | undefined, problem: Report) {
  if (!pair) return undefined;
  const list = resolved(file, pair.value);
  if (!isSeq(list)) {
    problem(pair.value ?? pair, `${keyText(pair)} must be a list of entries`);
    return [];
  }
  return list.items.flatMap((item) => {
    const entry = resolved(file, item as Node);
    if (isMap(entry)) return [entry];
    problem(item as Node, `each ${keyText(pair)} entry must be a map`);
    return [];
  });
}

function readMaxGrants(file: YamlFile, pair: Pair<Node, Node | null> | undefined, problem: Report) {
  const entries = entriesOf(file, pair, problem);
  if (!entries) return undefined;
  return entries.map((entry): MaxGrant => {
    checkKeys(entry.items, ["workflow", "job", "permissions"], problem);
    const permissions: Grants = {};
    const block = resolved(file, pairOf(entry, "permissions")?.value);
    if (!isMap(block)) problem(pairOf(entry, "permissions") ?? entry, "permissions must be a map");
    for (const grant of isMap(block) ? block.items : []) {
      const scope = keyText(grant);
      const level = textOf(file, grant.value as Node) ?? "";
      if (scope !== "*" && !isKnownScope(scope)) problem(grant, `unknown scope '${scope}'`);
      else if (!isLevel(level))
        problem(grant.value as Node, `'${level}' is not read, write or none`);
      else permissions[scope] = level;
    }
    return {
      workflow: textOf(file, pairOf(entry, "workflow")?.value) ?? "*",
      job: textOf(file, pairOf(entry, "job")?.value),
      permissions,
    };
  });
}

function readExceptions(
  file: YamlFile,
  pair: Pair<Node, Node | null> | undefined,
  problem: Report,
) {
  const entries = entriesOf(file, pair, problem) ?? [];
  return entries.flatMap((entry): PolicyException[] => {
    checkKeys(entry.items, ["rule", "workflow", "job", "reason"], problem);
    const rule = textOf(file, pairOf(entry, "rule")?.value) ?? "";
    const reason = textOf(file, pairOf(entry, "reason")?.value)?.trim() ?? "";
    if (!isRuleId(rule)) {
      problem(
        pairOf(entry, "rule") ?? entry,
        `rule '${rule}' is not one of ${RULE_IDS.join(", ")}`,
      );
      return [];
    }
    if (reason === "") {
      problem(pairOf(entry, "reason") ?? entry, "every exception needs a reason");
      return [];
    }
    const workflow = textOf(file, pairOf(entry, "workflow")?.value);
    if (workflow === undefined) {
      problem(entry, "every exception names the workflow it applies to ('*' for all)");
      return [];
    }
    return [{ rule, workflow, job: textOf(file, pairOf(entry, "job")?.value), reason }];
  });
}

function checkKeys(items: readonly Pair<unknown, unknown>[], valid: string[], problem: Report) {
  for (const item of items) {
    if (!valid.includes(keyText(item))) {
      problem(item as Pair, `unknown key '${keyText(item)}'; valid keys are ${valid.join(", ")}`);
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
