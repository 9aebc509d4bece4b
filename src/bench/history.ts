import { createHash } from "node:crypto";
import { ConfigurationError } from "../core/errors.ts";
import { type BenchmarkResult, isObject, resultKey, type Unit } from "./results.ts";

/** Who measured what, where: stored with every run and shown on the dashboard. */
export interface RunMetadata {
  repository: string;
  ref: string;
  commit: string;
  /** For a pull request, the base-branch commit it was compared with. */
  baseCommit: string | null;
  pullRequest: number | null;
  /** For a push, the pull request its commit came from (read from the merge or squash message). */
  mergedPullRequest?: number | null;
  /** The runner's name or label: numbers from different machines do not compare. */
  machine: string;
  /** Tool versions (rustc, valgrind, criterion) as the workflow reported them. */
  tools: Record<string, string>;
  timestamp: string;
  runId: string;
  runAttempt: string;
  /** The workflow run's page. */
  url: string | null;
}

export interface StoredRun {
  schema: 1;
  run: RunMetadata;
  results: BenchmarkResult[];
}

/**
 * Every run gets its own object, keyed by date, commit, run id and attempt, so no upload ever
 * replaces another. Pull-request runs live under `pulls/`, apart from the main history.
 */
export function runKey(prefix: string, run: RunMetadata, intoMainHistory: boolean): string {
  const date = run.timestamp.slice(0, 10);
  const place =
    run.pullRequest !== null && !intoMainHistory ? `pulls/${run.pullRequest}/` : "runs/";
  const file = `${safeSegment(run.runId)}-${safeSegment(run.runAttempt)}.json`;
  return `${prefix}${place}${date}/${safeSegment(run.commit)}/${file}`;
}

function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_") || "_";
}

/** A stored run read back, checked enough that one bad object cannot break the dashboard. */
export function parseStoredRun(text: string, key: string): StoredRun {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigurationError(`${key}: not JSON; remove or repair it, then rebuild the index`);
  }
  if (
    !isObject(value) ||
    value.schema !== 1 ||
    !isObject(value.run) ||
    !Array.isArray(value.results)
  ) {
    throw new ConfigurationError(`${key}: not a stored run (schema 1)`);
  }
  return value as unknown as StoredRun;
}

export function compareRuns(a: StoredRun, b: StoredRun): number {
  return (
    byCodePoint(a.run.timestamp, b.run.timestamp) ||
    byCodePoint(a.run.commit, b.run.commit) ||
    a.run.runId.localeCompare(b.run.runId, "en", { numeric: true }) ||
    a.run.runAttempt.localeCompare(b.run.runAttempt, "en", { numeric: true })
  );
}

/** A short stable file name for a benchmark series or a run. */
export function fileId(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}

export interface DashboardRun {
  commit: string;
  timestamp: string;
  ref: string;
  pullRequest: number | null;
  mergedPullRequest: number | null;
  url: string | null;
  machine: string;
  file: string;
}

export interface DashboardBenchmark {
  id: string;
  metric: string;
  unit: Unit;
  /** The name up to its first `/` (Criterion's group) or `::` path, for grouping. */
  group: string;
  series: string;
  points: number;
  latest: number;
}

export interface DashboardPull {
  number: number;
  commit: string;
  baseCommit: string | null;
  timestamp: string;
  file: string;
  baseFile: string | null;
}

export interface DashboardIndex {
  schema: 1;
  repository: string;
  runs: DashboardRun[];
  benchmarks: DashboardBenchmark[];
  pulls: DashboardPull[];
}

/** One point: index into `runs`, value, interval. */
export type SeriesPoint = [number, number, number | null, number | null];

export function groupOf(id: string): string {
  const slash = id.indexOf("/");
  const path = id.indexOf("::");
  const cut = [slash, path].filter((index) => index > 0).sort((a, b) => a - b)[0];
  return cut === undefined ? id : id.slice(0, cut);
}

function compactRun(run: StoredRun) {
  return {
    commit: run.run.commit,
    timestamp: run.run.timestamp,
    pullRequest: run.run.pullRequest,
    results: run.results.map(({ id, metric, unit, value, lower, upper }) => ({
      id,
      metric,
      unit,
      value,
      lower,
      upper,
    })),
  };
}

/**
 * The dashboard's data files, derived only from stored runs: the same runs always give the same
 * bytes. Only the latest `window` main runs are charted, so every file stays bounded however long
 * the history grows; older runs stay in storage.
 */
export function buildDashboardData(
  mainRuns: readonly StoredRun[],
  pullRuns: readonly StoredRun[],
  window: number,
): Map<string, string> {
  const files = new Map<string, string>();
  const sorted = [...mainRuns].sort(compareRuns);
  const charted = sorted.slice(Math.max(0, sorted.length - window));
  const runFile = (run: StoredRun) =>
    `runs/${fileId(`${run.run.commit}/${run.run.runId}/${run.run.runAttempt}`)}.json`;
  const series = new Map<string, { first: BenchmarkResult; points: SeriesPoint[] }>();
  charted.forEach((run, index) => {
    files.set(runFile(run), JSON.stringify(compactRun(run)));
    for (const result of run.results) {
      const entry = series.get(resultKey(result)) ?? { first: result, points: [] };
      entry.points.push([
        index,
        chartNumber(result.value),
        chartNumber(result.lower),
        chartNumber(result.upper),
      ]);
      series.set(resultKey(result), entry);
    }
  });
  const benchmarks: DashboardBenchmark[] = [...series.values()]
    .sort(
      (a, b) => byCodePoint(a.first.id, b.first.id) || byCodePoint(a.first.metric, b.first.metric),
    )
    .map(({ first, points }) => {
      const name = `series/${fileId(resultKey(first))}.json`;
      files.set(
        name,
        JSON.stringify({ id: first.id, metric: first.metric, unit: first.unit, points }),
      );
      const last = points[points.length - 1] as SeriesPoint;
      return {
        id: first.id,
        metric: first.metric,
        unit: first.unit,
        group: groupOf(first.id),
        series: name,
        points: points.length,
        latest: last[1],
      };
    });
  const pulls = latestPulls(pullRuns).map((pull) => {
    const base = [...sorted].reverse().find((run) => run.run.commit === pull.run.baseCommit);
    if (base) files.set(runFile(base), JSON.stringify(compactRun(base)));
    const file = `pulls/${pull.run.pullRequest}.json`;
    files.set(file, JSON.stringify(compactRun(pull)));
    return {
      number: pull.run.pullRequest as number,
      commit: pull.run.commit,
      baseCommit: pull.run.baseCommit,
      timestamp: pull.run.timestamp,
      file,
      baseFile: base ? runFile(base) : null,
    };
  });
  const index: DashboardIndex = {
    schema: 1,
    repository: sorted[sorted.length - 1]?.run.repository ?? pullRuns[0]?.run.repository ?? "",
    runs: charted.map((run) => ({
      commit: run.run.commit,
      timestamp: run.run.timestamp,
      ref: run.run.ref,
      pullRequest: run.run.pullRequest,
      mergedPullRequest: run.run.mergedPullRequest ?? null,
      url: run.run.url,
      machine: run.run.machine,
      file: runFile(run),
    })),
    benchmarks,
    pulls,
  };
  files.set("index.json", JSON.stringify(index));
  return new Map([...files].sort(([a], [b]) => byCodePoint(a, b)));
}

/**
 * Six significant digits are more than a chart can show and a third of the bytes of a full double;
 * each run's own file keeps the exact numbers for the compare view.
 */
function chartNumber<T extends number | null>(value: T): T {
  return (value === null || Number.isInteger(value) ? value : Number(value.toPrecision(6))) as T;
}

/** Locale-free ordering, so the same runs give the same bytes on every machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The newest run of each pull request, newest pull request first. */
function latestPulls(pullRuns: readonly StoredRun[]): StoredRun[] {
  const latest = new Map<number, StoredRun>();
  for (const run of [...pullRuns].sort(compareRuns)) {
    if (run.run.pullRequest !== null) latest.set(run.run.pullRequest, run);
  }
  return [...latest.values()].sort((a, b) => (b.run.pullRequest ?? 0) - (a.run.pullRequest ?? 0));
}
