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
  type Thresholds,
} from "./compare.ts";
import type { GitHistory, RunContext } from "./context.ts";
import type { GenericOptions } from "./generic.ts";
import type { StoredRun } from "./history.ts";
import { findBase, previousRunOnBranch } from "./lookup.ts";
import {
  alertOnMain,
  commentMarker,
  legNote,
  linksOf,
  postComment,
  warnNoBase,
  warnNotCompared,
  withdrawAlert,
} from "./notices.ts";
import { parseResultPaths } from "./parse.ts";
import { describeUpload, siteFiles, uploadRun, writeSite } from "./publish.ts";
import {
  type BaseDescription,
  COMMENT_MARKER,
  commentBody,
  headline,
  summaryReport,
} from "./report.ts";
import { writeReportFile } from "./report-file.ts";
import type { BenchmarkResult } from "./results.ts";
import { DirectoryStore, type OpenedStore } from "./store.ts";

export type { GitHistory, RunContext } from "./context.ts";
export { ALERT_MARKER, commentMarker } from "./notices.ts";

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
  if (/^pull_request|^merge_group$/.test(context.eventName)) return "compare";
  // Other events (issue_comment, workflow_run, ...) name the default branch's newest commit
  // whatever the job measured, often a pull request's head: never main's history unasked.
  if (!MAIN_HISTORY_EVENTS.has(context.eventName) && context.branch === inputs.mainBranch) {
    throw new ConfigurationError(
      `on ${context.eventName} events, GitHub names ${inputs.mainBranch}'s newest commit whatever the job measured, so auto mode stores nothing; set input 'mode' to upload (these are that commit's results) or compare`,
    );
  }
  return "upload";
}

/** Events whose commit is the one a job on main checks out and measures. */
const MAIN_HISTORY_EVENTS = new Set(["push", "schedule", "workflow_dispatch"]);

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
