import { isAlias, isMap, isScalar, isSeq, type Node, type Pair, visit, type YAMLMap } from "yaml";
import { isConfigurationError } from "./errors.ts";
import {
  getPair,
  nodePosition,
  parseYamlFile,
  type YamlFile,
  type YamlPosition,
} from "./yaml-file.ts";

/**
 * A GitHub Actions workflow file read for checking: every part keeps its YAML node, so a finding
 * can point at the exact line and column, and a fixer can insert text next to it.
 */
export interface Workflow {
  file: YamlFile;
  /** The workflow's `name:`, or undefined when it has none. */
  name: string | undefined;
  /** The file started with a byte order mark (stripped before parsing so columns stay right). */
  byteOrderMark: boolean;
  root: YAMLMap<Node, Node | null>;
  /** Event names under `on:` (a string, a list or a map all work). */
  triggers: Trigger[];
  permissions: Pair<Node, Node | null> | undefined;
  /** The `jobs:` pair; undefined when the file has none. */
  jobsPair: Pair<Node, Node | null> | undefined;
  jobs: Job[];
}

export interface Trigger {
  event: string;
  node: Node;
  /** The event's settings (`branches:`, `paths:`, `types:`, `inputs:`); undefined when it has none. */
  settings: YAMLMap<Node, Node | null> | undefined;
}

export interface Job {
  id: string;
  /** The job's key node (where "this job" is reported). */
  key: Node;
  /** The job's body; undefined when it is not a map. */
  body: YAMLMap<Node, Node | null> | undefined;
  permissions: Pair<Node, Node | null> | undefined;
  /** `uses:` of a job that calls a reusable workflow. */
  calls: string | undefined;
  /** Text of every value in the job's `env:` (names and values joined). */
  env: string[];
  steps: Step[];
  /** `name:` as written, expressions and all; undefined when the job has none. */
  name: string | undefined;
  /** The job ids under `needs:` (one id or a list), each with its node. */
  needs: { id: string; node: Node }[];
  /** `if:` as written. */
  condition: string | undefined;
  /** `strategy.matrix`: a map of values, or a scalar holding an expression. */
  matrix: Node | undefined;
  /** `with:` of a reusable-workflow call, as text. */
  with: Record<string, string>;
  /** `outputs:`, each as text. */
  outputs: Record<string, string>;
}

export interface Step {
  node: Node;
  /** The step's `name:`, when it has one. */
  name: string | undefined;
  /** `id:`, by which later steps and the job's outputs refer to this step. */
  id: string | undefined;
  /** `if:` as written. */
  condition: string | undefined;
  uses: string | undefined;
  run: string | undefined;
  /** `with:` inputs as text. */
  with: Record<string, string>;
  env: string[];
}

/** Why a file could not be read as a workflow, with where. */
export interface WorkflowProblem {
  kind: "invalid-yaml" | "not-a-workflow";
  message: string;
  position: YamlPosition;
}

export type WorkflowLoad =
  | { workflow: Workflow; problem?: undefined }
  | { workflow?: undefined; problem: WorkflowProblem };

/**
 * Reads a workflow file. Nothing in the text can make this throw: invalid YAML and files that are
 * not workflows come back as a problem with a position.
 */
export function loadWorkflow(path: string, text: string): WorkflowLoad {
  const byteOrderMark = text.startsWith("\uFEFF");
  const source = byteOrderMark ? text.slice(1) : text;
  let file: YamlFile;
  try {
    file = parseYamlFile(path, source);
  } catch (thrown) {
    if (!isConfigurationError(thrown)) throw thrown;
    const position = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const message = thrown.message.startsWith(`${path}: `)
      ? thrown.message.slice(path.length + 2)
      : thrown.message;
    return {
      problem: { kind: "invalid-yaml", message, position: { ...position, ...thrown.position } },
    };
  }
  const root = file.document.contents;
  const start = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 };
  const bomb = aliasBomb(file);
  if (bomb) return { problem: { kind: "invalid-yaml", message: bomb, position: start } };
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) {
    return { problem: { kind: "not-a-workflow", message: "the file is empty", position: start } };
  }
  if (!isMap(root)) {
    const message = "the file is not a workflow: its top level is not a map of keys";
    return { problem: { kind: "not-a-workflow", message, position: nodePosition(file, root) } };
  }
  const map = root as YAMLMap<Node, Node | null>;
  const jobsPair = pairOf(map, "jobs");
  if (!pairOf(map, "on") && !jobsPair) {
    const message = "the file is not a workflow: it has neither 'on:' nor 'jobs:'";
    return { problem: { kind: "not-a-workflow", message, position: nodePosition(file, root) } };
  }
  return {
    workflow: {
      file,
      name: textOf(file, pairValue(file, pairOf(map, "name"))),
      byteOrderMark,
      root: map,
      triggers: triggersOf(file, pairValue(file, pairOf(map, "on"))),
      permissions: pairOf(map, "permissions"),
      jobsPair,
      jobs: jobsOf(file, pairValue(file, jobsPair)),
    },
  };
}

/**
 * Why a file's aliases make it too big to read (a "billion laughs": aliases of aliases that
 * expand a few lines into millions of values, which every reader of the workflow would expand
 * again), or undefined. Files without aliases are not expanded at all.
 */
function aliasBomb(file: YamlFile): string | undefined {
  let aliases = false;
  visit(file.document, {
    Alias() {
      aliases = true;
      return visit.BREAK;
    },
  });
  if (!aliases) return undefined;
  try {
    file.document.toJS({ maxAliasCount: 1000 });
    return undefined;
  } catch (thrown) {
    return `its aliases expand it past what can be read (${(thrown as Error).message}); write the values out instead of nesting aliases`;
  }
}

/** `./.github/workflows/x.yml` (optionally `@ref`) → `.github/workflows/x.yml`; undefined if remote. */
export function localWorkflowPath(uses: string): string | undefined {
  if (!uses.startsWith("./")) return undefined;
  return uses.slice(2).replace(/@.*$/, "");
}

/** The pair under `key` (a plain string key) in a map node: `getPair`, under the name callers use. */
export const pairOf = getPair;

/** A pair's value with aliases resolved (the anchor's node), or undefined. */
export function pairValue(file: YamlFile, pair: Pair<Node, Node | null> | undefined) {
  return resolved(file, pair?.value ?? undefined);
}

export function resolved(file: YamlFile, node: Node | null | undefined): Node | undefined {
  if (node && isAlias(node)) {
    const target = node.resolve(file.document) as Node | undefined;
    return target && !isAlias(target) ? target : undefined;
  }
  return node ?? undefined;
}

/** A scalar's value as text; undefined for maps, sequences and nulls. */
export function textOf(file: YamlFile, node: Node | null | undefined): string | undefined {
  const target = resolved(file, node);
  if (!isScalar(target) || target.value === null || target.value === undefined) return undefined;
  return String(target.value);
}

export function keyText(pair: Pair<unknown, unknown>): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function triggersOf(file: YamlFile, on: Node | undefined): Trigger[] {
  if (isScalar(on)) return [{ event: String(on.value), node: on, settings: undefined }];
  if (isSeq(on)) {
    return on.items.flatMap((item) => {
      const event = textOf(file, item as Node);
      return event ? [{ event, node: item as Node, settings: undefined }] : [];
    });
  }
  if (isMap(on)) {
    return on.items.map((pair) => {
      const settings = resolved(file, pair.value as Node | null);
      return {
        event: keyText(pair),
        node: pair.key as Node,
        settings: isMap(settings) ? (settings as YAMLMap<Node, Node | null>) : undefined,
      };
    });
  }
  return [];
}

function jobsOf(file: YamlFile, jobs: Node | undefined): Job[] {
  if (!isMap(jobs)) return [];
  return (jobs as YAMLMap<Node, Node | null>).items.map((pair) => {
    const value = resolved(file, pair.value);
    const body = isMap(value) ? (value as YAMLMap<Node, Node | null>) : undefined;
    const steps = resolved(file, pairOf(body, "steps")?.value);
    return {
      id: keyText(pair),
      key: pair.key,
      body,
      permissions: pairOf(body, "permissions"),
      calls: textOf(file, pairOf(body, "uses")?.value),
      env: mapTexts(file, pairValue(file, pairOf(body, "env"))),
      steps: isSeq(steps) ? steps.items.map((step) => stepOf(file, step as Node)) : [],
      name: textOf(file, pairOf(body, "name")?.value),
      needs: needsOf(file, pairValue(file, pairOf(body, "needs"))),
      condition: textOf(file, pairOf(body, "if")?.value),
      matrix: pairValue(file, pairOf(pairValue(file, pairOf(body, "strategy")), "matrix")),
      with: scalarTexts(file, pairValue(file, pairOf(body, "with"))),
      outputs: scalarTexts(file, pairValue(file, pairOf(body, "outputs"))),
    };
  });
}

function needsOf(file: YamlFile, node: Node | undefined): { id: string; node: Node }[] {
  const items = isSeq(node) ? (node.items as Node[]) : node ? [node] : [];
  return items.flatMap((item) => {
    const id = textOf(file, item);
    return id === undefined ? [] : [{ id, node: item }];
  });
}

/** Each entry of a map as text; values that are not scalars are empty. */
function scalarTexts(file: YamlFile, node: Node | undefined): Record<string, string> {
  const texts: Record<string, string> = {};
  if (isMap(node)) {
    for (const pair of node.items) texts[keyText(pair)] = textOf(file, pair.value as Node) ?? "";
  }
  return texts;
}

function stepOf(file: YamlFile, node: Node): Step {
  const body = resolved(file, node);
  return {
    node,
    name: textOf(file, pairOf(body, "name")?.value),
    id: textOf(file, pairOf(body, "id")?.value),
    condition: textOf(file, pairOf(body, "if")?.value),
    uses: textOf(file, pairOf(body, "uses")?.value),
    run: textOf(file, pairOf(body, "run")?.value),
    with: scalarTexts(file, pairValue(file, pairOf(body, "with"))),
    env: mapTexts(file, pairValue(file, pairOf(body, "env"))),
  };
}

/** `NAME=value` for every entry of an env map; a whole expression (`env: ${{ ... }}`) as is. */
function mapTexts(file: YamlFile, node: Node | undefined): string[] {
  if (isMap(node)) {
    return node.items.map((pair) => `${keyText(pair)}=${textOf(file, pair.value as Node) ?? ""}`);
  }
  const text = textOf(file, node);
  return text === undefined ? [] : [text];
}
