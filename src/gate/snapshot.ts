import { ApiError, type GitHubApi } from "./api.ts";

/** What GitHub said about one commit at one moment: check runs, workflow runs and statuses. */
export interface Snapshot {
  checkRuns: CheckRunRecord[];
  workflowRuns: WorkflowRunRecord[];
  statuses: StatusRecord[];
}

export interface CheckRunRecord {
  id: number;
  name: string;
  /** queued, in_progress, completed, waiting, requested, pending, or anything newer. */
  status: string;
  conclusion: string | null;
  startedAt: string | undefined;
  completedAt: string | undefined;
  url: string | undefined;
  appId: number | undefined;
  appSlug: string | undefined;
  suiteId: number | undefined;
}

export interface WorkflowRunRecord {
  id: number;
  suiteId: number | undefined;
  /** `.github/workflows/wash.yml` */
  path: string;
  name: string;
  event: string;
  status: string;
  conclusion: string | null;
  runNumber: number;
  attempt: number;
  createdAt: string | undefined;
  /** When the latest attempt began; checks finished before it belong to an earlier attempt. */
  runStartedAt: string | undefined;
  /**
   * The open pull requests whose head is the run's, as GitHub lists them: every pull request of
   * this repository from that head (not only the one the run is for), and none for a fork.
   */
  pullRequests: number[];
  /** The branch and repository of the run's head (a push's branch, a pull request's head). */
  headBranch: string;
  headRepository: string;
  url: string | undefined;
}

export interface StatusRecord {
  context: string;
  /** success, failure, error, pending. */
  state: string;
  url: string | undefined;
  createdAt: string | undefined;
  updatedAt: string | undefined;
  description: string | undefined;
}

interface RestCheckRun {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  started_at?: string | null;
  completed_at?: string | null;
  html_url?: string | null;
  details_url?: string | null;
  app?: { id?: number; slug?: string } | null;
  check_suite?: { id?: number } | null;
}

interface RestWorkflowRun {
  id: number;
  check_suite_id?: number;
  path?: string;
  name?: string | null;
  event: string;
  status: string | null;
  conclusion: string | null;
  run_number: number;
  run_attempt?: number;
  created_at?: string;
  run_started_at?: string;
  pull_requests?: { number?: number }[] | null;
  head_branch?: string | null;
  head_repository?: { full_name?: string } | null;
  html_url?: string;
}

interface RestStatus {
  id?: number;
  context: string;
  state: string;
  target_url?: string | null;
  created_at?: string;
  updated_at?: string;
  description?: string | null;
}

const PAGE = 100;
/** GitHub's list endpoints stop at 1000 results; more than that is not a commit the gate can judge. */
const MAX_PAGES = 10;

/**
 * Reads a commit's checks with three conditional GETs (one page each for up to 100 workflow runs,
 * statuses and check runs). When nothing changed every answer is a free 304; `changed` says
 * whether any part is new. Check runs are read with `filter=all`: `latest` would show only the
 * newest check run of each name in a suite, so a later green one could hide a red one.
 *
 * The check runs and statuses are read after the workflow runs have answered, never beside
 * them: a run is completed only once every check run and status its jobs created exists, so every
 * run the snapshot shows completed has all of them in it. Read the other way round, a run could be
 * seen finished without the job it created last, and that job's red would be missed.
 */
export async function readSnapshot(
  api: GitHubApi,
  repository: string,
  sha: string,
): Promise<{ snapshot: Snapshot; changed: boolean; incomplete: string | undefined }> {
  const [runsPath, statusesPath, checksPath] = snapshotPaths(repository, sha);
  const runs = await pages<RestWorkflowRun>(api, runsPath, "workflow_runs");
  const [statuses, checks] = await Promise.all([
    pages<RestStatus>(api, statusesPath, "statuses"),
    pages<RestCheckRun>(api, checksPath, "check_runs"),
  ]);
  const missing = [runs.missing, statuses.missing, checks.missing].filter(Boolean);
  return {
    changed: checks.changed || runs.changed || statuses.changed,
    incomplete: missing.length > 0 ? `${missing.join("; ")} results` : undefined,
    snapshot: {
      checkRuns: checks.items.map(toCheckRun),
      workflowRuns: runs.items.map(toWorkflowRun),
      statuses: statuses.items.map(toStatus),
    },
  };
}

function snapshotPaths(repository: string, sha: string): [string, string, string] {
  const base = `/repos/${repository}`;
  return [
    `${base}/actions/runs?head_sha=${sha}`,
    `${base}/commits/${sha}/status`,
    `${base}/commits/${sha}/check-runs?filter=all`,
  ];
}

/** The first request of a poll (the workflow runs), so the entry can send it before anything loads. */
export function firstSnapshotPaths(repository: string, sha: string): string[] {
  return [withPage(snapshotPaths(repository, sha)[0], 1)];
}

function withPage(path: string, page: number): string {
  const separator = path.includes("?") ? "&" : "?";
  return `${path}${separator}per_page=${PAGE}${page > 1 ? `&page=${page}` : ""}`;
}

/**
 * Every page of a list, until as many items as its `total_count` says. A short page is not the
 * end while the count says more (GitHub may answer short pages); when the pages run out before
 * the count, the list is `complete: false`, which is never green (the next poll reads it again).
 * Items are told apart by id, since a list that grows between two pages shifts an item onto the
 * next page.
 */
async function pages<T extends { id?: number }>(api: GitHubApi, path: string, key: string) {
  const items = new Map<number | string, T>();
  let changed = false;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await api.get<Record<string, unknown>>(withPage(path, page));
    changed ||= result.changed;
    const batch = (result.data[key] as T[] | undefined) ?? [];
    for (const [index, item] of batch.entries()) items.set(item.id ?? `${page}:${index}`, item);
    const total = typeof result.data.total_count === "number" ? result.data.total_count : undefined;
    const done = total === undefined ? batch.length < PAGE : items.size >= total;
    if (done || batch.length === 0) {
      const missing = done ? undefined : `${path.split("?")[0]} listed ${items.size} of ${total}`;
      return { items: [...items.values()], changed, missing };
    }
  }
  // An unread page could hold the one failure: a commit the gate cannot read whole is not judged.
  throw new ApiError(
    `${path.split("?")[0]} lists more than ${PAGE * MAX_PAGES} results; the gate cannot read them all`,
  );
}

function toCheckRun(run: RestCheckRun): CheckRunRecord {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    startedAt: run.started_at ?? undefined,
    completedAt: run.completed_at ?? undefined,
    url: run.html_url ?? run.details_url ?? undefined,
    appId: run.app?.id,
    appSlug: run.app?.slug,
    suiteId: run.check_suite?.id,
  };
}

function toWorkflowRun(run: RestWorkflowRun): WorkflowRunRecord {
  return {
    id: run.id,
    suiteId: run.check_suite_id,
    path: (run.path ?? "").replace(/@.*$/, ""),
    name: run.name ?? "",
    event: run.event,
    status: run.status ?? "unknown",
    conclusion: run.conclusion,
    runNumber: run.run_number,
    attempt: run.run_attempt ?? 1,
    createdAt: run.created_at,
    runStartedAt: run.run_started_at,
    pullRequests: (run.pull_requests ?? []).flatMap((pull) =>
      typeof pull.number === "number" ? [pull.number] : [],
    ),
    headBranch: run.head_branch ?? "",
    headRepository: run.head_repository?.full_name ?? "",
    url: run.html_url,
  };
}

function toStatus(status: RestStatus): StatusRecord {
  return {
    context: status.context,
    state: status.state,
    url: status.target_url ?? undefined,
    createdAt: status.created_at,
    updatedAt: status.updated_at,
    description: status.description ?? undefined,
  };
}
