import { durationProblem, parseDuration } from "./duration.ts";
import { ConfigurationError } from "./errors.ts";
import { didYouMean } from "./text.ts";

/**
 * Reads action inputs the way the runner passes them (`INPUT_<NAME>`, spaces to underscores,
 * upper-cased). Each reader names the input, the value and what would be valid when it refuses one.
 */
export class Inputs {
  private readonly env: NodeJS.ProcessEnv;
  /** How messages name an input: `input 'token'` for an action, `--token` on the command line. */
  readonly label: (name: string) => string;

  constructor(
    env: NodeJS.ProcessEnv = process.env,
    label: (name: string) => string = (name) => `input '${name}'`,
  ) {
    this.env = env;
    this.label = label;
  }

  static variableName(name: string): string {
    return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
  }

  /**
   * A command's options read as the action's inputs of the same names, with the same checks;
   * messages name them as flags (`--subjects`). Booleans given as bare flags count as `true`.
   */
  static fromFlags(
    values: Record<string, string | boolean | (string | boolean)[] | undefined>,
    env: NodeJS.ProcessEnv = {},
  ): Inputs {
    const inputs: NodeJS.ProcessEnv = { ...env };
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      inputs[Inputs.variableName(name)] = Array.isArray(value) ? value.join("\n") : String(value);
    }
    return new Inputs(inputs, (name) => `--${name}`);
  }

  /** The trimmed value, or undefined when the input is empty or absent. */
  optional(name: string): string | undefined {
    const value = this.env[Inputs.variableName(name)]?.trim();
    return value ? value : undefined;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined) {
      throw new ConfigurationError(
        this.label(name).startsWith("--")
          ? `${this.label(name)} is required`
          : `${this.label(name)} is required but empty; set it under 'with:'`,
      );
    }
    return value;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  /** YAML 1.2 core-schema booleans only, as `core.getBooleanInput` accepts. */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    if (["true", "True", "TRUE"].includes(value)) return true;
    if (["false", "False", "FALSE"].includes(value)) return false;
    throw new ConfigurationError(
      `${this.label(name)} is '${value}'; use true or false (also True, TRUE, False, FALSE)`,
    );
  }

  /** Items separated by newlines or commas; blank items and `#` comment lines are dropped. */
  list(name: string, fallback: readonly string[] = []): string[] {
    const value = this.optional(name);
    if (value === undefined) return [...fallback];
    return parseList(value);
  }

  enumeration<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new ConfigurationError(
      `${this.label(name)} is '${value}'; valid values are ${allowed.map((a) => `'${a}'`).join(", ")}${didYouMean(value, allowed)}`,
    );
  }

  /** A duration in the suite's one grammar (`90s`, `15m`, `2h`, `2d`, `1w`); milliseconds. */
  duration(name: string, fallback: string): number {
    const value = this.optional(name) ?? fallback;
    const milliseconds = parseDuration(value);
    if (milliseconds === undefined) {
      throw new ConfigurationError(`${this.label(name)} is ${durationProblem(value)}`);
    }
    return milliseconds;
  }

  integer(name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const number = /^[-+]?\d+$/.test(value) ? Number(value) : Number.NaN;
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new ConfigurationError(
        `${this.label(name)} is '${value}'; use ${describeRange(min, max)}`,
      );
    }
    return number;
  }

  /** Glob patterns, one per list item; `!` negates. Malformed patterns are refused. */
  globs(name: string, fallback: readonly string[] = []): string[] {
    const patterns = this.list(name, fallback);
    for (const pattern of patterns) {
      const problem = globProblem(pattern);
      if (problem) {
        throw new ConfigurationError(`${this.label(name)} has glob '${pattern}': ${problem}`);
      }
    }
    return patterns;
  }
}

function describeRange(min: number, max: number): string {
  const lowest = min > Number.MIN_SAFE_INTEGER;
  const highest = max < Number.MAX_SAFE_INTEGER;
  if (lowest && highest) return `a whole number from ${min} to ${max}`;
  if (lowest) return `a whole number of at least ${min}`;
  if (highest) return `a whole number of at most ${max}`;
  return "a whole number";
}

/**
 * Items separated by newlines or commas; blank items and `#` comment lines are dropped. A comma
 * inside `{...}` or `[...]` belongs to a glob (`src/{a,b}/**`) and does not split.
 */
export function parseList(value: string): string[] {
  return value
    .split(/\r?\n|\r/)
    .filter((line) => !line.trim().startsWith("#"))
    .flatMap(splitTopLevelCommas)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A line split at its commas outside `{...}` and `[...]` (and not escaped). */
export function splitTopLevelCommas(line: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === "\\") index++;
    else if (char === "{" || char === "[") depth++;
    else if ((char === "}" || char === "]") && depth > 0) depth--;
    else if (char === "," && depth === 0) {
      items.push(line.slice(start, index));
      start = index + 1;
    }
  }
  items.push(line.slice(start));
  return items;
}

/** Why a glob pattern is malformed, or undefined when it is fine. */
export function globProblem(pattern: string): string | undefined {
  const body = pattern.startsWith("!") ? pattern.slice(1) : pattern;
  if (body.length === 0) return "a pattern cannot be empty";
  let brackets = 0;
  let braces = 0;
  for (let index = 0; index < body.length; index++) {
    const char = body[index];
    if (char === "\\") index++;
    else if (char === "[") brackets++;
    else if (char === "]") brackets = Math.max(0, brackets - 1);
    else if (char === "{") braces++;
    else if (char === "}" && --braces < 0)
      return "a '}' without '{' (write '\\}' for a literal brace)";
  }
  if (brackets > 0) return "an unclosed '[' (write '\\[' for a literal bracket)";
  if (braces > 0) return "an unclosed '{' (write '\\{' for a literal brace)";
  return undefined;
}
