import type { Expression } from "./expression.ts";
import { all, any, atom, type Formula, not, unknown } from "./formula.ts";

/**
 * What is known while evaluating an expression statically: the event (for conditions), a matrix
 * leg and a reusable workflow's inputs (for names), and how to turn `needs.<job>` facts into
 * formulas. What is not given stays unknown.
 */
export interface ExpressionScope {
  event?: string;
  /** `github.ref` of the event: `refs/heads/main`, `refs/tags/v1`. */
  ref?: string;
  /** The base branch of a pull request or merge group. */
  baseBranch?: string;
  matrix?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  /** `needs.<job>.result == <result>`. */
  result?(job: string, result: string): Formula;
  /** `needs.<job>.outputs.<output> == <value>`. */
  output?(job: string, output: string, value: string): Formula;
  /** `success()`: every need succeeded. */
  success?(): Formula;
}

type Symbol =
  | { kind: "result"; job: string }
  | { kind: "output"; job: string; output: string; parsed: boolean }
  | { kind: "labels" };

/** A value known exactly, a truth value as a formula, a value named by a symbol, or unknown text. */
export type Value =
  | { known: unknown }
  | { formula: Formula }
  | { symbol: Symbol; text: string }
  | { unknown: string };

/** Whether a condition holds, as a formula of what the scope leaves unknown. */
export function truth(expression: Expression | undefined, scope: ExpressionScope): Formula {
  if (!expression) return unknown("a condition this check cannot read");
  return truthOf(evaluate(expression, scope), scope);
}

function truthOf(value: Value, scope: ExpressionScope): Formula {
  if ("known" in value) return truthy(value.known);
  if ("formula" in value) return value.formula;
  if ("symbol" in value && value.symbol.kind === "output" && value.symbol.parsed) {
    return scope.output?.(value.symbol.job, value.symbol.output, "true") ?? unknown(value.text);
  }
  return unknown("symbol" in value ? value.text : value.unknown);
}

function truthy(value: unknown): boolean {
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  return value !== null && value !== undefined && value !== false && value !== "";
}

export function evaluate(expression: Expression, scope: ExpressionScope): Value {
  switch (expression.kind) {
    case "literal":
      return { known: expression.value };
    case "path":
      return pathValue(expression.parts, scope);
    case "not":
      return { formula: not(truthOf(evaluate(expression.operand, scope), scope)) };
    case "binary":
      return binary(expression, scope);
    case "call":
      return call(expression.name, expression.args, scope);
    case "property": {
      const target = evaluate(expression.target, scope);
      if ("known" in target) return { known: property(target.known, expression.name) };
      return { unknown: `${show(expression.target)}.${expression.name}` };
    }
  }
}

function property(value: unknown, name: string): unknown {
  if (value === null || typeof value !== "object") return null;
  const entry = Object.entries(value).find(([key]) => key.toLowerCase() === name);
  return entry ? entry[1] : null;
}

function pathValue(parts: string[], scope: ExpressionScope): Value {
  const text = parts.join(".");
  const [context, ...rest] = parts;
  if (context === "matrix" && scope.matrix) return known(scope.matrix, rest, text);
  if (context === "inputs" && scope.inputs) return known(scope.inputs, rest, text);
  if (context === "needs" && rest.length >= 2) {
    const [job, field, output] = rest as [string, string, string | undefined];
    if (field === "result" && rest.length === 2) return { symbol: { kind: "result", job }, text };
    if (field === "outputs" && output !== undefined && rest.length === 3) {
      return { symbol: { kind: "output", job, output, parsed: false }, text };
    }
  }
  if (context === "github" && scope.event !== undefined) {
    const field = rest.join(".");
    // Both pull request events carry the pull request (its base, its labels).
    const pull = scope.event === "pull_request" || scope.event === "pull_request_target";
    if (field === "event_name") return { known: scope.event };
    if (field === "ref" && scope.ref !== undefined) return { known: scope.ref };
    if (field === "ref_name" && scope.ref !== undefined)
      return { known: scope.ref.replace(/^refs\/(heads|tags)\//, "") };
    if (field === "base_ref") return { known: pull ? (scope.baseBranch ?? null) : "" };
    if (field === "event.pull_request.labels.*.name" && pull) {
      return { symbol: { kind: "labels" }, text };
    }
    // Outside pull requests the payload has no pull_request at all.
    if (field.startsWith("event.pull_request") && !pull) return { known: null };
  }
  return { unknown: text };
}

function known(values: Record<string, unknown>, path: string[], text: string): Value {
  let value: unknown = values;
  for (const part of path) {
    if (value === null || typeof value !== "object" || Array.isArray(value))
      return { unknown: text };
    const entry = Object.entries(value).find(([key]) => key.toLowerCase() === part);
    if (!entry) return { known: null };
    value = entry[1];
  }
  return value instanceof UnknownValue ? { unknown: text } : { known: value };
}

/** A matrix value or input whose content cannot be known statically (an expression). */
export class UnknownValue {}

function binary(
  expression: Extract<Expression, { kind: "binary" }>,
  scope: ExpressionScope,
): Value {
  const { operator } = expression;
  if (operator === "&&" || operator === "||") {
    const left = truthOf(evaluate(expression.left, scope), scope);
    const right = truthOf(evaluate(expression.right, scope), scope);
    return { formula: operator === "&&" ? all(left, right) : any(left, right) };
  }
  const left = evaluate(expression.left, scope);
  const right = evaluate(expression.right, scope);
  if ("known" in left && "known" in right)
    return { known: compare(operator, left.known, right.known) };
  if (operator !== "==" && operator !== "!=") return { unknown: show(expression) };
  const [symbol, literal] =
    "symbol" in left && "known" in right
      ? [left, right.known]
      : "symbol" in right && "known" in left
        ? [right, left.known]
        : [];
  if (!symbol || !("symbol" in symbol) || typeof literal !== "string") {
    return { formula: unknown(show(expression)) };
  }
  const equal = symbolEquals(symbol.symbol, literal.toLowerCase(), scope);
  if (equal === undefined) return { formula: unknown(show(expression)) };
  return { formula: operator === "==" ? equal : not(equal) };
}

function symbolEquals(
  symbol: Symbol,
  literal: string,
  scope: ExpressionScope,
): Formula | undefined {
  if (symbol.kind === "result") return scope.result?.(symbol.job, literal);
  if (symbol.kind === "output" && !symbol.parsed)
    return scope.output?.(symbol.job, symbol.output, literal);
  return undefined;
}

/** GitHub's loose comparison: strings ignore case, other mixed types compare as numbers. */
function compare(operator: string, left: unknown, right: unknown): boolean {
  let a = left;
  let b = right;
  if (typeof a === "string" && typeof b === "string") {
    a = a.toLowerCase();
    b = b.toLowerCase();
  } else if (typeof a !== typeof b) {
    a = toNumber(a);
    b = toNumber(b);
  }
  switch (operator) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return (a as number) < (b as number);
    case "<=":
      return (a as number) <= (b as number);
    case ">":
      return (a as number) > (b as number);
    default:
      return (a as number) >= (b as number);
  }
}

function toNumber(value: unknown): number {
  if (value === null) return 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number") return value;
  if (typeof value === "string") return value.trim() === "" ? 0 : Number(value);
  return Number.NaN;
}

function call(name: string, args: Expression[], scope: ExpressionScope): Value {
  switch (name) {
    case "always":
      return { known: true };
    // What could happen when every job passes: no need failed and nothing was cancelled.
    case "failure":
    case "cancelled":
      return { known: false };
    case "success":
      return { formula: scope.success?.() ?? unknown("success()") };
    case "contains":
    case "startswith":
    case "endswith":
      return stringTest(name, args, scope);
    case "fromjson": {
      const [argument] = args;
      const value = argument ? evaluate(argument, scope) : { unknown: "" };
      if ("symbol" in value && value.symbol.kind === "output") {
        return { symbol: { ...value.symbol, parsed: true }, text: `fromJSON(${value.text})` };
      }
      if ("known" in value && typeof value.known === "string") {
        try {
          return { known: JSON.parse(value.known) };
        } catch {
          return { unknown: `fromJSON(${show(argument as Expression)})` };
        }
      }
      return { unknown: `fromJSON(${argument ? show(argument) : ""})` };
    }
    default:
      return { unknown: `${name}(${args.map(show).join(", ")})` };
  }
}

function stringTest(name: string, args: Expression[], scope: ExpressionScope): Value {
  const [haystack, needle] = args.map((arg) => evaluate(arg, scope));
  const text = `${name}(${args.map(show).join(", ")})`;
  if (!haystack || !needle) return { unknown: text };
  if (name === "contains" && "symbol" in haystack && haystack.symbol.kind === "labels") {
    if ("known" in needle && typeof needle.known === "string") {
      return { formula: atom({ kind: "label", key: `label:${needle.known}`, name: needle.known }) };
    }
    return { formula: unknown(text) };
  }
  if (!("known" in haystack) || !("known" in needle)) return { formula: unknown(text) };
  const target = String(needle.known ?? "").toLowerCase();
  if (Array.isArray(haystack.known)) {
    return { known: haystack.known.some((item) => String(item).toLowerCase() === target) };
  }
  const source = String(haystack.known ?? "").toLowerCase();
  if (name === "contains") return { known: source.includes(target) };
  return { known: name === "startswith" ? source.startsWith(target) : source.endsWith(target) };
}

/** An expression written back as text (for messages about conditions this check cannot decide). */
export function show(expression: Expression): string {
  switch (expression.kind) {
    case "literal":
      return typeof expression.value === "string"
        ? `'${expression.value.replace(/'/g, "''")}'`
        : String(expression.value);
    case "path":
      return expression.parts.join(".");
    case "call":
      return `${expression.name}(${expression.args.map(show).join(", ")})`;
    case "property":
      return `${show(expression.target)}.${expression.name}`;
    case "not":
      return `!${show(expression.operand)}`;
    case "binary":
      return `${show(expression.left)} ${expression.operator} ${show(expression.right)}`;
  }
}
