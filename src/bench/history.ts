import { createHash } from "node:crypto";
import { ConfigurationError } from "../core/errors.ts";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./compare.ts";
import {
  type BenchmarkResult,
  type Direction,
  isObject,
  resultKey,
  resultProblem,
  type Unit,
} from "./results.ts";

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
  /** The job (`GITHUB_JOB`) and matrix leg that measured: legs of one job are separate runs. */
  job?: string;
  matrixLeg?: string;
  /** `https://github.com` or a GHES server: where commit and run links point. */
  serverUrl?: string;
  /** The commit's subject line, author and date, for the dashboard's hover. */
  commitMessage?: string;
  commitAuthor?: string;
  commitDate?: string;
}

export interface StoredRun {
  schema: 1;
  run: RunMetadata;
  results: BenchmarkResult[];
}

/**
 * Every run gets its own object, keyed by date, commit, run id, attempt, job and matrix leg, so no
 * upload ever replaces another (20 legs of one matrix job share all but the leg). Pull-request
 * runs live under `pulls/`, apart from the main history.
 */
export function runKey(prefix: string, run: RunMetadata, intoMainHistory: boolean): string {
  const date = run.timestamp.slice(0, 10);
  const place =
    run.pullRequest !== null && !intoMainHistory ? `pulls/${run.pullRequest}/` : "runs/";
  const job = run.job ? `-${safeSegment(run.job)}` : "";
  const leg = run.matrixLeg ? `-${legSegment(run.matrixLeg)}` : "";
  const file = `${safeSegment(run.runId)}-${safeSegment(run.runAttempt)}${job}${leg}.json`;
  return `${prefix}${place}${date}/${safeSegment(run.commit)}/${file}`;
}

function safeSegment(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 80) || "_";
}

/**
 * A matrix leg as written (`0`, `linux-x64`) when it is short and plain; a JSON matrix
 * (`{"os":"ubuntu","rust":"1.80"}`) by a hash, since legs that differ only in punctuation would
 * otherwise map to one name.
 */
function legSegment(leg: string): string {
  return /^[A-Za-z0-9._-]{1,40}$/.test(leg) ? leg : `m${fileId(leg).slice(0, 12)}`;
}

/** A stored run read back and checked field by field: what passes is safe to chart and link. */
export function parseStoredRun(text: string, key: string): StoredRun {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigurationError(`${key}: not JSON; remove or repair it, then rebuild the index`);
  }
  const problem = storedRunProblem(value);
  if (problem) throw new ConfigurationError(`${key}: not a sound stored run: ${problem}`);
  return value as StoredRun;
}

const TEXT_FIELDS = ["repository", "ref", "commit", "machine", "timestamp", "runId", "runAttempt"];
const OPTIONAL_TEXT_FIELDS = [
  "job",
  "matrixLeg",
  "serverUrl",
  "commitMessage",
  "commitAuthor",
  "commitDate",
];

/** Why a parsed object is not a stored run (schema 1), or undefined. */
export function storedRunProblem(value: unknown): string | undefined {
  if (!isObject(value) || value.schema !== 1) return "schema is not 1";
  const run = value.run;
  if (!isObject(run)) return "'run' is not an object";
  for (const field of TEXT_FIELDS) {
    if (typeof run[field] !== "string") return `run.${field} is not a string`;
  }
  for (const field of OPTIONAL_TEXT_FIELDS) {
    if (run[field] !== undefined && typeof run[field] !== "string") {
      return `run.${field} is not a string`;
    }
  }
  if (!/^[0-9a-f]{7,64}$/i.test(run.commit as string)) return "run.commit is not a commit SHA";
  if (Number.isNaN(Date.parse(run.timestamp as string))) return "run.timestamp is not a date";
  for (const field of ["pullRequest", "mergedPullRequest"]) {
    const number = run[field];
    if (field === "mergedPullRequest" && number === undefined) continue;
    if (number !== null && !(Number.isSafeInteger(number) && (number as number) > 0)) {
      return `run.${field} is not a pull request number or null`;
    }
  }
  if (run.baseCommit !== null && typeof run.baseCommit !== "string") {
    return "run.baseCommit is not a string or null";
  }
  if (run.url !== null && typeof run.url !== "string") return "run.url is not a string or null";
  if (!isObject(run.tools) || Object.values(run.tools).some((tool) => typeof tool !== "string")) {
    return "run.tools is not an object of strings";
  }
  if (!Array.isArray(value.results)) return "'results' is not an array";
  for (const [index, result] of value.results.entries()) {
    const problem = resultShapeProblem(result);
    if (problem) return `results[${index}]: ${problem}`;
  }
  return undefined;
}

function resultShapeProblem(result: unknown): string | undefined {
  if (!isObject(result)) return "not an object";
  for (const field of ["id", "metric", "unit", "source"]) {
    if (typeof result[field] !== "string") return `${field} is not a string`;
  }
  if (
    result.direction !== undefined &&
    result.direction !== "smaller" &&
    result.direction !== "bigger"
  ) {
    return "direction is neither smaller nor bigger";
  }
  if (typeof result.value !== "number") return "value is not a number";
  for (const field of ["lower", "upper"]) {
    if (result[field] !== null && typeof result[field] !== "number") {
      return `${field} is not a number or null`;
    }
  }
  return resultProblem(result as unknown as BenchmarkResult);
}

export function compareRuns(a: StoredRun, b: StoredRun): number {
  return (
    byCodePoint(a.run.timestamp, b.run.timestamp) ||
    byCodePoint(a.run.commit, b.run.commit) ||
    a.run.runId.localeCompare(b.run.runId, "en", { numeric: true }) ||
    a.run.runAttempt.localeCompare(b.run.runAttempt, "en", { numeric: true }) ||
    byCodePoint(a.run.job ?? "", b.run.job ?? "") ||
    byCodePoint(a.run.matrixLeg ?? "", b.run.matrixLeg ?? "")
  );
}

/** What tells two stored runs apart (the same parts as the run key). */
export function runIdentity(run: RunMetadata): string {
  const legs = run.job || run.matrixLeg ? `/${run.job ?? ""}/${run.matrixLeg ?? ""}` : "";
  return `${run.commit}/${run.runId}/${run.runAttempt}${legs}`;
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
  /** Where this run's links point (GHES keeps its own server); github.com when unknown. */
  server: string;
  message: string;
  author: string;
  /** The commit's date, when the uploader could read it. */
  date: string;
  job: string;
  leg: string;
}

/** What the dashboard judges with: the same thresholds the action used. */
export interface DashboardSettings {
  thresholds?: Thresholds;
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
  direction?: Direction;
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
  thresholds: Thresholds;
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
    machine: run.run.machine,
    results: run.results.map(({ id, metric, unit, value, lower, upper, direction }) => ({
      id,
      metric,
      unit,
      value,
      lower,
      upper,
      ...(direction ? { direction } : {}),
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
  settings: DashboardSettings = {},
): Map<string, string> {
  const files = new Map<string, string>();
  const sorted = [...mainRuns].sort(compareRuns);
  const charted = sorted.slice(Math.max(0, sorted.length - window));
  const runFile = (run: StoredRun) => `runs/${fileId(runIdentity(run.run))}.json`;
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
        JSON.stringify({
          id: first.id,
          metric: first.metric,
          unit: first.unit,
          ...(first.direction ? { direction: first.direction } : {}),
          points,
        }),
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
        ...(first.direction ? { direction: first.direction } : {}),
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
    thresholds: settings.thresholds ?? DEFAULT_THRESHOLDS,
    runs: charted.map((run) => ({
      commit: run.run.commit,
      timestamp: run.run.timestamp,
      ref: run.run.ref,
      pullRequest: run.run.pullRequest,
      mergedPullRequest: run.run.mergedPullRequest ?? null,
      url: run.run.url,
      machine: run.run.machine,
      file: runFile(run),
      server: run.run.serverUrl ?? "https://github.com",
      message: (run.run.commitMessage ?? "").split("\n")[0]?.slice(0, 120) ?? "",
      author: run.run.commitAuthor ?? "",
      date: run.run.commitDate ?? "",
      job: run.run.job ?? "",
      leg: run.run.matrixLeg ?? "",
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
