import { resolve } from "node:path";
import { ConfigurationError } from "../core/errors.ts";
import { inlineCode, Summary } from "../core/summary.ts";
import { type Comparison, compareResults, countVerdicts, type Thresholds } from "./compare.ts";
import type { RunMetadata, StoredRun } from "./history.ts";
import { parseResultPaths } from "./parse.ts";
import {
  describeUpload,
  loadRun,
  publishSite,
  siteFiles,
  storedCommits,
  storeRun,
  UploadError,
  type UploadReport,
  writeSite,
} from "./publish.ts";
import {
  type BaseDescription,
  COMMENT_MARKER,
  commentBody,
  headline,
  summaryReport,
} from "./report.ts";
import type { BenchmarkResult } from "./results.ts";
import type { ObjectStore } from "./store.ts";

export interface BenchInputs {
  /** Result files and directories (Criterion trees, Valgrind outputs, bencher text...). */
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
}

/** What the workflow run knows about itself (from the runner's environment and event). */
export interface RunContext {
  metadata: RunMetadata;
  eventName: string;
  /** The branch pushed to, for push events. */
  branch: string | null;
  cwd: string;
}

export interface GitHistory {
  mergeBase(baseRef: string, head: string): Promise<string>;
  /** The commit and its first-parent ancestors, newest first. */
  firstParents(commit: string, limit: number): Promise<string[]>;
}

export interface StickyComment {
  /** Creates the comment, or updates the one that carries `marker`; returns its URL. */
  upsert(marker: string, body: string): Promise<string>;
}

export interface BenchDeps {
  storage: { store: ObjectStore; prefix: string } | undefined;
  git: GitHistory;
  comments: StickyComment | undefined;
  assets: ReadonlyMap<string, string>;
  log(text: string): void;
  /** A warning annotation: something the user should know that does not fail the step. */
  warn(text: string): void;
  writeSummary(markdown: Summary): void;
}

export interface BenchOutcome {
  mode: "upload" | "compare" | "parse";
  results: BenchmarkResult[];
  comparisons: Comparison[];
  base: BaseDescription | undefined;
  runKey: string | undefined;
  regressions: number;
  failed: boolean;
}

export async function run(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
): Promise<BenchOutcome> {
  const results = parseResultPaths(inputs.results, context.cwd);
  deps.log(`read ${results.length} results from ${inputs.results.join(", ")}`);
  const mode = chooseMode(inputs, context);
  if (mode === "compare") return comparePullRequest(inputs, context, deps, results);
  const outcome = { results, comparisons: [], base: undefined, regressions: 0, failed: false };
  if (mode === "upload" && context.branch === inputs.mainBranch) {
    return { ...outcome, mode, runKey: await storeMainRun(inputs, context, deps, results) };
  }
  deps.log(`not on ${inputs.mainBranch} (${context.branch ?? context.eventName}): nothing stored`);
  return { ...outcome, mode: "parse", runKey: undefined };
}

async function storeMainRun(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  results: BenchmarkResult[],
): Promise<string> {
  const runKey = await upload(inputs, context, deps, results, true);
  const { store, prefix } = deps.storage as NonNullable<BenchDeps["storage"]>;
  if (inputs.siteDirectory) {
    const { files } = await siteFiles(store, prefix, deps.assets, inputs.historyWindow);
    writeSite(resolve(context.cwd, inputs.siteDirectory), files);
    deps.log(`wrote the dashboard (${files.size} files) to ${inputs.siteDirectory}`);
  }
  deps.writeSummary(
    new Summary()
      .heading(`Benchmarks: ${results.length} results stored`)
      .raw(`Stored as ${inlineCode(runKey)} in ${inlineCode(store.description)}.`),
  );
  return runKey;
}

function chooseMode(inputs: BenchInputs, context: RunContext): "upload" | "compare" {
  if (inputs.mode !== "auto") return inputs.mode;
  return /^pull_request/.test(context.eventName) ? "compare" : "upload";
}

async function upload(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  results: BenchmarkResult[],
  intoMainHistory: boolean,
): Promise<string> {
  if (!deps.storage) throw new ConfigurationError("input 'storage' is required to upload a run");
  const { store, prefix } = deps.storage;
  const stored: StoredRun = { schema: 1, run: context.metadata, results };
  const report: UploadReport = { stored: [], notStored: [] };
  let key: string | undefined;
  try {
    key = await storeRun(store, prefix, stored, intoMainHistory);
    report.stored.push(key);
    await publishSite(store, prefix, deps.assets, inputs.historyWindow, report);
  } catch (thrown) {
    if (!key) report.notStored.push(`the run (${results.length} results)`, `${prefix}site/`);
    throw new UploadError(thrown, report);
  }
  deps.log(`uploaded to ${store.description}\n${describeUpload(report)}`);
  return key;
}

async function findBase(inputs: BenchInputs, context: RunContext, deps: BenchDeps) {
  const none = { commit: null, mergeBase: null, distance: 0, url: null };
  if (!deps.storage) return { base: undefined, description: none };
  const mergeBase = await deps.git.mergeBase(inputs.baseRef, context.metadata.commit);
  const stored = await storedCommits(deps.storage.store, deps.storage.prefix);
  const ancestors = await deps.git.firstParents(mergeBase, 500);
  const distance = ancestors.findIndex((commit) => stored.has(commit));
  if (distance < 0) return { base: undefined, description: { ...none, mergeBase } };
  const commit = ancestors[distance] as string;
  const base = await loadRun(deps.storage.store, stored.get(commit) as string);
  return { base, description: { commit, mergeBase, distance, url: base.run.url } };
}

/**
 * A pull request from a fork runs with a read-only token: the comment is then refused (403), which
 * is worth a warning, not a failed step, since the job summary holds the same table.
 */
async function postComment(deps: BenchDeps, body: string): Promise<void> {
  try {
    const url = await (deps.comments as StickyComment).upsert(COMMENT_MARKER, body);
    deps.log(`pull request comment: ${url}`);
  } catch (thrown) {
    const status = (thrown as { status?: unknown }).status;
    if (status !== 403 && status !== 404) throw thrown;
    deps.warn(
      `could not write the pull request comment (HTTP ${status}): the token cannot write to this pull request, as happens for pull requests from forks; the job summary has the table`,
    );
  }
}

async function comparePullRequest(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  results: BenchmarkResult[],
): Promise<BenchOutcome> {
  const { base, description } = await findBase(inputs, context, deps);
  const comparisons = compareResults(base?.results ?? [], results, inputs.thresholds);
  deps.log(`benchmarks: ${headline(comparisons)}`);
  deps.writeSummary(summaryReport(comparisons, description));
  if (deps.comments && context.metadata.pullRequest !== null && inputs.comment) {
    await postComment(
      deps,
      commentBody(comparisons, description, context.metadata.url ?? undefined),
    );
  }
  let runKey: string | undefined;
  if (deps.storage && inputs.storePullRequests) {
    const metadata = { ...context.metadata, baseCommit: description.commit };
    runKey = await upload(
      inputs,
      { ...context, metadata },
      deps,
      results,
      inputs.publishPullRequests,
    );
  }
  const regressions = countVerdicts(comparisons).regressed;
  return {
    mode: "compare",
    results,
    comparisons,
    base: description,
    runKey,
    regressions,
    failed: regressions > 0 && inputs.failOnRegression,
  };
}
