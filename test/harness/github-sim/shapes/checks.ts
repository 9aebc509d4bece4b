import type { RepositoryState } from "../repository-state.ts";
import type {
  CheckAnnotation,
  CheckRunRecord,
  CheckSuiteRecord,
  CommitState,
  StatusRecord,
} from "../state-records.ts";
import {
  appShape,
  type Json,
  type Links,
  minimalRepositoryShape,
  nodeId,
  userShape,
} from "./common.ts";
import { simpleCommitShape } from "./git.ts";
import { pullRequestsForSha } from "./pulls.ts";

export function checkRunShape(
  links: Links,
  repository: RepositoryState,
  run: CheckRunRecord,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const job = repository.jobs.find((candidate) => candidate.checkRunId === run.id);
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId("CheckRun", run.id),
    external_id: run.externalId ?? "",
    url: `${repoApi}/check-runs/${run.id}`,
    html_url: job
      ? `${links.web}/${repository.fullName}/actions/runs/${job.runId}/job/${job.id}`
      : `${links.web}/${repository.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${repoApi}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: appShape(links, run.app),
    pull_requests: pullRequestsForSha(links, repository, run.headSha),
  };
}

export function annotationShape(
  links: Links,
  repository: RepositoryState,
  run: CheckRunRecord,
  annotation: CheckAnnotation,
): Json {
  return {
    path: annotation.path,
    start_line: annotation.start_line,
    end_line: annotation.end_line,
    start_column: annotation.start_column ?? null,
    end_column: annotation.end_column ?? null,
    annotation_level: annotation.annotation_level,
    title: annotation.title ?? null,
    message: annotation.message,
    raw_details: annotation.raw_details ?? null,
    blob_href: `${links.web}/${repository.fullName}/blob/${run.headSha}/${annotation.path}`,
  };
}

/** The first of these that any run concluded with decides the suite. */
const BLOCKING_CONCLUSIONS = ["action_required", "cancelled", "timed_out", "failure"] as const;

/** A suite's state follows its newest run per name, as GitHub rolls it up. */
export function suiteSummary(
  repository: RepositoryState,
  suite: CheckSuiteRecord,
): { status: CheckRunRecord["status"]; conclusion: string | null; runs: CheckRunRecord[] } {
  const runs = latestPerName(repository.checkRuns.filter((run) => run.checkSuiteId === suite.id));
  if (runs.length === 0) return { status: "queued", conclusion: null, runs };
  if (runs.some((run) => run.status !== "completed")) {
    const status = runs.some((run) => run.status === "in_progress") ? "in_progress" : "queued";
    return { status, conclusion: null, runs };
  }
  const conclusions = runs.map((run) => run.conclusion);
  const conclusion =
    BLOCKING_CONCLUSIONS.find((candidate) => conclusions.includes(candidate)) ??
    (conclusions.every((candidate) => candidate === "skipped")
      ? "skipped"
      : conclusions.every((candidate) => candidate === "neutral" || candidate === "skipped")
        ? "neutral"
        : "success");
  return { status: "completed", conclusion, runs };
}

/** The newest run of each name within one suite: what `filter=latest` keeps. */
export function latestPerName(runs: readonly CheckRunRecord[]): CheckRunRecord[] {
  const newest = new Map<string, CheckRunRecord>();
  for (const run of runs) {
    const key = `${run.checkSuiteId}\0${run.name}`;
    const seen = newest.get(key);
    if (!seen || run.id > seen.id) newest.set(key, run);
  }
  return [...newest.values()];
}

export function checkSuiteShape(
  links: Links,
  repository: RepositoryState,
  suite: CheckSuiteRecord,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const summary = suiteSummary(repository, suite);
  return {
    id: suite.id,
    node_id: nodeId("CheckSuite", suite.id),
    head_branch: suite.headBranch,
    head_sha: suite.headSha,
    status: summary.status,
    conclusion: summary.conclusion,
    url: `${repoApi}/check-suites/${suite.id}`,
    before: null,
    after: suite.headSha,
    pull_requests: pullRequestsForSha(links, repository, suite.headSha),
    app: appShape(links, suite.app),
    repository: minimalRepositoryShape(links, repository),
    created_at: suite.createdAt,
    updated_at: suite.updatedAt,
    head_commit: simpleCommitShape(repository.commits.get(suite.headSha), suite.headSha),
    latest_check_runs_count: summary.runs.length,
    check_runs_url: `${repoApi}/check-suites/${suite.id}/check-runs`,
    rerequestable: true,
    runs_rerequestable: true,
  };
}

export function statusShape(links: Links, repository: RepositoryState, status: StatusRecord): Json {
  return {
    url: `${links.api}/repos/${repository.fullName}/statuses/${status.sha}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    id: status.id,
    node_id: nodeId("StatusContext", status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.updatedAt,
    creator: userShape(links, status.creator),
  };
}

/** The newest status of each context, newest first: what the combined status reports. */
export function latestStatuses(statuses: readonly StatusRecord[]): StatusRecord[] {
  const newest = new Map<string, StatusRecord>();
  for (const status of [...statuses].sort((a, b) => b.id - a.id)) {
    if (!newest.has(status.context)) newest.set(status.context, status);
  }
  return [...newest.values()];
}

/** GitHub's rule: any error or failure fails; nothing reported, or anything pending, is pending. */
export function combinedState(latest: readonly StatusRecord[]): CommitState {
  if (latest.some((status) => status.state === "error" || status.state === "failure")) {
    return "failure";
  }
  if (latest.length === 0 || latest.some((status) => status.state === "pending")) return "pending";
  return "success";
}
