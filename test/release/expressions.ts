import { createHash } from "node:crypto";
import { globSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";

/** The contexts of one step's expressions, as plain JSON (`github`, `inputs`, `needs`, ...). */
export type Contexts = Record<string, unknown>;

/** What the status functions and `hashFiles` see. */
export interface ExpressionScope {
  contexts: Contexts;
  /** Whether an earlier step of the job (or a needed job) failed. */
  failed: boolean;
  /**
   * Whether `success()` holds, when that is not simply "nothing failed": for a job, GitHub's
   * success() needs every needed job to have succeeded (a skipped one too makes it false), while
   * failure() needs one to have failed.
   */
  succeeded?: boolean;
  workspace: string;
}

const CONTEXT_NAMES = [
  "github",
  "inputs",
  "needs",
  "steps",
  "env",
  "runner",
  "job",
  "secrets",
  "vars",
  "matrix",
  "strategy",
  // A reusable workflow's `on.workflow_call.outputs` read its jobs' outputs.
  "jobs",
];

const STATUS_FUNCTIONS = ["success", "failure", "always", "cancelled"] as const;

type FunctionMap = NonNullable<ConstructorParameters<typeof Evaluator>[2]>;

/** GitHub's truthiness: null, false, 0, NaN and '' are false; everything else is true. */
function truthy(value: data.ExpressionData): boolean {
  if (value instanceof data.Null) return false;
  if (value instanceof data.BooleanData) return value.value;
  if (value instanceof data.NumberData) return value.value !== 0 && !Number.isNaN(value.value);
  if (value instanceof data.StringData) return value.value !== "";
  return true;
}

/** `hashFiles` as the runner computes it: sha256 over each matched file's sha256, '' for none. */
function hashFiles(workspace: string, patterns: string[]): string {
  const files = patterns
    .flatMap((pattern) => globSync(pattern, { cwd: workspace }))
    .map((file) => join(workspace, file))
    .filter((file) => statSync(file).isFile())
    .sort();
  if (files.length === 0) return "";
  const outer = createHash("sha256");
  for (const file of files) outer.update(createHash("sha256").update(readFileSync(file)).digest());
  return outer.digest("hex");
}

/** Evaluates one expression (the text inside `${{ }}`, or an `if:` condition). */
export function evaluate(expression: string, scope: ExpressionScope): data.ExpressionData {
  const lexed = new Lexer(expression).lex();
  const functions = [
    ...STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 })),
    { name: "hashFiles", minArgs: 1, maxArgs: 255 },
  ];
  const parsed = new Parser(lexed.tokens, CONTEXT_NAMES, functions).parse();
  const status: Record<(typeof STATUS_FUNCTIONS)[number], boolean> = {
    success: scope.succeeded ?? !scope.failed,
    failure: scope.failed,
    always: true,
    cancelled: false,
  };
  const implementations: FunctionMap = new Map();
  for (const name of STATUS_FUNCTIONS) {
    const call = () => new data.BooleanData(status[name]);
    implementations.set(name, { name, minArgs: 0, maxArgs: 0, call });
  }
  implementations.set("hashfiles", {
    name: "hashFiles",
    minArgs: 1,
    maxArgs: 255,
    call: (...args: data.ExpressionData[]) =>
      new data.StringData(
        hashFiles(
          scope.workspace,
          args.map((arg) => arg.coerceString()),
        ),
      ),
  });
  const context = JSON.parse(JSON.stringify(scope.contexts), data.reviver) as data.Dictionary;
  return new Evaluator(parsed, context, implementations).evaluate();
}

/** A string with each `${{ expression }}` replaced by its value as text. */
export function interpolate(text: string, scope: ExpressionScope): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    evaluate(expression.trim(), scope).coerceString(),
  );
}

/** An `if:` condition: a bare expression or one wrapped in `${{ }}`; absent means `success()`. */
export function condition(text: string | undefined, scope: ExpressionScope): boolean {
  if (text === undefined) return scope.succeeded ?? !scope.failed;
  const bare = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(text)?.[1] ?? text;
  // A condition without a status function is implicitly `success() && (...)`.
  const usesStatus = /\b(success|failure|always|cancelled)\s*\(/.test(bare);
  const value = truthy(evaluate(bare.trim(), scope));
  return usesStatus ? value : (scope.succeeded ?? !scope.failed) && value;
}
