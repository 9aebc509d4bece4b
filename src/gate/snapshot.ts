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
  html_url?: string;
}

interface RestStatus {
  context: string;
  state: string;
  target_url?: string | null;
  created_at?: string;
  updated_at?: string;
  description?: string | null;
}

const PAGE = 100;
/** GitHub's list endpoints stop at 1000 results; more than that is not a commit we can judge. */
const MAX_PAGES = 10;

/**
 * Reads a commit's checks with three conditional GETs (one page each for up to 100 check runs,
 * statuses and workflow runs). When nothing changed every answer is a free 304; `changed` says
 * whether any part is new.
 */
export async function readSnapshot(
  api: GitHubApi,
  repository: string,
  sha: string,
): Promise<{ snapshot: Snapshot; changed: boolean }> {
  const base = `/repos/${repository}`;
  const [checks, runs, statuses] = await Promise.all([
    pages<RestCheckRun>(api, `${base}/commits/${sha}/check-runs?filter=latest`, "check_runs"),
    pages<RestWorkflowRun>(api, `${base}/actions/runs?head_sha=${sha}`, "workflow_runs"),
    pages<RestStatus>(api, `${base}/commits/${sha}/status`, "statuses"),
  ]);
  return {
    changed: checks.changed || runs.changed || statuses.changed,
    snapshot: {
      checkRuns: checks.items.map(toCheckRun),
      workflowRuns: runs.items.map(toWorkflowRun),
      statuses: statuses.items.map(toStatus),
    },
  };
}

/** The URLs of the first poll, so the entry can send them before anything else loads. */
export function firstSnapshotPaths(repository: string, sha: string): string[] {
  const base = `/repos/${repository}`;
  return [
    withPage(`${base}/commits/${sha}/check-runs?filter=latest`, 1),
    withPage(`${base}/actions/runs?head_sha=${sha}`, 1),
    withPage(`${base}/commits/${sha}/status`, 1),
  ];
}

function withPage(path: string, page: number): string {
  const separator = path.includes("?") ? "&" : "?";
  return `${path}${separator}per_page=${PAGE}${page > 1 ? `&page=${page}` : ""}`;
}

async function pages<T>(api: GitHubApi, path: string, key: string) {
  const items: T[] = [];
  let changed = false;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await api.get<Record<string, unknown>>(withPage(path, page));
    changed ||= result.changed;
    const batch = (result.data[key] as T[] | undefined) ?? [];
    items.push(...batch);
    const total = typeof result.data.total_count === "number" ? result.data.total_count : undefined;
    if (batch.length < PAGE || (total !== undefined && items.length >= total))
      return { items, changed };
  }
  // An unread page could hold the one failure: a commit we cannot read whole is not judged.
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
