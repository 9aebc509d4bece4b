import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadWorkflow } from "../../src/core/workflow.ts";
import { getPair, nodePosition } from "../../src/core/yaml-file.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";

/**
 * A reference to one of this suite's actions: `wasmcloud/status-gate@REF` (the gate),
 * `wasmcloud/status-gate/actions/NAME@REF`, or `./`, `./actions/NAME` from this repository.
 */
const OWN =
  /^(?:wasmcloud\/status-gate(?<path>\/actions\/[\w-]+)?@(?<ref>.+)|\.\/(?<local>actions\/[\w-]+)?)$/;
const MAJOR_TAG = /^v\d+$/;
const SHA = /^[0-9a-f]{40}$/;
/** Before a release exists, its pinned examples read `@<commit of v1.0.0>` (scripts/pin-examples.mjs). */
const UNRELEASED = /^<commit of (v\d+\.\d+\.\d+)>$/;
/** A version comment after a SHA pin: `# v1.2.3`. */
const VERSION_COMMENT = /#\s*v\d+\.\d+\.\d+\b/;

interface ActionInputs {
  inputs?: Record<string, { required?: boolean; default?: unknown } | null>;
}

function inputsOf(folder: string): ActionInputs["inputs"] | undefined {
  const path = join(PROJECT_ROOT, folder, "action.yml");
  if (!existsSync(path)) return undefined;
  return (parse(readFileSync(path, "utf8")) as ActionInputs).inputs ?? {};
}

/**
 * What is wrong with the uses of this suite's actions in a workflow, as `file:line:column:
 * message`: an action that does not exist, an input it does not have, a required input not
 * given, and a reference that is neither the moving major tag (`@v1`) nor a full commit SHA with
 * its version in a comment (`@<sha> # v1.2.3`).
 */
export function ownActionProblems(text: string, path = "example.yml"): string[] {
  const loaded = loadWorkflow(path, text);
  if (!loaded.workflow) return [`${path}: ${loaded.problem.message}`];
  const { file } = loaded.workflow;
  const lines = text.split(/\r?\n/);
  const problems: string[] = [];
  for (const job of loaded.workflow.jobs) {
    for (const step of job.steps) {
      const match = step.uses ? OWN.exec(step.uses) : null;
      if (!match?.groups) continue;
      const position = nodePosition(file, step.node);
      const at = `${path}:${position.line}:${position.column}`;
      const { ref, path: subPath, local } = match.groups;
      const folder = local ?? (subPath ? subPath.slice(1) : ".");
      if (ref !== undefined && !MAJOR_TAG.test(ref)) {
        const usesNode = getPair(step.node, "uses")?.value ?? step.node;
        const line = lines[nodePosition(file, usesNode).line - 1] ?? "";
        const comment = line.slice(line.indexOf(ref) + ref.length);
        const unreleased = UNRELEASED.exec(ref)?.[1];
        if (!SHA.test(ref) && !unreleased) {
          problems.push(`${at}: '${step.uses}' is neither @v1 nor pinned to a full commit SHA`);
        } else if (!VERSION_COMMENT.test(comment)) {
          problems.push(`${at}: '${step.uses}' needs its version in a comment ('# v1.2.3')`);
        } else if (unreleased && !comment.includes(unreleased)) {
          problems.push(`${at}: '${step.uses}' and its comment name different versions`);
        }
      }
      const inputs = inputsOf(folder);
      if (!inputs) {
        problems.push(`${at}: '${step.uses}' names ${folder}, which has no action.yml`);
        continue;
      }
      for (const name of Object.keys(step.with)) {
        if (!Object.hasOwn(inputs, name)) {
          problems.push(`${at}: ${folder}/action.yml has no input '${name}'`);
        }
      }
      for (const [name, spec] of Object.entries(inputs)) {
        if (spec?.required && spec.default === undefined && !Object.hasOwn(step.with, name)) {
          problems.push(`${at}: ${folder}/action.yml requires input '${name}'`);
        }
      }
    }
  }
  return problems;
}
