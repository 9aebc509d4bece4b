import { braceExpand } from "minimatch";
import { isScalar, isSeq, type Node } from "yaml";
import { pairOf, pairValue, type Trigger, textOf, type Workflow } from "../../core/workflow.ts";
import { filterPatternGlob, filterPatternTest } from "./filter-pattern.ts";

/** The events a gate judges, which the workflows its rules wait for must run on too. */
export const GATE_EVENTS = ["pull_request", "merge_group", "push"] as const;
export type GateEventName = (typeof GATE_EVENTS)[number];

/** One event the gate runs for: the event and the branch (a pull request's or merge group's base, a push's branch). */
export interface GateEvent {
  event: GateEventName;
  branch: string;
  /** A pull request's own branch, when it is one of this repository's: known only while the gate runs. */
  headBranch?: string;
  /** The pull request comes from a fork, whose pushes run no workflow here: known only while the gate runs. */
  fromFork?: boolean;
  /**
   * A run that judges one commit already made: earlier activity (`opened`) may have run the
   * workflow for it, so the trigger's `types:` are not held against it.
   */
  anyTypes?: boolean;
}

export function describeEvent(event: GateEvent): string {
  if (event.event === "push") return `push to ${event.branch}`;
  if (event.event === "merge_group") return `merge_group for ${event.branch}`;
  return `pull_request to ${event.branch}`;
}

/** A workflow's `paths:` or `paths-ignore:` for one event. */
export interface PathFilter {
  kind: "paths" | "paths-ignore";
  patterns: string[];
  node: Node;
}

/** Whether a workflow runs for an event, and under which paths filter; or why it does not. */
export type Triggering =
  | { runs: true; filter: PathFilter | undefined; trigger: Trigger }
  | {
      runs: false;
      kind: "not-triggered" | "branch-filtered";
      reason: string;
      node: Node | undefined;
      /** Runs on push of some branches, so pull requests from this repository may get its checks. */
      onPush?: true;
    };

export function triggering(workflow: Workflow, gate: GateEvent): Triggering {
  const names =
    gate.event === "pull_request" ? ["pull_request", "pull_request_target"] : [gate.event];
  const triggers = workflow.triggers.filter((trigger) => names.includes(trigger.event));
  if (triggers.length === 0) {
    const events = workflow.triggers.map((trigger) => trigger.event);
    if (gate.event === "pull_request") {
      const pushed = pushedBranches(workflow, gate);
      if (pushed) return pushed;
    }
    return {
      runs: false,
      kind: "not-triggered",
      reason: `it is not triggered on ${gate.event} (its triggers: ${events.join(", ") || "none"})`,
      node: workflow.triggers[0]?.node,
    };
  }
  let refusal: Triggering | undefined;
  for (const trigger of triggers) {
    const result = oneTrigger(workflow, trigger, gate);
    if (result.runs) return result;
    refusal ??= result;
  }
  return refusal as Triggering;
}

/**
 * A workflow triggered on push but not on pull requests still runs on a pull request's commits
 * when they are pushed to a branch of this repository (never for a fork). While the gate runs, the
 * pull request's branch decides; statically it is a refusal the doctor only warns about.
 */
function pushedBranches(workflow: Workflow, gate: GateEvent): Triggering | undefined {
  const push = workflow.triggers.find((trigger) => trigger.event === "push");
  if (!push || gate.fromFork) return undefined;
  if (gate.headBranch !== undefined) {
    const result = oneTrigger(workflow, push, { event: "push", branch: gate.headBranch });
    // GitHub filters a push's paths against the push, not the pull request: not judged here.
    return result.runs ? { ...result, filter: undefined } : undefined;
  }
  const branches = triggerList(workflow, push, "branches");
  const onlyBase = branches?.every((pattern) => !/[*?[!]/.test(pattern) && pattern === gate.branch);
  if (
    onlyBase ||
    (!branches &&
      !triggerList(workflow, push, "branches-ignore") &&
      triggerList(workflow, push, "tags"))
  ) {
    return undefined;
  }
  return {
    runs: false,
    kind: "not-triggered",
    reason: `it is not triggered on pull_request; it runs on push, so pull requests from branches of this repository may get its checks, but never one from a fork`,
    node: push.node,
    onPush: true,
  };
}

function oneTrigger(workflow: Workflow, trigger: Trigger, gate: GateEvent): Triggering {
  const list = (key: string) => triggerList(workflow, trigger, key);
  const refuse = (kind: "not-triggered" | "branch-filtered", reason: string): Triggering => ({
    runs: false,
    kind,
    reason,
    node: pairOf(trigger.settings, key(kind))?.key ?? trigger.node,
  });
  const key = (kind: string) => (kind === "branch-filtered" ? "branches" : "types");
  const types = list("types");
  if (types && trigger.event.startsWith("pull_request") && !gate.anyTypes) {
    const missing = ["opened", "synchronize"].filter((type) => !types.includes(type));
    if (missing.length > 0) {
      return refuse(
        "not-triggered",
        `its ${trigger.event} types (${types.join(", ")}) leave out ${missing.join(" and ")}, so new commits do not run it`,
      );
    }
  }
  const branches = list("branches");
  const ignored = list("branches-ignore");
  if (gate.event === "push" && !branches && !ignored && (list("tags") || list("tags-ignore"))) {
    return refuse(
      "branch-filtered",
      "its push trigger lists only tags, so pushes to branches do not run it",
    );
  }
  if (branches && !filterMatches(branches, gate.branch)) {
    return refuse(
      "branch-filtered",
      `its ${trigger.event} branches filter (${branches.join(", ")}) leaves out ${gate.branch}`,
    );
  }
  if (ignored && filterMatches(ignored, gate.branch)) {
    return refuse(
      "branch-filtered",
      `its ${trigger.event} branches-ignore filter leaves out ${gate.branch}`,
    );
  }
  // Merge groups run every workflow triggered on merge_group: GitHub applies no paths filter there.
  if (gate.event === "merge_group") return { runs: true, filter: undefined, trigger };
  for (const kind of ["paths", "paths-ignore"] as const) {
    const patterns = list(kind);
    const node = pairOf(trigger.settings, kind)?.key;
    if (patterns && node) return { runs: true, filter: { kind, patterns, node }, trigger };
  }
  return { runs: true, filter: undefined, trigger };
}

/** A filter list of a trigger (`branches:`, `paths:`, `types:`); undefined when it is not set. */
export function triggerList(
  workflow: Workflow,
  trigger: Trigger,
  key: string,
): string[] | undefined {
  const node = pairValue(workflow.file, pairOf(trigger.settings, key));
  if (node === undefined) return undefined;
  if (isScalar(node)) {
    const text = textOf(workflow.file, node);
    return text === undefined ? [] : [text];
  }
  if (!isSeq(node)) return [];
  return node.items.flatMap((item) => {
    const text = textOf(workflow.file, item as Node);
    return text === undefined ? [] : [text];
  });
}

const compiled = new Map<string, (value: string) => boolean>();

function test(pattern: string, value: string): boolean {
  let matcher = compiled.get(pattern);
  if (!matcher) {
    matcher = filterPatternTest(pattern);
    compiled.set(pattern, matcher);
  }
  return matcher(value);
}

/**
 * GitHub's filter lists, in GitHub's pattern syntax (filter-pattern.ts): the last pattern that
 * matches decides; `!` excludes.
 */
export function filterMatches(patterns: readonly string[], value: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    if (test(negated ? pattern.slice(1) : pattern, value)) matched = !negated;
  }
  return matched;
}

/** Whether a paths filter lets a change with these files run the workflow. */
export function filterRuns(filter: PathFilter | undefined, paths: readonly string[]): boolean {
  if (!filter) return true;
  if (filter.kind === "paths") return paths.some((path) => filterMatches(filter.patterns, path));
  return paths.some((path) => !filterMatches(filter.patterns, path));
}

/** A few concrete paths that a workflow's filter patterns (GitHub's syntax) match. */
export function filterExamplePaths(patterns: readonly string[]): string[] {
  return examplePaths(patterns.flatMap((pattern) => filterPatternGlob(pattern) ?? []));
}

/**
 * A few concrete paths that a glob matches (`crates/**` → `crates/example.txt`, ...), for naming
 * an example of a change. Callers check each against the real matchers, so a guess that misses
 * costs nothing but a candidate.
 */
export function examplePaths(globs: readonly string[]): string[] {
  const examples = new Set<string>();
  for (const glob of globs) {
    const body = glob.startsWith("!") ? glob.slice(1) : glob;
    for (const expanded of braceExpand(body).slice(0, 8)) {
      for (const example of instantiate(expanded.split("/"))) examples.add(example);
    }
  }
  return [...examples];
}

function instantiate(segments: string[]): string[] {
  let paths: string[][] = [[]];
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "**") {
      const choices = last ? [["example.txt"], ["example", "example.txt"]] : [[], ["example"]];
      paths = paths.flatMap((path) => choices.map((choice) => [...path, ...choice]));
      return;
    }
    const concrete = segment
      // Extglobs: `?(x)` and `*(x)` may be nothing, `+(x)` and `@(x|y)` are one of theirs.
      .replace(/[?*]\([^()]*\)/g, "")
      .replace(/[+@]\(([^()|]*)[^()]*\)/g, "$1")
      .replace(/\[!?([^\]]*)\]/g, (whole, body: string) =>
        whole.startsWith("[!") ? "x" : (body[0] ?? "x"),
      )
      .replace(/\*+/g, last && segment === "*" ? "example.txt" : "example")
      .replace(/\?/g, "x")
      .replace(/\\(.)/g, "$1");
    paths = paths.map((path) => [...path, concrete]);
  });
  return paths
    .slice(0, 16)
    .map((path) => path.join("/"))
    .filter((path) => path.length > 0);
}
