import { isMap, isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import {
  type Job,
  keyText,
  loadWorkflow,
  pairOf,
  resolved,
  type Workflow,
} from "../core/workflow.ts";
import { inlineBlock, mayUseOidc } from "./check.ts";
import { blockToken, type Token } from "./effective.ts";
import type { Grants } from "./infer.ts";
import { type Edit, patchFromEdits } from "./patch.ts";
import type { Policy } from "./policy.ts";
import { type Proposal, proposedBlock } from "./proposal.ts";
import type { CalleeLookup } from "./reusable.ts";
import { type Level, rank } from "./scopes.ts";

/** What the fixer did to one file, in words for the log and the summary. */
export interface FileFix {
  path: string;
  before: string;
  after: string;
  changes: FixChange[];
  /** A unified diff of the change (`git apply` reads it); empty when nothing changed. */
  patch: string;
}

export interface FixChange {
  job?: string;
  /** The line of the change in the fixed file. */
  line: number;
  description: string;
  /** Why a person must check the written block; empty when it was fully inferred. */
  review: string[];
}

export interface FixContext {
  /** The reusable workflows the file's jobs call, as they are after their own fix. */
  callee?: CalleeLookup;
}

interface Planned {
  edit: Edit;
  change: Omit<FixChange, "line">;
}

/**
 * Adds `permissions: {}` at the top level and a block to each job that must state one, by inserting
 * lines next to the existing text: comments, order, quoting and indentation of the rest stay as
 * they were. A calling job is raised to what its called workflow's jobs request, so GitHub starts
 * the run; `id-token: write` that no step can use is dropped. A fixed file gives no more work to a
 * second run.
 */
export function fixWorkflowText(
  path: string,
  text: string,
  policy: Policy,
  context: FixContext = {},
): FileFix {
  const unchanged: FileFix = { path, before: text, after: text, changes: [], patch: "" };
  const load = loadWorkflow(path, text);
  if (!load.workflow || load.workflow.root.flow) return unchanged;
  const { workflow } = load;
  const source = workflow.file.text;
  const writer = new Writer(workflow);
  const planned: Planned[] = [];
  const topMissing = workflow.permissions === undefined;
  const topAccepted = !topMissing && acceptedTopLevel(workflow, policy);
  // The top-level grant each blockless job has once the fix is in: `{}` unless it stays as it is.
  const topAfter: Token | undefined =
    topAccepted && workflow.permissions ? blockToken(workflow, workflow.permissions) : undefined;
  let everyJobSettled = true;
  for (const job of workflow.jobs) {
    if (job.permissions) {
      const plan =
        job.calls !== undefined
          ? raiseCaller(writer, job, proposedBlock(workflow, job, policy, context.callee))
          : dropUnusedIdToken(writer, job, policy);
      if (plan) planned.push(plan);
      continue;
    }
    const proposal = proposedBlock(workflow, job, policy, context.callee);
    const inherited = topAfter ?? {};
    const short = Object.entries(proposal.grants).some(
      ([scope, level]) => rank(level) > rank(inherited[scope] ?? "none"),
    );
    const mustState = topMissing || !topAccepted || policy.requireJobBlocks;
    // A job that needs nothing known runs as well under the `{}` it will inherit.
    const enough = !short && proposal.review.length === 0 && !policy.requireJobBlocks;
    if (!(mustState || short) || enough) continue;
    const edit = writer.insertJobBlock(job, proposal);
    if (!edit) {
      everyJobSettled = false;
      continue;
    }
    planned.push({
      edit,
      change: {
        job: job.id,
        description: `added 'permissions: ${inlineBlock(proposal.grants)}' to job '${job.id}'${neededBy(proposal)}`,
        review: proposal.review,
      },
    });
  }
  const top = topLevelEdits(
    writer,
    topMissing,
    topAccepted && !policy.requireJobBlocks,
    everyJobSettled,
  );
  for (const plan of top) planned.push(plan);
  if (planned.length === 0) return unchanged;
  const edits = planned.map((plan) => plan.edit);
  const after = applyEdits(source, edits);
  const bom = workflow.byteOrderMark ? "\uFEFF" : "";
  const shifted = bom ? edits.map((e) => ({ ...e, start: e.start + 1, end: e.end + 1 })) : edits;
  const lines = linesInResult(workflow, edits);
  const changes = planned.map(({ edit, change }) => ({ ...change, line: lines.get(edit) ?? 1 }));
  changes.sort((a, b) => a.line - b.line);
  return {
    path,
    before: text,
    after: `${bom}${after}`,
    changes,
    patch: patchFromEdits(path, text, shifted),
  };
}

function neededBy(proposal: Proposal): string {
  const reasons = Object.entries(proposal.neededBy)
    .filter(([scope]) => proposal.grants[scope] && proposal.grants[scope] !== "none")
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([scope, why]) => `${scope}: ${proposal.grants[scope]} for ${why}`);
  return reasons.length > 0 ? ` (${reasons.join("; ")})` : "";
}

/** A calling job whose block is below what the called jobs request gets the missing scopes. */
function raiseCaller(writer: Writer, job: Job, proposal: Proposal): Planned | undefined {
  const pair = job.permissions as Pair<Node, Node | null>;
  const current = blockToken(writer.workflow, pair);
  const missing: Grants = {};
  for (const [scope, level] of Object.entries(proposal.grants)) {
    if (rank(level) > rank(current[scope] ?? "none")) missing[scope] = level;
  }
  if (Object.keys(missing).length === 0) return undefined;
  const edit = writer.raiseBlock(pair, current, missing);
  if (!edit) return undefined;
  const raised: Proposal = { ...proposal, grants: missing };
  return {
    edit,
    change: {
      job: job.id,
      description: `raised job '${job.id}' by '${inlineBlock(missing)}' so GitHub starts ${job.calls}${neededBy(raised)}`,
      review: proposal.review,
    },
  };
}

/** `id-token: write` in a job with no OIDC consumer, removed. */
function dropUnusedIdToken(writer: Writer, job: Job, policy: Policy): Planned | undefined {
  const pair = job.permissions as Pair<Node, Node | null>;
  const value = resolved(writer.workflow.file, pair.value);
  if (!isMap(value) || value !== pair.value || value.flow) return undefined;
  const grant = pairOf(value, "id-token");
  if (!grant || !isScalar(grant.value) || grant.value.value !== "write") return undefined;
  if (mayUseOidc(job, policy)) return undefined;
  const edit =
    value.items.length === 1
      ? writer.emptyBlock(pair)
      : writer.removeEntry(grant as Pair<Node, Node>);
  if (!edit) return undefined;
  return {
    edit,
    change: {
      job: job.id,
      description: `removed 'id-token: write' from job '${job.id}': no step uses an OIDC consumer`,
      review: [],
    },
  };
}

function topLevelEdits(
  writer: Writer,
  missing: boolean,
  accepted: boolean,
  everyJobSettled: boolean,
): Planned[] {
  if (missing) {
    const edit = writer.insertTopLevel();
    return edit
      ? [{ edit, change: { description: "added 'permissions: {}' at the top level", review: [] } }]
      : [];
  }
  // The top-level block may only be emptied once no job still relies on it.
  if (accepted || !everyJobSettled) return [];
  const pair = writer.workflow.permissions as Pair<Node, Node | null>;
  return writer.emptyTopLevel(pair).map((edit) => ({
    edit,
    change: { description: "replaced the top-level block with 'permissions: {}'", review: [] },
  }));
}

function acceptedTopLevel(workflow: Workflow, policy: Policy): boolean {
  const value = resolved(workflow.file, workflow.permissions?.value);
  if (isMap(value) && value.items.length === 0) return true;
  if (policy.topLevel !== "read-only" || !isMap(value)) return false;
  return value.items.every(
    (item) => isScalar(item.value) && ["read", "none"].includes(String(item.value.value)),
  );
}

/** Text edits next to a workflow's nodes, in the file's own indentation and line endings. */
class Writer {
  readonly workflow: Workflow;
  private readonly source: string;
  private readonly newline: string;
  private readonly unit: string;
  private readonly jobValues: Map<Node, Node | null>;

  constructor(workflow: Workflow) {
    this.workflow = workflow;
    this.source = workflow.file.text;
    this.newline = this.source.includes("\r\n") ? "\r\n" : "\n";
    this.unit = indentUnit(workflow);
    const jobs = resolved(workflow.file, workflow.jobsPair?.value);
    this.jobValues = new Map(
      isMap(jobs)
        ? (jobs as YAMLMap<Node, Node | null>).items.map((pair) => [pair.key, pair.value])
        : [],
    );
  }

  insertTopLevel(): Edit | undefined {
    const anchor = this.workflow.jobsPair?.key;
    if (!anchor?.range) return undefined;
    const start = insertionPoint(this.source, anchor.range[0]);
    if (start === undefined) return undefined;
    const indent = this.indentOf(anchor.range[0]);
    return { start, end: start, text: `${indent}permissions: {}${this.newline}${this.newline}` };
  }

  /** `permissions: {}` in place of the block, its comments kept above the key. */
  emptyTopLevel(pair: Pair<Node, Node | null>): Edit[] {
    const value = pair.value;
    if (!value?.range || !(pair.key as Node).range) return [];
    const key = pair.key as Node;
    const target = resolved(this.workflow.file, value);
    const blockMap = isMap(target) && !target.flow && target === value;
    const [start, end] = blockMap
      ? [key.range?.[1] ?? value.range[0], value.range[1]]
      : [value.range[0], value.range[1]];
    const stop = trimEnd(this.source, start, end);
    const edits: Edit[] = [{ start, end: stop, text: start === value.range[0] ? "{}" : ": {}" }];
    const comments = this.source
      .slice(start, stop)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.startsWith("#"));
    const keyOffset = key.range?.[0] ?? start;
    const keyStart = insertionPoint(this.source, keyOffset);
    if (comments.length > 0 && keyStart !== undefined) {
      const indent = this.indentOf(keyOffset);
      const text = comments.map((line) => `${indent}${line}${this.newline}`).join("");
      edits.push({ start: keyStart, end: keyStart, text });
    }
    return edits;
  }

  insertJobBlock(job: Job, proposal: Proposal): Edit | undefined {
    const body = job.body;
    // A job written as an alias shares its body with another job: leave it to that job's fix.
    if (!body || body.flow || this.jobValues.get(job.key) !== body) return undefined;
    const anchorPair =
      pairOf(body, "steps") ??
      pairOf(body, "uses") ??
      (body.items[0] as Pair<Node, Node | null> | undefined);
    const key = anchorPair?.key;
    if (!key?.range) return undefined;
    const start = insertionPoint(this.source, key.range[0]);
    if (start === undefined) return undefined;
    const indent = this.indentOf(key.range[0]);
    const mark =
      proposal.review.length > 0
        ? `  # status-gate: review: ${proposal.review.join("; ").replace(/[\r\n]+/g, " ")}`
        : "";
    const entries = sortedEntries(proposal.grants);
    const lines =
      entries.length === 0
        ? [`${indent}permissions: {}${mark}`]
        : [
            `${indent}permissions:${mark}`,
            ...entries.map(([scope, level]) => `${indent}${this.unit}${scope}: ${level}`),
          ];
    return { start, end: start, text: lines.map((line) => `${line}${this.newline}`).join("") };
  }

  /** The block with `missing` added: new lines in a block map, an inline map otherwise. */
  raiseBlock(pair: Pair<Node, Node | null>, current: Token, missing: Grants): Edit | undefined {
    const value = pair.value;
    const target = resolved(this.workflow.file, value);
    if (target !== value && value) return undefined; // an alias: its anchor serves others too
    if (isMap(target) && !target.flow && target.items.length > 0) {
      // Several edits would be needed for raised and added scopes; one rewrite of the map is simpler.
      return this.rewriteBlockMap(target as YAMLMap<Node, Node | null>, current, missing);
    }
    if (isScalar(target) && target.value === "read-all") return undefined;
    const merged = { ...grantedOnly(current), ...missing };
    if (!value?.range) {
      const keyEnd = (pair.key as Node).range?.[1];
      if (keyEnd === undefined) return undefined;
      const stop = this.source.indexOf(":", keyEnd) + 1;
      return { start: keyEnd, end: stop, text: `: ${inlineBlock(merged)}` };
    }
    return { start: value.range[0], end: value.range[1], text: inlineBlock(merged) };
  }

  private rewriteBlockMap(
    map: YAMLMap<Node, Node | null>,
    current: Token,
    missing: Grants,
  ): Edit | undefined {
    const first = map.items[0]?.key as Node | undefined;
    const last = map.items[map.items.length - 1];
    if (!first?.range || !last) return undefined;
    const lastEnd = (last.value ?? (last.key as Node))?.range?.[1];
    if (lastEnd === undefined) return undefined;
    const indent = this.indentOf(first.range[0]);
    // Raise values in place; add new scopes as lines after the last entry.
    const raised = map.items.filter((item) => missing[keyText(item)] !== undefined);
    if (raised.length > 0) {
      // Rewriting from the first key to the last value keeps comments outside the entries.
      const entries = { ...grantedOnly(current), ...missing };
      const text = sortedEntries(entries)
        .map(([scope, level], index) => `${index === 0 ? "" : indent}${scope}: ${level}`)
        .join(this.newline);
      return { start: first.range[0], end: trimEnd(this.source, first.range[0], lastEnd), text };
    }
    const end = trimEnd(this.source, first.range[0], lastEnd);
    const lineEnd = this.source.indexOf("\n", end);
    const at = lineEnd < 0 ? this.source.length : lineEnd + 1;
    const text = sortedEntries(missing)
      .map(([scope, level]) => `${indent}${scope}: ${level}${this.newline}`)
      .join("");
    return { start: at, end: at, text: lineEnd < 0 ? `${this.newline}${text}` : text };
  }

  /** A block map with one entry becomes `{}`. */
  emptyBlock(pair: Pair<Node, Node | null>): Edit | undefined {
    const keyEnd = (pair.key as Node).range?.[1];
    const valueEnd = pair.value?.range?.[1];
    if (keyEnd === undefined || valueEnd === undefined) return undefined;
    return { start: keyEnd, end: trimEnd(this.source, keyEnd, valueEnd), text: ": {}" };
  }

  /** The lines of one entry of a block map, removed. */
  removeEntry(entry: Pair<Node, Node>): Edit | undefined {
    const keyStart = entry.key.range?.[0];
    const valueEnd = entry.value?.range?.[1];
    if (keyStart === undefined || valueEnd === undefined) return undefined;
    const start = lineStart(this.source, keyStart);
    if (this.source.slice(start, keyStart).trim() !== "") return undefined;
    const end = trimEnd(this.source, keyStart, valueEnd);
    const lineEnd = this.source.indexOf("\n", end);
    const rest = this.source.slice(end, lineEnd < 0 ? this.source.length : lineEnd);
    if (rest.trim() !== "" && !rest.trim().startsWith("#")) return undefined;
    return { start, end: lineEnd < 0 ? this.source.length : lineEnd + 1, text: "" };
  }

  private indentOf(offset: number): string {
    return " ".repeat(offset - lineStart(this.source, offset));
  }
}

function grantedOnly(token: Token): Grants {
  return Object.fromEntries(Object.entries(token).filter(([, level]) => level !== "none"));
}

function sortedEntries(grants: Grants): [string, Level][] {
  return Object.entries(grants)
    .filter(([, level]) => level !== "none")
    .sort(([a], [b]) => (a < b ? -1 : 1));
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

/** The 1-based line where each edit's text starts in the fixed file, in one pass over the edits. */
function linesInResult(workflow: Workflow, edits: Edit[]): Map<Edit, number> {
  const lines = new Map<Edit, number>();
  let shift = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    lines.set(edit, workflow.file.lineCounter.linePos(edit.start).line + shift);
    shift += newlines(edit.text) - newlines(workflow.file.text.slice(edit.start, edit.end));
  }
  return lines;
}

function newlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) count++;
  return count;
}

/** A block map's range can run into the next line's indentation; stop at its last character. */
function trimEnd(source: string, start: number, end: number): number {
  let stop = end;
  while (stop > start && /\s/.test(source[stop - 1] as string)) stop--;
  return stop;
}

function applyEdits(source: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let result = "";
  let cursor = 0;
  for (const edit of sorted) {
    result += source.slice(cursor, edit.start) + edit.text;
    cursor = Math.max(cursor, edit.end);
  }
  return result + source.slice(cursor);
}
