import { isMap, isScalar, type Node, type Pair, type YAMLMap } from "yaml";
import { type Job, keyText, pairOf, resolved, type Workflow } from "../core/workflow.ts";
import { granted, type Token } from "./effective.ts";
import { inlineBlock } from "./finding.ts";
import type { Grants } from "./infer.ts";
import type { Edit } from "./patch.ts";
import type { Proposal } from "./proposal.ts";
import type { Level } from "./scopes.ts";

/** Text edits next to a workflow's nodes, in the file's own indentation and line endings. */
export class Writer {
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
    const text = start === value.range[0] ? `${this.spaceAfterColon(start)}{}` : ": {}";
    const edits: Edit[] = [{ start, end: stop, text }];
    // Whole-line comments and those after an entry (scope names and levels hold no `#`).
    const comments = this.source
      .slice(start, stop)
      .split(/\r?\n/)
      .map((line) => line.trim())
      .flatMap((line) => {
        const comment = line.startsWith("#") ? line : /\s(#.*)$/.exec(line)?.[1];
        return comment ? [comment] : [];
      });
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
    const merged = { ...granted(current), ...missing };
    if (!value?.range) {
      const keyEnd = (pair.key as Node).range?.[1];
      if (keyEnd === undefined) return undefined;
      const stop = this.source.indexOf(":", keyEnd) + 1;
      return { start: keyEnd, end: stop, text: `: ${inlineBlock(merged)}` };
    }
    const start = value.range[0];
    return {
      start,
      end: value.range[1],
      text: `${this.spaceAfterColon(start)}${inlineBlock(merged)}`,
    };
  }

  /** A space when `offset` directly follows a key's colon (an empty value has no text of its own). */
  private spaceAfterColon(offset: number): string {
    return this.source[offset - 1] === ":" ? " " : "";
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
      const entries = { ...granted(current), ...missing };
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

/** A block map's range can run into the next line's indentation; stop at its last character. */
export function trimEnd(source: string, start: number, end: number): number {
  let stop = end;
  while (stop > start && /\s/.test(source[stop - 1] as string)) stop--;
  return stop;
}
