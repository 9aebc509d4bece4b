import {
  type BenchmarkResult,
  type Direction,
  isObject,
  lineAt,
  malformed,
  parseJsonText,
  toNanoseconds,
} from "./results.ts";

/**
 * The generic JSON input (docs in actions/bench/README.md, "Generic JSON"): any measurement a
 * workflow can print, such as binary size, peak memory or latency.
 *
 *   {"benchmarks": [{"name": "binary size", "value": 7340032, "unit": "bytes",
 *                    "direction": "smaller", "range": "± 1024"}]}
 *
 * A bare array of the same entries is github-action-benchmark's custom format
 * (`customSmallerIsBetter` / `customBiggerIsBetter`), read as it is; its entries say no direction,
 * so `direction` at the top level, or else the caller's default, decides.
 */
export interface GenericOptions {
  /** Direction of entries that name none: `smaller` unless the workflow says otherwise. */
  direction?: Direction;
}

const DIRECTIONS: Record<string, Direction> = {
  smaller: "smaller",
  bigger: "bigger",
  smaller_is_better: "smaller",
  bigger_is_better: "bigger",
  customSmallerIsBetter: "smaller",
  customBiggerIsBetter: "bigger",
};

const BYTE_FACTORS: Record<string, number> = {
  B: 1,
  byte: 1,
  bytes: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

/** Whether a parsed JSON document has the generic shape (and not cargo-criterion's lines). */
export function looksGeneric(value: unknown): boolean {
  const entries = Array.isArray(value) ? value : isObject(value) ? value.benchmarks : undefined;
  return Array.isArray(entries) && entries.every((entry) => isObject(entry) && "value" in entry);
}

export function parseGenericJson(
  text: string,
  file: string,
  options: GenericOptions = {},
): BenchmarkResult[] {
  const document = parseJsonText(text, file);
  const entries = Array.isArray(document)
    ? document
    : isObject(document)
      ? document.benchmarks
      : undefined;
  if (!Array.isArray(entries)) {
    throw malformed(file, 1, 'expected an array of benchmarks or {"benchmarks": [...]}');
  }
  const fileDirection = isObject(document)
    ? directionOf(document.direction, file, "the file")
    : undefined;
  if (entries.length === 0) throw malformed(file, 1, "the file lists no benchmarks");
  // Entries are found again in the text by their name, so an error points at the right line.
  const lineOf = (name: unknown) => {
    const at = typeof name === "string" ? text.indexOf(JSON.stringify(name)) : -1;
    return at < 0 ? 1 : lineAt(text, at);
  };
  return entries.map((entry, index) =>
    genericResult(entry, file, index, fileDirection ?? options.direction ?? "smaller", lineOf),
  );
}

function directionOf(value: unknown, file: string, where: string, line = 1): Direction | undefined {
  if (value === undefined) return undefined;
  const direction = typeof value === "string" ? DIRECTIONS[value] : undefined;
  if (!direction) {
    throw malformed(
      file,
      line,
      `${where}: 'direction' is ${JSON.stringify(value)}; use "smaller" or "bigger" (which is better)`,
    );
  }
  return direction;
}

function genericResult(
  entry: unknown,
  file: string,
  index: number,
  fallback: Direction,
  lineOf: (name: unknown) => number,
): BenchmarkResult {
  const where = `entry ${index + 1}`;
  // Found only when needed: searching the text for every entry would be quadratic.
  const line = () => lineOf(isObject(entry) ? entry.name : undefined);
  const fail = (reason: string) => malformed(file, line(), `${where}: ${reason}`);
  if (!isObject(entry)) throw fail("expected an object with name, value and unit");
  const name = entry.name;
  if (typeof name !== "string" || name.trim() === "")
    throw fail("'name' must be a non-empty string");
  const named = `${where} ('${name}')`;
  const failNamed = (reason: string) => malformed(file, line(), `${named}: ${reason}`);
  if (typeof entry.value !== "number" || !Number.isFinite(entry.value)) {
    throw failNamed(`'value' is ${shown(entry.value)}; use a finite number`);
  }
  if (typeof entry.unit !== "string" || entry.unit.trim() === "") {
    throw failNamed('\'unit\' must be a non-empty string such as "ns", "bytes" or "req/s"');
  }
  const direction =
    entry.direction === undefined
      ? fallback
      : (directionOf(entry.direction, file, named, line()) ?? fallback);
  const spread = rangeOf(entry.range, failNamed);
  const interval = {
    lower: numberOrNull(entry.lower, "lower", failNamed),
    upper: numberOrNull(entry.upper, "upper", failNamed),
  };
  const { unit, factor } = normalUnit(entry.unit.trim());
  const scale = (number: number | null) => (number === null ? null : number * factor);
  const value = entry.value * factor;
  const lower = spread === null ? scale(interval.lower) : value - spread * factor;
  const upper = spread === null ? scale(interval.upper) : value + spread * factor;
  const metric = typeof entry.metric === "string" && entry.metric ? entry.metric : "value";
  return { id: name, metric, value, unit, lower, upper, source: file, direction };
}

/** Times become nanoseconds and sizes bytes, so they chart and compare with everything else. */
function normalUnit(unit: string): { unit: string; factor: number } {
  const nanoseconds = toNanoseconds(1, unit);
  if (nanoseconds !== undefined) return { unit: "ns", factor: nanoseconds };
  const bytes = BYTE_FACTORS[unit];
  if (bytes !== undefined) return { unit: "bytes", factor: bytes };
  return { unit, factor: 1 };
}

/** github-action-benchmark's `range`: `± 300`, `+/- 300` or a bare number. */
function rangeOf(value: unknown, fail: (reason: string) => Error): number | null {
  if (value === undefined || value === null || value === "") return null;
  const match =
    typeof value === "number"
      ? [String(value), String(value)]
      : /^\s*(?:±|\+\/-)?\s*([\d.eE+]+)\s*$/.exec(String(value));
  const spread = match ? Number(match[1]) : Number.NaN;
  if (!Number.isFinite(spread) || spread < 0) {
    throw fail(`'range' is ${JSON.stringify(value)}; use "± 1.5" or a non-negative number`);
  }
  return spread;
}

function numberOrNull(value: unknown, name: string, fail: (reason: string) => Error) {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw fail(`'${name}' is ${shown(value)}; use a finite number`);
  }
  return value;
}

/** A JSON value as the file spelled it (JSON.parse turns 1e999 into Infinity). */
function shown(value: unknown): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}
