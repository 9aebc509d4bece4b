import { isMap, isScalar, type Node, type Pair } from "yaml";
import { type Job, loadWorkflow, pairOf, resolved, type Workflow } from "../core/workflow.ts";
import { mayUseOidc } from "./check.ts";
import { blockToken, type Token } from "./effective.ts";
import { inlineBlock } from "./finding.ts";
import type { Grants } from "./infer.ts";
import { type Edit, patchFromEdits } from "./patch.ts";
import type { Policy } from "./policy.ts";
import { type Proposal, proposedBlock } from "./proposal.ts";
import type { CallContext } from "./reusable.ts";
import { rank } from "./scopes.ts";
import { Writer } from "./writer.ts";

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

/**
 * The reusable workflows the file's jobs call, as they are after their own fix, and the grants its
 * callers give it today.
 */
export type FixContext = CallContext;

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
          ? raiseCaller(writer, job, proposedBlock(workflow, job, policy, context))
          : dropUnusedIdToken(writer, job, policy);
      if (plan) planned.push(plan);
      continue;
    }
    const proposal = proposedBlock(workflow, job, policy, context);
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
