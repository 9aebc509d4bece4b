/**
 * GitHub Actions expressions (`${{ ... }}` and bare `if:` conditions) parsed into a small tree, so
 * that job conditions, job names and matrix values can be reasoned about without running them.
 * Anything this parser does not understand yields `undefined`, which callers treat as unknown.
 */
export type Expression =
  | { kind: "literal"; value: string | number | boolean | null }
  /** A context path such as `needs.changes.outputs.relevant`; `*` is a filter (`labels.*.name`). */
  | { kind: "path"; parts: string[] }
  | { kind: "call"; name: string; args: Expression[] }
  /** Property access on something that is not a plain path (`fromJSON(x).y`). */
  | { kind: "property"; target: Expression; name: string }
  | { kind: "not"; operand: Expression }
  | { kind: "binary"; operator: BinaryOperator; left: Expression; right: Expression };

export type BinaryOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||";

type Token =
  | { type: "literal"; value: string | number | boolean | null }
  | { type: "name"; value: string }
  | { type: "punctuation"; value: string };

const PUNCTUATION = [
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "<",
  ">",
  "!",
  "(",
  ")",
  "[",
  "]",
  ".",
  ",",
  "*",
];

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] as string;
    if (/\s/.test(char)) {
      at++;
      continue;
    }
    if (char === "'") {
      let value = "";
      at++;
      for (;;) {
        if (at >= text.length) return undefined;
        if (text[at] === "'") {
          if (text[at + 1] !== "'") break;
          at++;
        }
        value += text[at];
        at++;
      }
      at++;
      tokens.push({ type: "literal", value });
      continue;
    }
    const number = /^(?:0x[0-9a-f]+|[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)/i.exec(text.slice(at));
    if (number && /[\d.]/.test(char + (text[at + 1] ?? ""))) {
      tokens.push({ type: "literal", value: Number(number[0]) });
      at += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(at));
    if (name) {
      const word = name[0];
      if (word === "true" || word === "false")
        tokens.push({ type: "literal", value: word === "true" });
      else if (word === "null") tokens.push({ type: "literal", value: null });
      else tokens.push({ type: "name", value: word });
      at += word.length;
      continue;
    }
    const punctuation = PUNCTUATION.find((p) => text.startsWith(p, at));
    if (!punctuation) return undefined;
    tokens.push({ type: "punctuation", value: punctuation });
    at += punctuation.length;
  }
  return tokens;
}

/** Parses one expression (without `${{ }}`); undefined when it is not one this parser knows. */
export function parseExpression(text: string): Expression | undefined {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return undefined;
  let at = 0;
  const peek = (value: string) => {
    const token = tokens[at];
    return token?.type === "punctuation" && token.value === value;
  };
  const take = (value: string) => {
    if (!peek(value)) throw new SyntaxError(`expected ${value}`);
    at++;
  };
  const binary = (operators: BinaryOperator[], next: () => Expression) => (): Expression => {
    let left = next();
    for (;;) {
      const operator = operators.find((op) => peek(op));
      if (!operator) return left;
      at++;
      left = { kind: "binary", operator, left, right: next() };
    }
  };
  const primary = (): Expression => {
    const token = tokens[at++];
    if (!token) throw new SyntaxError("unexpected end");
    if (token.type === "literal") return { kind: "literal", value: token.value };
    if (token.type === "punctuation") {
      if (token.value === "(") {
        const inner = or();
        take(")");
        return inner;
      }
      throw new SyntaxError(`unexpected ${token.value}`);
    }
    if (peek("(")) {
      at++;
      const args: Expression[] = [];
      while (!peek(")")) {
        args.push(or());
        if (!peek(")")) take(",");
      }
      at++;
      return { kind: "call", name: token.value.toLowerCase(), args };
    }
    return { kind: "path", parts: [token.value.toLowerCase()] };
  };
  const member = (): Expression => {
    let target = primary();
    for (;;) {
      let name: string | undefined;
      if (peek(".")) {
        at++;
        const token = tokens[at++];
        if (token?.type === "name") name = token.value.toLowerCase();
        else if (token?.type === "punctuation" && token.value === "*") name = "*";
        else throw new SyntaxError("expected a property name");
      } else if (peek("[")) {
        at++;
        const index = tokens[at++];
        if (index?.type === "literal" && index.value !== null)
          name = String(index.value).toLowerCase();
        else if (index?.type === "punctuation" && index.value === "*") name = "*";
        else throw new SyntaxError("only literal indexes are understood");
        take("]");
      } else return target;
      target =
        target.kind === "path"
          ? { kind: "path", parts: [...target.parts, name] }
          : { kind: "property", target, name };
    }
  };
  const unary = (): Expression => {
    if (peek("!")) {
      at++;
      return { kind: "not", operand: unary() };
    }
    return member();
  };
  const comparison = binary(["<=", ">=", "<", ">"], unary);
  const equality = binary(["==", "!="], comparison);
  const and = binary(["&&"], equality);
  const or = binary(["||"], and);
  try {
    const expression = or();
    return at === tokens.length ? expression : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An `if:` value as an expression: bare, or wrapped whole in `${{ }}`. Text that mixes `${{ }}`
 * with other characters is a string to GitHub (always true), which callers cannot judge: undefined.
 */
export function parseCondition(text: string): Expression | undefined {
  const trimmed = text.trim();
  const wrapped = /^\$\{\{([\s\S]*)\}\}$/.exec(trimmed);
  if (wrapped && !(wrapped[1] as string).includes("${{"))
    return parseExpression(wrapped[1] as string);
  if (trimmed.includes("${{")) return undefined;
  return parseExpression(trimmed);
}

/** Pieces of a string with `${{ }}` templates: literal text and parsed expressions in order. */
export type TemplatePart =
  | { text: string }
  | { expression: Expression | undefined; source: string };

export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let rest = text;
  for (;;) {
    const start = rest.indexOf("${{");
    const end = start < 0 ? -1 : rest.indexOf("}}", start + 3);
    if (start < 0 || end < 0) {
      if (rest) parts.push({ text: rest });
      return parts;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start) });
    const source = rest.slice(start + 3, end);
    parts.push({ expression: parseExpression(source), source });
    rest = rest.slice(end + 2);
  }
}

/** Whether an expression reads a context (`matrix`, `inputs`, ...) anywhere. */
export function readsContext(expression: Expression | undefined, context: string): boolean {
  if (!expression) return false;
  switch (expression.kind) {
    case "path":
      return expression.parts[0] === context;
    case "call":
      return expression.args.some((arg) => readsContext(arg, context));
    case "property":
      return readsContext(expression.target, context);
    case "not":
      return readsContext(expression.operand, context);
    case "binary":
      return readsContext(expression.left, context) || readsContext(expression.right, context);
    default:
      return false;
  }
}

const STATUS_FUNCTIONS = new Set(["success", "always", "failure", "cancelled"]);

/** Whether a condition calls a status function; without one GitHub prefixes `success() &&`. */
export function callsStatusFunction(expression: Expression | undefined): boolean {
  if (!expression) return false;
  switch (expression.kind) {
    case "call":
      return (
        STATUS_FUNCTIONS.has(expression.name) ||
        expression.args.some((arg) => callsStatusFunction(arg))
      );
    case "property":
      return callsStatusFunction(expression.target);
    case "not":
      return callsStatusFunction(expression.operand);
    case "binary":
      return callsStatusFunction(expression.left) || callsStatusFunction(expression.right);
    default:
      return false;
  }
}
