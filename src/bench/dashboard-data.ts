import { compareResults, DEFAULT_THRESHOLDS, type Thresholds, type Verdict } from "./compare.ts";
import {
  byCodePoint,
  compareRuns,
  fileId,
  preferredRun,
  runIdentity,
  type StoredRun,
} from "./history.ts";
import { laneOf } from "./lane.ts";
import { type BenchmarkResult, type Direction, resultKey, type Unit } from "./results.ts";

/**
 * A charted run as the index lists it. Fields at their default are left out, and what only the
 * hover needs lives in `details/<n>.json` (runs n×100 to n×100+99), so the first view stays small
 * with a thousand runs.
 */
export interface DashboardRun {
  commit: string;
  timestamp: string;
  ref: string;
  machine: string;
  file: string;
  pullRequest?: number;
  mergedPullRequest?: number;
  /** Where this run's links point (GHES keeps its own server); github.com when absent. */
  server?: string;
  job?: string;
  leg?: string;
}

/** What the hover shows of a run besides its index entry. */
export interface DashboardRunDetails {
  url: string | null;
  message: string;
  author: string;
  /** The commit's date, when the uploader could read it. */
  date: string;
}

/** Runs per details file. */
export const DETAILS_CHUNK = 100;

/**
 * What the dashboard judges with. Without thresholds given, each run is judged with those its
 * upload used (stored with it), and the charts with the latest main run's: the page judges as
 * the action did, whoever rebuilt it.
 */
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
  /**
   * The latest point against its lane's (job and matrix leg) run of the commit before, judged
   * like the action's alert (same thresholds, same noise rule): what "sort by change" orders by.
   */
  change: number | null;
  verdict: Verdict | null;
  /** The machines of its lanes' latest runs. */
  machines: string[];
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

function compactRun(run: StoredRun, thresholds: Thresholds) {
  return {
    commit: run.run.commit,
    thresholds,
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
  const judgedWith = (run: StoredRun | undefined) =>
    settings.thresholds ?? run?.run.thresholds ?? DEFAULT_THRESHOLDS;
  const thresholds = judgedWith(charted[charted.length - 1]);
  const series = new Map<
    string,
    {
      first: BenchmarkResult;
      points: SeriesPoint[];
      lanes: Map<string, LaneState>;
      lastLane: string;
    }
  >();
  charted.forEach((run, index) => {
    files.set(runFile(run), JSON.stringify(compactRun(run, judgedWith(run))));
    const lane = laneOf(run.run);
    for (const result of run.results) {
      const entry = series.get(resultKey(result)) ?? {
        first: result,
        points: [] as SeriesPoint[],
        lanes: new Map<string, LaneState>(),
        lastLane: lane,
      };
      entry.lanes.set(lane, advanceLane(entry.lanes.get(lane), run, result));
      entry.lastLane = lane;
      entry.points.push([
        index,
        chartNumber(result.value),
        chartNumber(result.lower, 4),
        chartNumber(result.upper, 4),
      ]);
      series.set(resultKey(result), entry);
    }
  });
  const benchmarks: DashboardBenchmark[] = [...series.values()]
    .sort(
      (a, b) => byCodePoint(a.first.id, b.first.id) || byCodePoint(a.first.metric, b.first.metric),
    )
    .map(({ first, points, lanes, lastLane }) => {
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
      const { previous, latest } = lanes.get(lastLane) ?? {};
      const judged =
        previous && latest
          ? compareResults([previous], [latest.result], judgedWith(latest.run))[0]
          : undefined;
      return {
        id: first.id,
        metric: first.metric,
        unit: first.unit,
        group: groupOf(first.id),
        series: name,
        points: points.length,
        latest: last[1],
        ...(first.direction ? { direction: first.direction } : {}),
        change: judged?.relativeChange ?? null,
        verdict: judged?.verdict ?? null,
        machines: [...new Set([...lanes.values()].map((state) => state.latest.machine))].sort(
          byCodePoint,
        ),
      };
    });
  const pulls = latestPulls(pullRuns).map((pull) => {
    const base = preferredRun(
      sorted.filter((run) => run.run.commit === pull.run.baseCommit),
      pull.run,
    );
    if (base) files.set(runFile(base), JSON.stringify(compactRun(base, judgedWith(base))));
    const file = `pulls/${pull.run.pullRequest}.json`;
    files.set(file, JSON.stringify(compactRun(pull, judgedWith(pull))));
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
    thresholds,
    runs: charted.map((run) => indexEntry(run, runFile(run))),
    benchmarks,
    pulls,
  };
  files.set("index.json", JSON.stringify(index));
  for (let start = 0; start < charted.length; start += DETAILS_CHUNK) {
    const chunk = charted.slice(start, start + DETAILS_CHUNK).map(
      (run): DashboardRunDetails => ({
        url: run.run.url,
        message: (run.run.commitMessage ?? "").split("\n")[0]?.slice(0, 120) ?? "",
        author: run.run.commitAuthor ?? "",
        date: run.run.commitDate ?? "",
      }),
    );
    files.set(`details/${start / DETAILS_CHUNK}.json`, JSON.stringify(chunk));
  }
  return new Map([...files].sort(([a], [b]) => byCodePoint(a, b)));
}

/**
 * A lane's latest result, and its result of the commit before: a re-run of a commit is compared
 * with the commit before it, as the action's alert compares it, never with its own first attempt.
 */
interface LaneState {
  latest: { commit: string; machine: string; run: StoredRun; result: BenchmarkResult };
  previous: BenchmarkResult | undefined;
}

function advanceLane(
  state: LaneState | undefined,
  run: StoredRun,
  result: BenchmarkResult,
): LaneState {
  const latest = { commit: run.run.commit, machine: run.run.machine, run, result };
  if (state?.latest.commit === run.run.commit) return { latest, previous: state.previous };
  return { latest, previous: state?.latest.result };
}

/**
 * Six significant digits are more than a chart can show and a third of the bytes of a full double
 * (four for an interval's ends, drawn only as a band); each run's own file keeps the exact numbers
 * for the compare view and the "what changed" panel.
 */
function chartNumber<T extends number | null>(value: T, digits = 6): T {
  return (
    value === null || Number.isInteger(value) ? value : Number(value.toPrecision(digits))
  ) as T;
}

/** The newest run of each pull request, newest pull request first. */
function latestPulls(pullRuns: readonly StoredRun[]): StoredRun[] {
  const latest = new Map<number, StoredRun>();
  for (const run of [...pullRuns].sort(compareRuns)) {
    if (run.run.pullRequest !== null) latest.set(run.run.pullRequest, run);
  }
  return [...latest.values()].sort((a, b) => (b.run.pullRequest ?? 0) - (a.run.pullRequest ?? 0));
}

function indexEntry(stored: StoredRun, file: string): DashboardRun {
  const { run } = stored;
  return {
    commit: run.commit,
    timestamp: run.timestamp,
    ref: run.ref,
    machine: run.machine,
    file,
    ...(run.pullRequest !== null ? { pullRequest: run.pullRequest } : {}),
    ...(run.mergedPullRequest ? { mergedPullRequest: run.mergedPullRequest } : {}),
    ...(run.serverUrl && run.serverUrl !== "https://github.com" ? { server: run.serverUrl } : {}),
    ...(run.job ? { job: run.job } : {}),
    ...(run.matrixLeg ? { leg: run.matrixLeg } : {}),
  };
}
