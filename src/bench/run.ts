import { resolve } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import { type ActionOutcome, Outcome } from "../core/outcome.ts";
import { inlineCode, Summary } from "../core/summary.ts";
import type { StickyComment } from "./comments.ts";
import {
  byBenchmark,
  type Comparison,
  compareResults,
  countVerdicts,
  directionChanged,
  type Thresholds,
  unitChanged,
} from "./compare.ts";
import type { GitHistory, RunContext } from "./context.ts";
import type { GenericOptions } from "./generic.ts";
import { laneLabel, type RunMetadata, type StoredRun } from "./history.ts";
import { findBase, previousRunOnBranch } from "./lookup.ts";
import { parseResultPaths } from "./parse.ts";
import { describeUpload, siteFiles, uploadRun, writeSite } from "./publish.ts";
import {
  type BaseDescription,
  COMMENT_MARKER,
  commentBody,
  headline,
  type ReportLinks,
  summaryReport,
} from "./report.ts";
import { writeReportFile } from "./report-file.ts";
import type { BenchmarkResult } from "./results.ts";
import { DirectoryStore, type OpenedStore } from "./store.ts";

export type { GitHistory, RunContext } from "./context.ts";

/** The alert on a regressed push to the main branch: one commit comment, edited on re-runs. */
export const ALERT_MARKER = "<!-- status-gate:bench-alert -->";

/**
 * A comment's hidden markers: the kind, then the job and matrix leg that wrote it, so each leg of
 * a matrix keeps a comment of its own and a passing leg never overwrites another's regression.
 */
export function commentMarker(kind: string, run: RunMetadata): string {
  return `${kind}\n<!-- status-gate:bench-lane ${laneLabel(run)} -->`;
}

/** Which leg wrote a comment, said where a matrix has several. */
function legNote(run: RunMetadata): string {
  if (!run.matrixLeg || run.matrixLeg === "0") return "";
  return `Matrix leg ${inlineCode(run.matrixLeg)}${run.job ? ` of job ${inlineCode(run.job)}` : ""}. `;
}

export interface BenchInputs {
  /** Result files and directories (Criterion trees, Valgrind outputs, bencher text, JSON...). */
  results: string[];
  /** `upload`: add to the main history; `compare`: judge a pull request; `auto`: by event. */
  mode: "auto" | "upload" | "compare";
  thresholds: Thresholds;
  failOnRegression: boolean;
  /** Keep one comment on the pull request with the table. */
  comment: boolean;
  /** Also store pull-request runs (under `pulls/`, apart from the main history). */
  storePullRequests: boolean;
  /** Put pull-request runs into the main history: only when asked. */
  publishPullRequests: boolean;
  /** The branch whose pushes form the main history. */
  mainBranch: string;
  /** The git ref of the base branch used to find the merge base (`origin/main`). */
  baseRef: string;
  /** How many of the latest runs the dashboard charts. */
  historyWindow: number;
  /** Also write the dashboard here (for actions/upload-pages-artifact). */
  siteDirectory: string | undefined;
  /** Comment on a pushed commit that regressed against the previous stored run. */
  commentOnAlert: boolean;
  /** `@login` or `@org/team` named in that comment. */
  alertMentions: string[];
  /** On pushes, fail the step when a benchmark regressed by at least this fraction. */
  failThreshold: number | undefined;
  /** The dashboard's address, linked from every report. */
  dashboardUrl: string | undefined;
  generic: GenericOptions;
}

export interface BenchDeps {
  storage: OpenedStore | undefined;
  git: GitHistory;
  /** The pull request's sticky comment, when there is a token and a pull request. */
  comments: StickyComment | undefined;
  /** The sticky comment on a commit, when there is a token. */
  commitComment: ((commit: string) => StickyComment) | undefined;
  assets: ReadonlyMap<string, string>;
  /** Where the JSON report goes (`RUNNER_TEMP`). */
  reportDirectory: string;
  /** Live progress for the step's log. */
  log(text: string): void;
}

/** What `run` found, for the outputs and the report file. */
export interface BenchOutcome {
  mode: "upload" | "compare" | "parse";
  results: BenchmarkResult[];
  comparisons: Comparison[];
  base: BaseDescription | undefined;
  runKey: string | undefined;
  regressions: number;
}

export async function run(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
): Promise<ActionOutcome> {
  const outcome = new Outcome();
  const results = parseResultPaths(inputs.results, context.cwd, inputs.generic);
  deps.log(`read ${results.length} results from ${inputs.results.join(", ")}`);
  if (
    deps.storage?.store instanceof DirectoryStore &&
    context.runnerEnvironment === "github-hosted"
  ) {
    outcome.warning(
      `storage '${deps.storage.store.description}' is a directory on a GitHub-hosted runner, which is deleted when the job ends: nothing stored there survives. Use storage: git-branch or s3://bucket/prefix`,
      "bench storage",
    );
  }
  const mode = chooseMode(inputs, context);
  let report: BenchOutcome;
  if (mode === "compare") {
    report = await comparePullRequest(inputs, context, deps, results, outcome);
  } else if (context.branch === inputs.mainBranch) {
    report = await storeMainRun(inputs, context, deps, results, outcome);
  } else {
    deps.log(
      `not on ${inputs.mainBranch} (${context.branch ?? context.eventName}): nothing stored`,
    );
    report = {
      mode: "parse",
      results,
      comparisons: [],
      base: undefined,
      runKey: undefined,
      regressions: 0,
    };
  }
  outcome
    .output("verdict", report.regressions > 0 ? "regressed" : "pass")
    .output("regressions", report.regressions)
    .output("base-commit", report.base?.commit ?? "")
    .output("run-key", report.runKey ?? "");
  const reportFile = writeReportFile(deps.reportDirectory, report);
  outcome.output("report", reportFile).file(reportFile, "every result and comparison as JSON");
  return outcome;
}

/**
 * A merge queue's group is judged like a pull request: its check is the last chance to stop a
 * regression before it lands, and the push that lands it stores the run.
 */
function chooseMode(inputs: BenchInputs, context: RunContext): "upload" | "compare" {
  if (inputs.mode !== "auto") return inputs.mode;
  return /^pull_request|^merge_group$/.test(context.eventName) ? "compare" : "upload";
}

function linksOf(inputs: BenchInputs, context: RunContext): ReportLinks {
  return {
    repositoryUrl: context.repositoryUrl,
    headCommit: context.metadata.commit,
    dashboardUrl: inputs.dashboardUrl,
    runUrl: context.metadata.url ?? undefined,
  };
}

function storageOf(deps: BenchDeps): OpenedStore {
  if (!deps.storage) throw new ConfigurationError("input 'storage' is required to upload a run");
  return deps.storage;
}

/** Stores the run and rebuilds the site; warns about stored files left out of the dashboard. */
async function upload(
  inputs: BenchInputs,
  deps: BenchDeps,
  stored: StoredRun,
  intoMainHistory: boolean,
  outcome: Outcome,
): Promise<string> {
  const { store, prefix } = storageOf(deps);
  const { key, report, skipped } = await uploadRun(store, prefix, stored, intoMainHistory, {
    assets: deps.assets,
    window: inputs.historyWindow,
    settings: {},
  });
  for (const { key: bad, problem } of skipped) {
    outcome.warning(`left out of the dashboard: ${problem}`, `bench: unreadable stored run ${bad}`);
  }
  deps.log(`uploaded to ${store.description}\n${describeUpload(report)}`);
  return key;
}

async function storeMainRun(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  results: BenchmarkResult[],
  outcome: Outcome,
): Promise<BenchOutcome> {
  const { store, prefix } = storageOf(deps);
  const previous = await previousRunOnBranch(store, prefix, deps.git, context.metadata);
  const stored: StoredRun = {
    schema: 1,
    run: { ...context.metadata, thresholds: inputs.thresholds },
    results,
  };
  const runKey = await upload(inputs, deps, stored, true, outcome);
  if (inputs.siteDirectory) {
    const { files } = await siteFiles(store, prefix, deps.assets, inputs.historyWindow);
    writeSite(resolve(context.cwd, inputs.siteDirectory), files);
    deps.log(`wrote the dashboard (${files.size} files) to ${inputs.siteDirectory}`);
  }
  const base: BaseDescription = {
    commit: previous?.run.commit ?? null,
    mergeBase: null,
    distance: 0,
    url: previous?.run.url ?? null,
  };
  const comparisons = previous ? compareResults(previous.results, results, inputs.thresholds) : [];
  if (previous) warnNotCompared(comparisons, "this run", outcome);
  const regressions = countVerdicts(comparisons).regressed;
  const links = linksOf(inputs, context);
  const summary = previous
    ? summaryReport(comparisons, base, links, `Benchmarks on ${inputs.mainBranch}`)
    : new Summary().heading(`Benchmarks: ${results.length} results stored`);
  outcome.summary = summary.raw(
    `${previous ? "" : "No earlier stored run on this branch to compare with. "}Stored as ${inlineCode(runKey)} in ${inlineCode(store.description)}.`,
  );
  if (regressions > 0) await alertOnMain(inputs, context, deps, comparisons, base, outcome);
  else if (previous) await withdrawAlert(inputs, context, deps, comparisons, base, outcome);
  return { mode: "upload", results, comparisons, base, runKey, regressions };
}

/**
 * A regression that landed: one comment on the commit (found again by marker and author, so a
 * re-run edits it rather than adding another), and a failed step past the fail threshold.
 */
async function alertOnMain(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  comparisons: readonly Comparison[],
  base: BaseDescription,
  outcome: Outcome,
): Promise<void> {
  const regressed = byBenchmark(comparisons).filter(
    (benchmark) => benchmark.verdict === "regressed",
  );
  const commit = context.metadata.commit;
  outcome.warning(
    `${regressed.length} benchmark(s) regressed against the previous stored run ${base.commit?.slice(0, 12)}: ${regressed.map((benchmark) => benchmark.id).join(", ")}`,
    "bench regression",
  );
  if (inputs.commentOnAlert && deps.commitComment) {
    const mentions =
      inputs.alertMentions.length > 0 ? `cc ${inputs.alertMentions.join(" ")}\n\n` : "";
    const marker = commentMarker(ALERT_MARKER, context.metadata);
    const body = commentBody(
      comparisons,
      base,
      context.metadata.url ?? undefined,
      linksOf(inputs, context),
      {
        marker,
        title: "Benchmark regression",
        preface: `${mentions}${legNote(context.metadata)}`,
      },
    );
    const comment = deps.commitComment(commit);
    await postComment((text) => comment.upsert(marker, text), body, outcome, deps, "commit");
  }
  if (inputs.failThreshold === undefined) return;
  const threshold = inputs.failThreshold;
  const failing = regressed.filter(
    (benchmark) =>
      Math.abs(benchmark.worst.relativeChange ?? Number.POSITIVE_INFINITY) >= threshold,
  );
  if (failing.length > 0) {
    outcome.fail(
      `${failing.length} benchmark(s) regressed by at least the fail threshold of ${Number((threshold * 100).toPrecision(3))}%: ${failing.map((benchmark) => `${benchmark.id} (${benchmark.worst.metric})`).join(", ")}`,
    );
  }
}

/**
 * A re-run of a commit whose earlier attempt alerted, now finding no regression, edits that alert
 * so the commit's comment never disagrees with the step and the dashboard. Nothing is posted
 * when there was no alert; first attempts have none to edit, so they do not look.
 */
async function withdrawAlert(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  comparisons: readonly Comparison[],
  base: BaseDescription,
  outcome: Outcome,
): Promise<void> {
  if (!inputs.commentOnAlert || !deps.commitComment || context.metadata.runAttempt === "1") return;
  const marker = commentMarker(ALERT_MARKER, context.metadata);
  const body = commentBody(
    comparisons,
    base,
    context.metadata.url ?? undefined,
    linksOf(inputs, context),
    {
      marker,
      title: "Benchmarks re-run",
      preface: `${legNote(context.metadata)}Attempt ${inlineCode(context.metadata.runAttempt)} of this run found no benchmark regressed; this replaces the alert of an earlier attempt.\n\n`,
    },
  );
  const comment = deps.commitComment(context.metadata.commit);
  await postComment((text) => comment.edit(marker, text), body, outcome, deps, "commit");
}

/**
 * What the comparison could not judge, said where the author sees it: a base benchmark no longer
 * measured (deleted, renamed, or its file left out) passes as "removed", and one measured in a
 * new unit as "noisy"; neither may hide a regression silently.
 */
function warnNotCompared(comparisons: readonly Comparison[], by: string, outcome: Outcome): void {
  const names = (list: readonly string[]) =>
    `${list.slice(0, 20).join(", ")}${list.length > 20 ? ` and ${list.length - 20} more` : ""}`;
  const removed = byBenchmark(comparisons)
    .filter((benchmark) => benchmark.verdict === "removed")
    .map((benchmark) => benchmark.id);
  const units = comparisons
    .filter(unitChanged)
    .map((comparison) => `${comparison.id} (${comparison.base?.unit} → ${comparison.head?.unit})`);
  const directions = comparisons
    .filter(directionChanged)
    .map((comparison) => `${comparison.id} (${comparison.reason.replace(/, not compared$/, "")})`);
  const parts = [
    removed.length > 0 &&
      `${removed.length} base benchmark(s) not measured by ${by}: ${names(removed)}`,
    units.length > 0 &&
      `${units.length} benchmark(s) measured in another unit, not compared: ${names(units)}`,
    directions.length > 0 &&
      `${directions.length} benchmark(s) judged the other way round, not compared: ${names(directions)}`,
  ].filter(Boolean);
  if (parts.length > 0) outcome.warning(`${parts.join("; ")}`, "bench: not compared");
}

/**
 * Judged against nothing, every benchmark is "added" and the check passes: said in an annotation,
 * since a typo in the storage prefix would otherwise look like a clean comparison forever.
 */
function warnNoBase(
  inputs: BenchInputs,
  deps: BenchDeps,
  description: BaseDescription,
  outcome: Outcome,
): void {
  const where = deps.storage
    ? `no stored run of this job and matrix leg on ${inputs.baseRef} at or before the merge base ${description.mergeBase?.slice(0, 12) ?? ""} in ${deps.storage.store.description}`
    : "input 'storage' is not set, so there is no stored base run";
  outcome.warning(
    `${where}: nothing was compared, and every benchmark is reported as added`,
    "bench: not compared",
  );
}

/**
 * A fork's pull request runs with a read-only token: the comment is then refused (403), which is
 * worth a warning, not a failed step, since the job summary holds the same table.
 */
async function postComment(
  write: (body: string) => Promise<string | undefined>,
  body: string,
  outcome: Outcome,
  deps: BenchDeps,
  where: "pull request" | "commit",
): Promise<void> {
  try {
    const url = await write(body);
    if (url) deps.log(`${where} comment: ${url}`);
  } catch (thrown) {
    const status = (thrown as { status?: unknown }).status;
    if (status !== 403 && status !== 404) throw thrown;
    outcome.warning(
      `could not write the ${where} comment (HTTP ${status}): the token cannot write there, as happens for pull requests from forks; the job summary has the table`,
      "bench comment",
    );
  }
}

async function comparePullRequest(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  results: BenchmarkResult[],
  outcome: Outcome,
): Promise<BenchOutcome> {
  const { base, description } = await findBase(
    deps.storage,
    deps.git,
    inputs.baseRef,
    context.metadata,
  );
  const comparisons = compareResults(base?.results ?? [], results, inputs.thresholds);
  const links = linksOf(inputs, context);
  deps.log(`benchmarks: ${headline(comparisons)}`);
  outcome.summary = summaryReport(comparisons, description, links);
  if (deps.comments && context.metadata.pullRequest !== null && inputs.comment) {
    const marker = commentMarker(COMMENT_MARKER, context.metadata);
    const body = commentBody(comparisons, description, context.metadata.url ?? undefined, links, {
      marker,
      preface: legNote(context.metadata),
    });
    const comment = deps.comments;
    await postComment((text) => comment.upsert(marker, text), body, outcome, deps, "pull request");
  }
  let runKey: string | undefined;
  // A comparison outside a pull request (a merge queue's group, a forced compare on a branch) has
  // no place apart from the main history, and is not main's history either: nothing is stored.
  if (deps.storage && inputs.storePullRequests && context.metadata.pullRequest === null) {
    deps.log("not a pull request: the comparison is reported, nothing is stored");
  } else if (
    deps.storage?.store.writesWithWorkflowToken &&
    inputs.storePullRequests &&
    context.readOnlyToken
  ) {
    // A push GitHub refuses would fail a check whose comparison is sound.
    outcome.warning(
      `${context.readOnlyToken}: this pull request's run is not stored in ${deps.storage.store.description}; its comparison with the base is unaffected`,
      "bench storage",
    );
  } else if (deps.storage && inputs.storePullRequests) {
    const run = {
      ...context.metadata,
      baseCommit: description.commit,
      thresholds: inputs.thresholds,
    };
    runKey = await upload(
      inputs,
      deps,
      { schema: 1, run, results },
      inputs.publishPullRequests,
      outcome,
    );
  }
  if (!base) warnNoBase(inputs, deps, description, outcome);
  warnNotCompared(comparisons, "this pull request", outcome);
  const regressed = byBenchmark(comparisons).filter(
    (benchmark) => benchmark.verdict === "regressed",
  );
  if (regressed.length > 0) {
    outcome.annotate({
      level: "error",
      title: "bench regression",
      message: `${regressed.length} benchmark regression(s): ${regressed.map((benchmark) => `${benchmark.id} (${benchmark.worst.metric})`).join(", ")}; see the job summary`,
    });
    if (inputs.failOnRegression) {
      outcome.fail(`${regressed.length} benchmark(s) regressed; see the job summary`);
    }
  }
  return {
    mode: "compare",
    results,
    comparisons,
    base: description,
    runKey,
    regressions: regressed.length,
  };
}
