import { isMap, isScalar, type Node, type Pair } from "yaml";
import { type Job, keyText, resolved, textOf, type Workflow } from "../core/workflow.ts";
import { isKnownScope, isLevel, type Level, SCOPES } from "./scopes.ts";

/**
 * What a job's GITHUB_TOKEN can do, following GitHub's rules: a job's block replaces the
 * workflow's (no merging); listing any scope sets every unlisted one to `none`; with no block
 * anywhere, or for a reusable workflow called without a block, the token is the repository default.
 */
export type EffectiveToken =
  | { source: "job" | "workflow"; grants: Record<string, Level> }
  | { source: "repository-default" };

export function effectiveToken(workflow: Workflow, job: Job): EffectiveToken {
  if (job.permissions) return { source: "job", grants: expand(workflow, job.permissions) };
  if (job.calls !== undefined || !workflow.permissions) return { source: "repository-default" };
  return { source: "workflow", grants: expand(workflow, workflow.permissions) };
}

/** Every known scope with its level; shorthands and maps alike. Invalid entries count as `none`. */
function expand(workflow: Workflow, pair: Pair<Node, Node | null>): Record<string, Level> {
  const value = resolved(workflow.file, pair.value);
  const all = (level: Level) =>
    Object.fromEntries(Object.keys(SCOPES).map((scope) => [scope, level]));
  if (isScalar(value) && value.value === "read-all") return all("read");
  if (isScalar(value) && value.value === "write-all") return all("write");
  const grants = all("none");
  if (!isMap(value)) return grants;
  for (const item of value.items) {
    const scope = keyText(item);
    const level = textOf(workflow.file, item.value as Node) ?? "";
    if (isKnownScope(scope) && isLevel(level)) grants[scope] = level;
  }
  return grants;
}
