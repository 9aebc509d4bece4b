import { ConfigurationError } from "../core/errors.ts";

/**
 * Units every result is stored in. Wall time is nanoseconds whatever the tool printed; counts
 * from Valgrind are instructions (Ir) or plain events; throughput is per second.
 */
export type Unit =
  | "ns"
  | "instructions"
  | "events"
  | "bytes"
  | "bytes/s"
  | "elements/s"
  | "%"
  // A generic JSON result's own unit (`req/s`, `allocations`), kept as written.
  | (string & {});

/** Which way is better, for results that say so themselves (generic JSON). */
export type Direction = "smaller" | "bigger";

/** One measured number of one benchmark, as `status-gate bench parse` prints it. */
export interface BenchmarkResult {
  /** The benchmark's name as its tool reports it (Criterion's `full_id`). */
  id: string;
  /** `wall-time`, `throughput`, `instructions` or a Valgrind event name such as `D1mr`. */
  metric: string;
  value: number;
  unit: Unit;
  /** The confidence interval (Criterion) or spread; equal to `value` for exact counts. */
  lower: number | null;
  upper: number | null;
  /** The file the number came from. */
  source: string;
  /** Set by generic JSON results; otherwise the unit and metric decide (see higherIsBetter). */
  direction?: Direction;
}

/** Units whose repeated measurement gives the same number: thresholds alone decide. */
export function isExactUnit(unit: Unit): boolean {
  return unit === "instructions" || unit === "events" || unit === "bytes";
}

/**
 * Throughput and the L1 hit rate are better when higher; everything else (time, counts, miss
 * rates, and the LL and RAM hit rates, which count L1 misses) when lower.
 */
export function higherIsBetter(unit: Unit, metric = "", direction?: Direction): boolean {
  if (direction) return direction === "bigger";
  return unit === "bytes/s" || unit === "elements/s" || /(^|\.)L1HitRate$/.test(metric);
}

/** Quantities that cannot be negative: a negative one is a broken measurement. */
const NON_NEGATIVE_UNITS = new Set([
  "ns",
  "instructions",
  "events",
  "bytes",
  "bytes/s",
  "elements/s",
]);

/**
 * Why a result cannot be stored or compared, or undefined when it is sound: every number finite,
 * no negative time or count, and an interval whose lower end is not above its upper end.
 */
export function resultProblem(result: BenchmarkResult): string | undefined {
  const numbers = { value: result.value, lower: result.lower, upper: result.upper };
  for (const [name, number] of Object.entries(numbers)) {
    if (name !== "value" && number === null) continue;
    if (typeof number !== "number" || !Number.isFinite(number)) {
      return `${name} is ${String(number)}, not a finite number`;
    }
    if (number < 0 && NON_NEGATIVE_UNITS.has(result.unit)) {
      return `${name} is ${number} ${result.unit}, a negative ${result.unit === "ns" ? "time" : "amount"}`;
    }
  }
  if (result.lower !== null && result.upper !== null && result.lower > result.upper) {
    return `the interval is inverted (lower ${result.lower} > upper ${result.upper})`;
  }
  return undefined;
}

/** Refuses unsound results, naming the file and the benchmark (the entry). */
export function checkResults(results: readonly BenchmarkResult[]): void {
  for (const result of results) {
    const problem = resultProblem(result);
    if (problem) {
      throw new ConfigurationError(
        `${result.source}: benchmark '${result.id}' (${result.metric}): ${problem}`,
      );
    }
  }
}

export function resultKey(result: Pick<BenchmarkResult, "id" | "metric">): string {
  return `${result.id}\u0000${result.metric}`;
}

/**
 * Results by benchmark and metric. The same benchmark twice on one side (two result files, or a
 * stored run holding it twice) is refused, naming both sources, rather than letting one win.
 */
export function resultsByKey(
  results: readonly BenchmarkResult[],
  side = "",
): Map<string, BenchmarkResult> {
  const byKey = new Map<string, BenchmarkResult>();
  for (const result of results) {
    const earlier = byKey.get(resultKey(result));
    if (earlier) {
      throw new ConfigurationError(
        `benchmark '${result.id}' (${result.metric}) appears ${side ? `twice in the ${side}: ` : ""}in both ${earlier.source} and ${result.source}`,
      );
    }
    byKey.set(resultKey(result), result);
  }
  return byKey;
}

const TIME_FACTORS: Record<string, number> = {
  ps: 0.001,
  ns: 1,
  us: 1000,
  µs: 1000,
  μs: 1000,
  ms: 1e6,
  s: 1e9,
};

/** Nanoseconds for a value in a time unit a tool printed, or undefined for an unknown unit. */
export function toNanoseconds(value: number, unit: string): number | undefined {
  const factor = TIME_FACTORS[unit];
  return factor === undefined ? undefined : value * factor;
}

/** Where in a file a parser failed; the message always names file and line. */
export function malformed(file: string, line: number, reason: string): ConfigurationError {
  return new ConfigurationError(`${file}:${line}: ${reason}`, { file, line });
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = 0; index < offset && index < text.length; index++) {
    if (text.charCodeAt(index) === 10) line++;
  }
  return line;
}

/** JSON.parse whose errors name the file and line (empty and truncated files included). */
export function parseJsonText(text: string, file: string, firstLine = 1): unknown {
  if (text.trim() === "") throw malformed(file, firstLine, "the file is empty");
  try {
    return JSON.parse(text);
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    const notFinite = /(?<![\w"])-?(NaN|Infinity)\b/.exec(text);
    if (notFinite) {
      throw malformed(
        file,
        firstLine + lineAt(text, notFinite.index) - 1,
        `'${notFinite[0]}' is not a finite number (the tool measured nothing usable)`,
      );
    }
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const atEnd = !position || offset >= text.trimEnd().length;
    const reason = atEnd
      ? "the JSON ends early (truncated file?)"
      : `invalid JSON (${message.replace(/^.*?: /, "")})`;
    throw malformed(file, firstLine + lineAt(text, offset) - 1, reason);
  }
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function finiteNumber(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
