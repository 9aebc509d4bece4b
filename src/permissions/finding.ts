import type { Node, Pair } from "yaml";
import type { Job, Workflow } from "../core/workflow.ts";
import { nodePosition, type YamlPosition } from "../core/yaml-file.ts";
import { type Finding, RULES, type RuleId } from "./rules.ts";
import type { Level } from "./scopes.ts";

/** One scope granted in a block, with its nodes. */
export interface Grant {
  scope: string;
  level: Level;
  key: Node;
  value: Node;
}

export interface Site {
  workflow: Workflow;
  label: string;
  job: Job | undefined;
}

/** `{}` or `{ contents: read, id-token: write }`, scopes in table order. */
export function inlineBlock(grants: Record<string, Level>): string {
  const entries = Object.entries(grants)
    .filter(([, level]) => level !== "none")
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return "{}";
  return `{ ${entries.map(([scope, level]) => `${scope}: ${level}`).join(", ")} }`;
}

export function finding(
  site: Site,
  rule: RuleId,
  node: Node | Pair | null | undefined,
  message: string,
  fix: string,
): Finding {
  const base = at(rule, nodePosition(site.workflow.file, node), message);
  return { ...base, workflow: site.label, ...(site.job ? { job: site.job.id } : {}), fix };
}

export function at(rule: RuleId, position: YamlPosition, message: string) {
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
