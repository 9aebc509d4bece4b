import { isMap, isScalar, type Node, type Pair } from "yaml";
import { type Job, keyText, resolved, textOf, type Workflow } from "../core/workflow.ts";
import { isKnownScope, isLevel, type Level, SCOPES, shorthandLevel } from "./scopes.ts";

/** Every scope of the table with its level. */
export type Token = Record<string, Level>;

/**
 * What a job's GITHUB_TOKEN can do, following GitHub's rules: a job's block replaces the
 * workflow's (no merging); listing any scope sets every unlisted one to `none`; a job that calls a
 * reusable workflow inherits the top-level block like any job. Without a block anywhere the token is
 * the repository default, except in a workflow that can only be called, whose jobs get what the
 * calling job grants.
 */
export type EffectiveToken =
  | { source: "job" | "workflow"; grants: Token }
  | { source: "repository-default" }
  | { source: "caller" };

export function effectiveToken(workflow: Workflow, job: Job): EffectiveToken {
  if (job.permissions) return { source: "job", grants: blockToken(workflow, job.permissions) };
  if (workflow.permissions) {
    return { source: "workflow", grants: blockToken(workflow, workflow.permissions) };
  }
  return callableOnly(workflow) ? { source: "caller" } : { source: "repository-default" };
}

/** The workflow runs only when another workflow calls it (`on: workflow_call` and nothing else). */
export function callableOnly(workflow: Workflow): boolean {
  return (
    workflow.triggers.length > 0 &&
    workflow.triggers.every((trigger) => trigger.event === "workflow_call")
  );
}

/** Every known scope with its level; shorthands and maps alike. Invalid entries count as `none`. */
export function blockToken(workflow: Workflow, pair: Pair<Node, Node | null>): Token {
  const value = resolved(workflow.file, pair.value);
  if (isScalar(value) && (value.value === "read-all" || value.value === "write-all")) {
    return fullToken(value.value === "read-all" ? "read" : "write");
  }
  const grants = fullToken("none");
  if (!isMap(value)) return grants;
  for (const item of value.items) {
    const scope = keyText(item);
    const level = textOf(workflow.file, item.value as Node) ?? "";
    if (isKnownScope(scope) && isLevel(level)) grants[scope] = level;
  }
  return grants;
}

const FULL = new Map<Level, Token>();

/** `none` for every scope, or what a shorthand gives each (a fresh copy the caller may change). */
export function fullToken(shorthand: Level): Token {
  let token = FULL.get(shorthand);
  if (!token) {
    token = Object.fromEntries(
      Object.keys(SCOPES).map((scope) => [scope, shorthandLevel(scope, shorthand)]),
    );
    FULL.set(shorthand, token);
  }
  return { ...token };
}

/** Only the scopes above `none`, for messages and blocks. */
export function granted(token: Token): Token {
  return Object.fromEntries(Object.entries(token).filter(([, level]) => level !== "none"));
}
