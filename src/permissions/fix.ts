import { isMap, isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import { type Job, loadWorkflow, pairOf, resolved, type Workflow } from "../core/workflow.ts";
import { inlineBlock } from "./check.ts";
import { type Grants, inferJob } from "./infer.ts";
import type { Policy } from "./policy.ts";

/** What the fixer did to one file, in words for the log and the summary. */
export interface FileFix {
  path: string;
  before: string;
  after: string;
  changes: FixChange[];
}

export interface FixChange {
  job?: string;
  line: number;
  description: string;
  /** Why a person must check the written block; empty when it was fully inferred. */
  review: string[];
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * Adds `permissions: {}` at the top level and an inferred block to every job without one, by
 * inserting lines next to the existing text: comments, order, quoting and indentation of the rest
 * stay as they were. A fixed file gives no more work to a second run.
 */
export function fixWorkflowText(path: string, text: string, policy: Policy): FileFix {
  const unchanged: FileFix = { path, before: text, after: text, changes: [] };
  const load = loadWorkflow(path, text);
  if (!load.workflow || load.workflow.root.flow) return unchanged;
  const { workflow } = load;
  const source = workflow.file.text;
  const newline = source.includes("\r\n") ? "\r\n" : "\n";
  const edits: Edit[] = [];
  const changes: FixChange[] = [];
  const unit = indentUnit(workflow);
  const blockless = workflow.jobs.filter((job) => !job.permissions);
  const fixedBodies = new Set<unknown>();
  for (const job of blockless) {
    const inferred = inferJob(job);
    const edit = jobEdit(workflow, job, inferred.grants, inferred.review, unit, newline);
    if (!edit) continue;
    edits.push(edit);
    fixedBodies.add(job.body);
    const description = `added 'permissions: ${inlineBlock(inferred.grants)}' to job '${job.id}'`;
    changes.push({
      job: job.id,
      line: lineOf(source, edit.start),
      description,
      review: inferred.review,
    });
  }
  const allJobsExplicit = blockless.every((job) => job.body && fixedBodies.has(job.body));
  const topEdit = topLevelEdit(workflow, policy, allJobsExplicit, newline);
  if (topEdit) {
    edits.push(topEdit.edit);
    changes.push({
      line: lineOf(source, topEdit.edit.start),
      description: topEdit.description,
      review: [],
    });
  }
  if (edits.length === 0) return unchanged;
  const after = applyEdits(source, edits);
  return { path, before: text, after: workflow.byteOrderMark ? `\uFEFF${after}` : after, changes };
}

function topLevelEdit(
  workflow: Workflow,
  policy: Policy,
  allJobsExplicit: boolean,
  newline: string,
) {
  const source = workflow.file.text;
  const pair = workflow.permissions;
  if (!pair) {
    const anchor = workflow.jobsPair?.key;
    if (!anchor?.range) return undefined;
    const start = insertionPoint(source, anchor.range[0]);
    if (start === undefined) return undefined;
    const indent = " ".repeat(anchor.range[0] - lineStart(source, anchor.range[0]));
    const edit = { start, end: start, text: `${indent}permissions: {}${newline}${newline}` };
    return { edit, description: "added 'permissions: {}' at the top level" };
  }
  // The top-level block may only be emptied when no job still relies on it.
  if (!allJobsExplicit || acceptedTopLevel(workflow, policy)) return undefined;
  const value = pair.value;
  if (!value?.range) return undefined;
  const target = resolved(workflow.file, value);
  const [start, end] =
    isMap(target) && !target.flow && target === value
      ? [(pair.key as Node).range?.[1] ?? value.range[0], value.range[1]]
      : [value.range[0], value.range[1]];
  const text = start === value.range[0] ? "{}" : ": {}";
  return {
    edit: { start, end: trimEnd(source, start, end), text },
    description: "replaced the top-level block with 'permissions: {}'",
  };
}

function acceptedTopLevel(workflow: Workflow, policy: Policy): boolean {
  const value = resolved(workflow.file, workflow.permissions?.value);
  if (isMap(value) && value.items.length === 0) return true;
  if (policy.topLevel !== "read-only" || !isMap(value)) return false;
  return value.items.every(
    (item) => isScalar(item.value) && ["read", "none"].includes(String(item.value.value)),
  );
}

function jobEdit(
  workflow: Workflow,
  job: Job,
  grants: Grants,
  review: string[],
  unit: string,
  newline: string,
): Edit | undefined {
  const body = job.body;
  // A job written as an alias shares its body with another job: leave it to that job's fix.
  if (!body || body.flow || jobValue(workflow, job) !== body) return undefined;
  const anchorPair =
    pairOf(body, "steps") ??
    pairOf(body, "uses") ??
    (body.items[0] as Pair<Node, Node | null> | undefined);
  const key = anchorPair?.key;
  if (!key?.range) return undefined;
  const source = workflow.file.text;
  const start = insertionPoint(source, key.range[0]);
  if (start === undefined) return undefined;
  const indent = " ".repeat(key.range[0] - lineStart(source, key.range[0]));
  const mark =
    review.length > 0
      ? `  # status-gate: review: ${review.join("; ").replace(/[\r\n]+/g, " ")}`
      : "";
  const entries = Object.entries(grants).sort(([a], [b]) => (a < b ? -1 : 1));
  const lines =
    entries.length === 0
      ? [`${indent}permissions: {}${mark}`]
      : [
          `${indent}permissions:${mark}`,
          ...entries.map(([scope, level]) => `${indent}${unit}${scope}: ${level}`),
        ];
  return { start, end: start, text: lines.map((line) => `${line}${newline}`).join("") };
}

function jobValue(workflow: Workflow, job: Job): Node | null | undefined {
  const jobs = resolved(workflow.file, workflow.jobsPair?.value);
  return (jobs as YAMLMap<Node, Node | null>).items.find((pair) => pair.key === job.key)?.value;
}

/** The indentation step the file uses, read from the first job's offset under `jobs:`. */
function indentUnit(workflow: Workflow): string {
  const jobsKey = workflow.jobsPair?.key?.range?.[0];
  const firstJob = workflow.jobs[0]?.key.range?.[0];
  if (jobsKey === undefined || firstJob === undefined) return "  ";
  const source = workflow.file.text;
  const width = firstJob - lineStart(source, firstJob) - (jobsKey - lineStart(source, jobsKey));
  return " ".repeat(width > 0 ? width : 2);
}

/**
 * Where to insert lines that belong before the key at `offset`: the start of its line, moved up
 * over the comment lines directly above it (they describe that key). Undefined when the key does
 * not start its line (nothing can be inserted before it without re-flowing text).
 */
function insertionPoint(source: string, offset: number): number | undefined {
  let start = lineStart(source, offset);
  const indent = source.slice(start, offset);
  if (indent.trim() !== "") return undefined;
  // Only comments at the key's own indentation: a deeper `#` line may sit inside a block scalar.
  while (start > 0) {
    const previous = lineStart(source, start - 1);
    const line = source.slice(previous, start);
    if (!line.startsWith(`${indent}#`)) break;
    start = previous;
  }
  return start;
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf("\n", offset - 1) + 1;
}

function lineOf(source: string, offset: number): number {
  let line = 1;
  for (
    let index = source.indexOf("\n");
    index >= 0 && index < offset;
    index = source.indexOf("\n", index + 1)
  )
    line++;
  return line;
}

/** A block map's range can run into the next line's indentation; stop at its last character. */
function trimEnd(source: string, start: number, end: number): number {
  let stop = end;
  while (stop > start && /\s/.test(source[stop - 1] as string)) stop--;
  return stop;
}

function applyEdits(source: string, edits: Edit[]): string {
  let result = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}
