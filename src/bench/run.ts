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
import { type BaseDescription, commentBody, headline, summaryReport } from "./report.ts";
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
  if (mode === "upload" && context.branch === inputs.mainBranch) {
    const runKey = await upload(inputs, context, deps, results, true);
    if (inputs.siteDirectory && deps.storage) {
      const { files } = await siteFiles(
        deps.storage.store,
        deps.storage.prefix,
        deps.assets,
        inputs.historyWindow,
      );
      writeSite(resolve(context.cwd, inputs.siteDirectory), files);
      deps.log(`wrote the dashboard (${files.size} files) to ${inputs.siteDirectory}`);
    }
    deps.writeSummary(
      new Summary()
        .heading(`Benchmarks: ${results.length} results stored`)
        .raw(
          `Stored as ${inlineCode(runKey)} in ${inlineCode(deps.storage?.store.description ?? "")}.`,
        ),
    );
    return {
      mode,
      results,
      comparisons: [],
      base: undefined,
      runKey,
      regressions: 0,
      failed: false,
    };
  }
  deps.log(`not on ${inputs.mainBranch} (${context.branch ?? context.eventName}): nothing stored`);
  return {
    mode: "parse",
    results,
    comparisons: [],
    base: undefined,
    runKey: undefined,
    regressions: 0,
    failed: false,
  };
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
    if (!key)
      report.notStored.push(
        `the run (${results.length} results)`,
        `${prefix}site/ (the dashboard)`,
      );
    throw new UploadError(thrown, report);
  }
  deps.log(`uploaded to ${store.description}\n${describeUpload(report)}`);
  return key;
}

async function findBase(inputs: BenchInputs, context: RunContext, deps: BenchDeps) {
  if (!deps.storage)
    return {
      base: undefined,
      description: { commit: null, mergeBase: null, distance: 0, url: null },
    };
  const mergeBase = await deps.git.mergeBase(inputs.baseRef, context.metadata.commit);
  const stored = await storedCommits(deps.storage.store, deps.storage.prefix);
  const ancestors = await deps.git.firstParents(mergeBase, 500);
  const distance = ancestors.findIndex((commit) => stored.has(commit));
  if (distance < 0)
    return { base: undefined, description: { commit: null, mergeBase, distance: 0, url: null } };
  const commit = ancestors[distance] as string;
  const base = await loadRun(deps.storage.store, stored.get(commit) as string);
  return { base, description: { commit, mergeBase, distance, url: base.run.url } };
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
    const url = await deps.comments.upsert(
      "<!-- status-gate:bench -->",
      commentBody(comparisons, description, context.metadata.url ?? undefined),
    );
    deps.log(`pull request comment: ${url}`);
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
