import { createHash } from "node:crypto";
import { ConfigurationError } from "../core/errors.ts";
import type { Thresholds } from "./compare.ts";
import { hasLane, laneOf } from "./lane.ts";
import { type BenchmarkResult, isObject, resultKey, resultProblem } from "./results.ts";

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
  /** The thresholds the upload judged with, so the dashboard judges this run the same way. */
  thresholds?: Thresholds;
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

/**
 * The job and matrix leg a run measured, spelled as in its key (`job=bench leg=linux-x64`): what
 * keeps the comments of a matrix's legs apart. Safe inside an HTML comment.
 */
export function laneLabel(run: Pick<RunMetadata, "job" | "matrixLeg">): string {
  return `job=${safeSegment(run.job ?? "")} leg=${run.matrixLeg ? legSegment(run.matrixLeg) : "_"}`;
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
  if (run.thresholds !== undefined && !soundThresholds(run.thresholds)) {
    return "run.thresholds is not three non-negative numbers";
  }
  if (!Array.isArray(value.results)) return "'results' is not an array";
  // Nothing measured is never a run to compare with, or to compare: every benchmark would pass.
  if (value.results.length === 0) return "it holds no results";
  const seen = new Map<string, BenchmarkResult>();
  for (const [index, result] of value.results.entries()) {
    const problem = resultShapeProblem(result);
    if (problem) return `results[${index}]: ${problem}`;
    // Two values for one benchmark: which one was measured cannot be told, so neither is used.
    const sound = result as BenchmarkResult;
    const earlier = seen.get(resultKey(sound));
    if (earlier) {
      return `results[${index}]: holds '${sound.id}' (${sound.metric}) twice, in both ${earlier.source} and ${sound.source}`;
    }
    seen.set(resultKey(sound), sound);
  }
  return undefined;
}

function soundThresholds(value: unknown): boolean {
  return (
    isObject(value) &&
    ["countRelative", "countAbsolute", "timeRelative"].every(
      (name) => Number.isFinite(value[name]) && (value[name] as number) >= 0,
    )
  );
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

/**
 * Of several stored runs of one commit, the one to compare with. For a run of a job and matrix
 * leg: that lane's newest run, else a run stored before lanes were recorded (the same machine's
 * first), else none, so the caller walks on to an earlier commit instead of comparing one leg's
 * shard with another's. Without a lane to match (a CLI upload, a commit named on the command
 * line): the same machine's newest, else the newest. The action, the CLI and the dashboard all
 * choose with this.
 */
export function preferredRun(
  candidates: readonly StoredRun[],
  like: Pick<RunMetadata, "job" | "matrixLeg" | "machine">,
): StoredRun | undefined {
  const newestFirst = [...candidates].sort(compareRuns).reverse();
  const sameMachineFirst = (runs: StoredRun[]) =>
    runs.find((run) => run.run.machine === like.machine) ?? runs[0];
  if (!hasLane(like)) return sameMachineFirst(newestFirst);
  return (
    newestFirst.find((run) => laneOf(run.run) === laneOf(like)) ??
    sameMachineFirst(newestFirst.filter((run) => !hasLane(run.run)))
  );
}

/** Locale-free ordering, so the same runs give the same bytes on every machine. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
