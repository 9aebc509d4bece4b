import type { Job, Workflow } from "../../core/workflow.ts";
import { nodePosition } from "../../core/yaml-file.ts";
import { compilePaths } from "../globs.ts";
import type { Analysis } from "./analysis.ts";
import { filterPatternGlob } from "./filter-pattern.ts";
import { type Atom, describe, describeAtom, type Formula, type Term, terms } from "./formula.ts";
import { filterGroups, isPathsFilter } from "./paths-filter.ts";
import { describeEvent, examplePaths, type GateEvent, type PathFilter } from "./triggers.ts";

/** When a job's rule should apply, read from its workflow: the paths, and whether a skip is fine. */
export interface DerivedCondition {
  /** Globs of changed paths for which the job runs; empty when it runs for every change. */
  paths: string[];
  /** Where the paths came from, for a comment. */
  pathsFrom: string | undefined;
  /**
   * The events on which the job may be skipped for reasons paths cannot say (its `if:` there, a
   * label, a run-time value): the rule allows `skipped` on those events only.
   */
  skippedOn: string[];
  /** Labels that run the job whatever changed, and so make the rule apply (`labels:`). */
  labels: string[];
  /** Why, and anything else a reader should know, one line each. */
  notes: string[];
}

/** One way the job runs: the path lists that must all match, and what else must hold. */
interface Way {
  lists: { patterns: string[]; from: string }[];
  labels: string[];
  others: string[];
}

/**
 * Reads when a job runs on each event (its `if:`, the jobs it needs, paths-filter groups its
 * condition follows, the workflow's own `paths:`/`paths-ignore:`) and turns it into a rule's
 * `paths`, `labels` and per-event `allow: { <event>: [skipped] }`, saying where each came from.
 */
export function deriveCondition(
  analysis: Analysis,
  workflow: Workflow,
  job: Job,
  events: readonly GateEvent[],
): DerivedCondition {
  const notes: string[] = [];
  const skippedOn: string[] = [];
  let labels: string[] = [];
  let result: { paths: string[]; from: string | undefined } | undefined;
  for (const event of events) {
    const triggered = analysis.triggering(workflow, event);
    if (!triggered.runs) {
      notes.push(
        `${workflow.file.path} does not run on ${describeEvent(event)}: ${triggered.reason}`,
      );
      continue;
    }
    const formula = analysis.conditions(workflow, event).runsWhen(job);
    // The first event's paths filter shapes the rule's paths; on later events a filter leaves the
    // check missing rather than skipped, which no rule can allow (the doctor reports it).
    const reading = read(analysis, workflow, formula, result ? undefined : triggered.filter);
    if (!result) {
      result = { paths: reading.paths, from: reading.from };
      labels = reading.labels;
      if (reading.skip) {
        notes.push(`on ${describeEvent(event)} ${reading.skip}`);
        skippedOn.push(event.event);
      }
      notes.push(...reading.notes.map((note) => `on ${describeEvent(event)} ${note}`));
      continue;
    }
    // Later events share the rule's paths: a job that runs for fewer changes there may be skipped.
    const same = reading.skip === undefined && sameLists(reading.paths, result.paths);
    const always = reading.skip === undefined && reading.paths.length === 0;
    if (!same && !always) {
      skippedOn.push(event.event);
      notes.push(
        `on ${describeEvent(event)} ${reading.skip ?? `it runs only for ${pathsText(reading.paths)}`}`,
      );
    }
  }
  return {
    paths: result?.paths ?? [],
    pathsFrom: result?.from,
    skippedOn: [...new Set(skippedOn)],
    labels,
    notes: [...new Set(notes)],
  };
}

interface Reading {
  paths: string[];
  from: string | undefined;
  /** Why the job may be skipped beyond its paths; undefined when it is not. */
  skip: string | undefined;
  /** Labels that alone run the job. */
  labels: string[];
  notes: string[];
}

function read(
  analysis: Analysis,
  workflow: Workflow,
  formula: Formula,
  filter: PathFilter | undefined,
): Reading {
  const workflowList = filter ? workflowPaths(workflow, filter) : undefined;
  const untranslated =
    filter && !workflowList
      ? [
          `its workflow's on: ${filter.kind} cannot be written as the rules file's paths (a pattern no glob says the same as, or a '!' pattern that a later one takes back in part: GitHub reads the list in order), so the rule applies to every change and the doctor says where the workflow does not run`,
        ]
      : [];
  const withWorkflow = (lists: Way["lists"]) => (workflowList ? [workflowList, ...lists] : lists);
  if (formula === false) {
    return {
      paths: [],
      from: undefined,
      skip: "the job never runs (its if: or a job it needs)",
      labels: [],
      notes: [],
    };
  }
  const disjunction = terms(formula);
  if (!disjunction) {
    return {
      paths: [],
      from: undefined,
      skip: `it runs only when ${describe(formula)}`,
      labels: [],
      notes: [],
    };
  }
  const ways = disjunction.map((term) => wayOf(analysis, workflow, term));
  const certain = ways.filter((way) => way.labels.length === 0 && way.others.length === 0);
  const notes: string[] = [...untranslated];
  // A label that alone runs the job, beside ways paths say, becomes the rule's `labels:`; one that
  // runs it only together with paths stays a note (a label makes a rule apply whatever changed).
  const labels: string[] = [];
  for (const way of ways.filter(
    (candidate) => candidate.labels.length > 0 && candidate.others.length === 0,
  )) {
    if (certain.length > 0 && way.lists.length === 0 && way.labels.length === 1) {
      labels.push(way.labels[0] as string);
    } else {
      notes.push(
        `it also runs when the pull request has the label ${way.labels.map((l) => `'${l}'`).join(" and ")}${way.lists.length > 0 ? " (and its paths match)" : ""}; the rule does not require it then`,
      );
    }
  }
  const chosen = certain.length > 0 ? certain : ways;
  let skip: string | undefined =
    certain.length > 0 ? undefined : `it runs only when ${describe(formula)}`;
  const lists: Way["lists"] = [];
  for (const way of chosen) {
    const combined = withWorkflow(way.lists);
    if (combined.length === 0) {
      if (certain.length > 0) return { paths: [], from: undefined, skip: undefined, labels, notes };
      continue;
    }
    const narrowest = intersection(combined);
    if (narrowest) lists.push(narrowest);
    else {
      skip ??= `it runs only when all of ${combined.map((list) => list.from).join(", ")} match, which one list of paths cannot say`;
      lists.push(...combined);
    }
  }
  const paths = [...new Set(lists.flatMap((list) => list.patterns))];
  const from = [...new Set(lists.map((list) => list.from))].join("; ");
  return { paths, from: from || undefined, skip, labels: [...new Set(labels)], notes };
}

function wayOf(analysis: Analysis, workflow: Workflow, term: Term): Way {
  const way: Way = { lists: [], labels: [], others: [] };
  for (const literal of term) {
    const described = `${literal.negated ? "not " : ""}${describeAtom(literal.atom)}`;
    if (literal.negated) way.others.push(described);
    else if (literal.atom.kind === "label") way.labels.push(literal.atom.name);
    else if (literal.atom.kind === "filter") {
      const list = filterList(analysis, workflow, literal.atom);
      if (list) way.lists.push(list);
      else way.others.push(described);
    } else way.others.push(described);
  }
  return way;
}

function filterList(
  analysis: Analysis,
  workflow: Workflow,
  value: Extract<Atom, { kind: "filter" }>,
) {
  const job = workflow.jobs.find((candidate) => candidate.id === value.job);
  const step = job?.steps.find(
    (candidate) => candidate.id === value.step && isPathsFilter(candidate),
  );
  if (!job || !step) return undefined;
  const group = filterGroups(step, analysis.repository.readFile)?.find(
    (candidate) => candidate.name.toLowerCase() === value.group.toLowerCase(),
  );
  if (!group || group.caveats.length > 0 || group.patterns.length === 0) return undefined;
  const line = nodePosition(workflow.file, step.node).line;
  return {
    patterns: group.patterns,
    from: `filter '${group.name}' of the paths-filter step of job '${job.id}' (line ${line})`,
  };
}

/**
 * The workflow's own paths filter as rule globs (`paths-ignore` becomes `!` globs), written from
 * GitHub's pattern syntax into the rules file's (`**.rs` is `**\/*.rs` there); undefined when a
 * pattern has no glob that says the same.
 */
function workflowPaths(workflow: Workflow, filter: PathFilter): Way["lists"][number] | undefined {
  const line = nodePosition(workflow.file, filter.node).line;
  const from = `the workflow's on: ${filter.kind} (line ${line})`;
  const globs = filter.patterns.map(filterPatternGlob);
  if (globs.some((glob) => glob === undefined) || readInOrder(filter)) return undefined;
  if (filter.kind === "paths-ignore") {
    return {
      patterns: (globs as string[]).map((glob) =>
        glob.startsWith("!") ? glob.slice(1) : `!${glob}`,
      ),
      from,
    };
  }
  return { patterns: globs as string[], from };
}

/**
 * Whether GitHub's reading of the filter depends on its order, which the rules file's paths do
 * not have: there the last pattern that matches a path decides, so a pattern after a `!` one
 * (`!docs/**`, then `docs/keep.md`) takes back part of it. A `paths` list whose `!` patterns all
 * follow the others, after at least one of them, and a `paths-ignore` list without `!` patterns
 * read the same without order; any other list cannot be written as a rule's paths.
 */
function readInOrder(filter: PathFilter): boolean {
  const negated = filter.patterns.map((pattern) => pattern.startsWith("!"));
  if (filter.kind === "paths-ignore") return negated.includes(true);
  const firstNegated = negated.indexOf(true);
  if (firstNegated === 0) return true;
  return firstNegated > 0 && negated.slice(firstNegated).includes(false);
}

/**
 * The list every one of `lists` allows, when one of them is narrower than all the others (each of
 * its example paths passes the others); undefined when none is.
 */
function intersection(lists: Way["lists"]): Way["lists"][number] | undefined {
  if (lists.length === 1) return lists[0];
  const allows = (patterns: string[], path: string) =>
    compilePaths(patterns).match(path) !== undefined;
  return lists.find((narrow) => {
    const samples = examplePaths(narrow.patterns.filter((pattern) => !pattern.startsWith("!")));
    const inside = samples.filter((path) => allows(narrow.patterns, path));
    return (
      inside.length > 0 &&
      lists.every(
        (wide) =>
          wide === narrow ||
          contains(wide.patterns, narrow.patterns) ||
          inside.every((path) => allows(wide.patterns, path)),
      )
    );
  });
}

function contains(wide: string[], narrow: string[]): boolean {
  return narrow.every((pattern) => wide.includes(pattern));
}

function sameLists(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((pattern) => b.includes(pattern));
}

function pathsText(paths: string[]): string {
  return paths.length > 3 ? `${paths.slice(0, 3).join(", ")}, ...` : paths.join(", ");
}
