import { basename } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import { type BenchmarkResult, malformed, type Unit } from "./results.ts";

/** What one Cachegrind or Callgrind output file says in total. */
export interface ValgrindTotals {
  tool: "cachegrind" | "callgrind";
  /** The benchmark this file belongs to (threads and parts of one run share it). */
  id: string;
  /** Event name (`Ir`, `Dr`, ...) to its total. */
  totals: Map<string, number>;
}

const POSITION = String.raw`(?:[+-]?(?:0x[0-9a-fA-F]+|\d+)|\*)`;
const COST_LINE = new RegExp(String.raw`^${POSITION}(?:\s+${POSITION})*\s*$`);
const SPEC_LINE = /^(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn|jfi|jfn)=(.*)$/;
const HEADER_LINE = /^([A-Za-z][\w ]*):\s?(.*)$/;
const CALL_LINE = /^(calls|jump|jcnd)=/;
const COMPRESSED = /^\((\d+)\)(?:\s+(.*))?$/;

/**
 * Reads a `cachegrind.out.*` or `callgrind.out.*` file. The `events:` header names the columns.
 * Callgrind's closing `totals:` is preferred to its `summary:` header (with cache simulation they
 * differ); a file without its closing line was cut short and is refused.
 */
export function parseValgrindFile(text: string, file: string): ValgrindTotals {
  const lines = text.split(/\r?\n/);
  if (text.trim() === "") throw malformed(file, 1, "the file is empty");
  if (!text.endsWith("\n")) {
    throw malformed(file, lines.length, "the last line is incomplete (truncated file?)");
  }
  const tool = /^# callgrind format|^creator: callgrind/m.test(text) ? "callgrind" : "cachegrind";
  let events: string[] | undefined;
  let summary: { values: number[]; line: number } | undefined;
  let totals: { values: number[]; line: number } | undefined;
  let command = "";
  const dump: { part?: number; thread?: number } = {};
  const names = new Map<string, Set<string>>();
  for (const [index, raw] of lines.entries()) {
    const line = raw.trimEnd();
    const at = index + 1;
    if (line === "" || line.startsWith("#")) continue;
    const spec = SPEC_LINE.exec(line);
    if (spec) {
      checkCompressedName(spec[1] as string, spec[2] as string, names, file, at);
      continue;
    }
    if (CALL_LINE.test(line)) continue;
    if (COST_LINE.test(line)) {
      if (!events) throw malformed(file, at, "a cost line before the 'events:' header");
      continue;
    }
    const header = HEADER_LINE.exec(line);
    if (!header) throw malformed(file, at, `unreadable line '${line.slice(0, 80)}'`);
    const [, key, value] = header as unknown as [string, string, string];
    if (key === "events") events = value.trim().split(/\s+/);
    if (key === "cmd") command = value.trim();
    if (key === "part" || key === "thread") dump[key] = Number(value.trim());
    if (key === "summary") summary = { values: counts(value, file, at), line: at };
    if (key === "totals") totals = { values: counts(value, file, at), line: at };
  }
  if (!events) throw malformed(file, 1, "no 'events:' header");
  const closing = tool === "callgrind" ? totals : summary;
  if (!closing) {
    const expected = tool === "callgrind" ? "totals:" : "summary:";
    throw malformed(file, lines.length, `no closing '${expected}' line (truncated file?)`);
  }
  const id = benchmarkIdOf(file, command, tool === "callgrind" ? dump : {});
  return { tool, id, totals: columns(events, closing, file) };
}

function counts(text: string, file: string, line: number): number[] {
  const values = text.trim().split(/\s+/).map(Number);
  if (text.trim() === "" || values.some((value) => !Number.isSafeInteger(value) || value < 0)) {
    throw malformed(file, line, `counts must be whole numbers, got '${text.trim()}'`);
  }
  return values;
}

function columns(events: string[], closing: { values: number[]; line: number }, file: string) {
  if (closing.values.length > events.length) {
    throw malformed(
      file,
      closing.line,
      `${closing.values.length} counts for ${events.length} events`,
    );
  }
  // Valgrind leaves trailing zero columns out.
  return new Map(events.map((event, index) => [event, closing.values[index] ?? 0]));
}

/** `fn=(12) name` defines id 12; a later `fn=(12)` must refer to a defined one. */
function checkCompressedName(
  kind: string,
  value: string,
  names: Map<string, Set<string>>,
  file: string,
  line: number,
): void {
  const match = COMPRESSED.exec(value.trim());
  if (!match) return;
  const space = kind.replace(/^[cj]/, "").replace(/^f[ie]$/, "fl");
  const defined = names.get(space) ?? new Set<string>();
  names.set(space, defined);
  if (match[2] !== undefined) defined.add(match[1] as string);
  else if (!defined.has(match[1] as string)) {
    throw malformed(file, line, `'${kind}=(${match[1]})' refers to a name never defined`);
  }
}

/**
 * `callgrind.out.<name>[.<part>][-<thread>]` → `<name>`. Callgrind says a file's part and thread
 * in its header too (`part: 2`, `thread: 1`): only a suffix the header confirms is cut, so
 * `callgrind.out.fib.10` and `callgrind.out.fib.20` stay two benchmarks. Cachegrind writes no
 * parts or threads. Valgrind's default `<pid>` names say nothing, so then the program named by
 * `cmd:` is the benchmark.
 */
export function benchmarkIdOf(
  file: string,
  command: string,
  dump: { part?: number; thread?: number } = {},
): string {
  let name = basename(file).replace(/^(cachegrind|callgrind)\.out\.?/, "");
  const thread = /-(\d+)$/.exec(name);
  if (thread && Number(thread[1]) === dump.thread) name = name.slice(0, thread.index);
  const part = /\.(\d+)$/.exec(name);
  if (part && Number(part[1]) === dump.part) name = name.slice(0, part.index);
  if (name !== "" && !/^\d+$/.test(name)) return name;
  const program = command.split(/\s+/)[0] ?? "";
  return basename(program) || basename(file);
}

const EVENT_UNITS: Record<string, { metric: string; unit: Unit }> = {
  Ir: { metric: "instructions", unit: "instructions" },
};

/** Files of one benchmark (threads, parts) summed per event; counts are exact, so no interval. */
export function valgrindResults(files: readonly { file: string; parsed: ValgrindTotals }[]) {
  const sums = new Map<string, { result: BenchmarkResult; sources: string[] }>();
  const tools = new Map<string, { tool: string; file: string }>();
  for (const { file, parsed } of files) {
    // Cachegrind and Callgrind count differently (Callgrind adds call costs): never one sum.
    const earlier = tools.get(parsed.id);
    if (earlier && earlier.tool !== parsed.tool) {
      throw new ConfigurationError(
        `benchmark '${parsed.id}' has ${earlier.tool} output (${earlier.file}) and ${parsed.tool} output (${file}); their counts cannot be added: give one tool's files, or rename one so the benchmarks differ`,
      );
    }
    tools.set(parsed.id, { tool: parsed.tool, file });
    for (const [event, total] of parsed.totals) {
      const { metric, unit } = EVENT_UNITS[event] ?? { metric: event, unit: "events" as const };
      const key = `${parsed.id}\u0000${metric}`;
      const entry = sums.get(key) ?? {
        result: { id: parsed.id, metric, value: 0, unit, lower: 0, upper: 0, source: file },
        sources: [],
      };
      entry.result.value += total;
      entry.sources.push(file);
      sums.set(key, entry);
    }
  }
  return [...sums.values()].map(({ result, sources }) => ({
    ...result,
    lower: result.value,
    upper: result.value,
    source: sources.join(", "),
  }));
}
