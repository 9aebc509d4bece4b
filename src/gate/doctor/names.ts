import { isMap, type Node } from "yaml";
import {
  type Job,
  keyText,
  localWorkflowPath,
  pairOf,
  pairValue,
  resolved,
  textOf,
  type Workflow,
} from "../../core/workflow.ts";
import { NAME_LIMIT } from "../names.ts";
import { type ExpressionScope, evaluate, UnknownValue } from "./evaluate.ts";
import { parseTemplate, readsContext } from "./expression.ts";
import { legValueText, type MatrixLeg, matrixLegs } from "./matrix.ts";
import { escapeNamePattern, literalTokens, type NameToken, STAR } from "./name-pattern.ts";

/** GitHub cuts check run names longer than this to 97 characters and `...`. */
const CHECK_NAME_LIMIT = NAME_LIMIT;

/** A part of a check name that is not known statically (a matrix computed at run time). */
export const ANY = Symbol("any");
type Piece = string | typeof ANY;

/** One check run name a job can produce, as GitHub will show it. */
export interface CheckName {
  /** The name as shown, cut as GitHub cuts it; unknown parts are `*`. */
  text: string;
  /** The exact name when every part is known. */
  literal: string | undefined;
  /** The name before GitHub cut it, when it was (or may be) cut. */
  uncut: string | undefined;
  /** A rule pattern for the name: its variable parts as `*` (`check (*)`, `charts / *`). */
  template: string;
  /** Token lists of every form the name may take (uncut and cut), for pattern overlap. */
  forms: NameToken[][];
}

/** Reads another workflow of the repository (for `uses: ./.github/workflows/x.yml`). */
export type WorkflowLookup = (path: string) => Workflow | undefined;

/** Nested reusable workflows deeper than GitHub's limit are not followed. */
const MAX_DEPTH = 4;

/**
 * Every check name a job produces: one per matrix leg (`test (ubuntu, 1.80)`), and for a job that
 * calls a local reusable workflow one per job of that workflow (`caller / callee`), as deep as
 * calls go. Parts that depend on run-time values become `*`.
 */
export function jobCheckNames(
  workflow: Workflow,
  job: Job,
  lookup: WorkflowLookup,
  inputs?: Record<string, unknown>,
  depth = 0,
): CheckName[] {
  return jobNamePieces(workflow, job, lookup, inputs, depth).map(({ pieces, template }) =>
    checkName(pieces, template),
  );
}

/**
 * The check run name of a job that is skipped: GitHub expands neither its matrix nor the reusable
 * workflow it calls then, so the check is named after the job as written (`build`, or
 * `Build ${{ matrix.os }}` with the expression left in); other jobs keep their one name.
 */
export function skippedCheckName(workflow: Workflow, job: Job, lookup: WorkflowLookup): CheckName {
  if (job.matrix === undefined && job.calls === undefined) {
    const [name] = jobCheckNames(workflow, job, lookup);
    if (name) return name;
  }
  const written = job.name ?? job.id;
  return checkName([written], escapeNamePattern(written));
}

interface NamePieces {
  pieces: Piece[];
  template: string;
}

function jobNamePieces(
  workflow: Workflow,
  job: Job,
  lookup: WorkflowLookup,
  inputs: Record<string, unknown> | undefined,
  depth: number,
): NamePieces[] {
  const legs = matrixLegs(workflow.file, job.matrix);
  const template = parseTemplate(job.name ?? job.id);
  const namedByMatrix = template.some(
    (part) => "expression" in part && readsContext(part.expression, "matrix"),
  );
  const results: NamePieces[] = [];
  for (const leg of legs ?? [undefined]) {
    const scope: ExpressionScope = {
      matrix: leg ? Object.fromEntries(leg) : undefined,
      inputs,
    };
    const pieces: Piece[] = template.map((part) =>
      "text" in part ? part.text : expressionText(part.expression, scope),
    );
    let shape = template
      .map((part) => ("text" in part ? escapeNamePattern(part.text) : "*"))
      .join("");
    if (!namedByMatrix) {
      const suffix = legSuffix(leg, legs === undefined);
      if (suffix) {
        pieces.push(...suffix);
        shape += " (*)";
      }
    }
    if (job.calls === undefined) {
      results.push({ pieces, template: shape });
      continue;
    }
    for (const called of calledNames(workflow, job, leg, lookup, inputs, depth)) {
      results.push({
        pieces: [...pieces, " / ", ...called.pieces],
        template: `${shape} / ${called.template}`,
      });
    }
  }
  return results;
}

function expressionText(
  expression: Parameters<typeof evaluate>[0] | undefined,
  scope: ExpressionScope,
): Piece {
  if (!expression) return ANY;
  const value = evaluate(expression, scope);
  return "known" in value ? (legValueText(value.known) ?? ANY) : ANY;
}

/** ` (a, b)` for a matrix leg; ` (*)` for a matrix computed at run time; nothing without one. */
function legSuffix(leg: MatrixLeg | undefined, dynamic: boolean): Piece[] | undefined {
  if (dynamic) return [" (", ANY, ")"];
  // Empty values (null, '') are left out of the parentheses; with none left there are none.
  const values = (leg ?? [])
    .map(([, value]) => (value instanceof UnknownValue ? ANY : (legValueText(value) ?? ANY)))
    .filter((value) => value !== "");
  if (values.length === 0) return undefined;
  const pieces: Piece[] = [" ("];
  values.forEach((value, index) => {
    if (index > 0) pieces.push(", ");
    pieces.push(value);
  });
  pieces.push(")");
  return pieces;
}

function calledNames(
  workflow: Workflow,
  job: Job,
  leg: MatrixLeg | undefined,
  lookup: WorkflowLookup,
  inputs: Record<string, unknown> | undefined,
  depth: number,
): NamePieces[] {
  const path = localWorkflowPath(job.calls as string);
  const callee = path && depth < MAX_DEPTH ? lookup(path) : undefined;
  if (!callee || path === workflow.file.path) return [{ pieces: [ANY], template: "*" }];
  const scope: ExpressionScope = { matrix: leg ? Object.fromEntries(leg) : undefined, inputs };
  const given: Record<string, unknown> = { ...inputDefaults(callee) };
  for (const [name, text] of Object.entries(job.with)) {
    const parts = parseTemplate(text);
    const pieces = parts.map((part) =>
      "text" in part ? part.text : expressionText(part.expression, scope),
    );
    given[name.toLowerCase()] = pieces.includes(ANY) ? new UnknownValue() : pieces.join("");
  }
  const names = callee.jobs.flatMap((calleeJob) =>
    jobNamePieces(callee, calleeJob, lookup, given, depth + 1),
  );
  // The caller's part is fixed, so the callee's jobs together read `caller / *`.
  const template = names.length === 1 ? (names[0] as NamePieces).template : "*";
  return names.map((name) => ({ pieces: name.pieces, template }));
}

function inputDefaults(callee: Workflow): Record<string, unknown> {
  const call = callee.triggers.find((trigger) => trigger.event === "workflow_call");
  const inputs = pairValue(callee.file, pairOf(call?.settings, "inputs"));
  const defaults: Record<string, unknown> = {};
  if (!isMap(inputs)) return defaults;
  for (const pair of inputs.items) {
    const settings = resolved(callee.file, pair.value as Node | null);
    const text = textOf(callee.file, pairOf(settings, "default")?.value);
    if (text === undefined) continue;
    defaults[keyText(pair).toLowerCase()] = text.includes("${{") ? new UnknownValue() : text;
  }
  return defaults;
}

/** The name as GitHub will show it, with every form it may take once cut. */
function checkName(pieces: Piece[], template: string): CheckName {
  const known = !pieces.includes(ANY);
  const full = pieces.map((piece) => (piece === ANY ? "*" : piece)).join("");
  const uncutTokens = pieces.flatMap((piece) => (piece === ANY ? [STAR] : literalTokens(piece)));
  if (known) {
    const chars = [...full];
    if (chars.length <= CHECK_NAME_LIMIT) {
      return { text: full, literal: full, uncut: undefined, template, forms: [uncutTokens] };
    }
    const cut = cutName(full);
    return { text: cut, literal: cut, uncut: full, template, forms: [literalTokens(cut)] };
  }
  // An unknown part may make the name long enough to be cut, at a place that is unknown too.
  const before: NameToken[] = [];
  for (const token of uncutTokens) {
    if (token.star || before.length === CHECK_NAME_LIMIT - 3) break;
    before.push(token);
  }
  const cutForm = [
    ...before,
    ...(before.length < CHECK_NAME_LIMIT - 3 ? [STAR] : []),
    ...literalTokens("..."),
  ];
  const fixedLength = uncutTokens.filter((token) => !token.star).length;
  const forms = fixedLength > CHECK_NAME_LIMIT ? [cutForm] : [uncutTokens, cutForm];
  return { text: full, literal: undefined, uncut: undefined, template, forms };
}

/** GitHub's cut: the first 97 characters and `...`. */
export function cutName(name: string): string {
  const chars = [...name];
  return chars.length <= CHECK_NAME_LIMIT
    ? name
    : `${chars.slice(0, CHECK_NAME_LIMIT - 3).join("")}...`;
}
