import type { RepositoryState } from "../repository-state.ts";
import type { JobRecord, WorkflowRunAttempt, WorkflowRunRecord } from "../state-records.ts";
import { type Json, type Links, minimalRepositoryShape, nodeId, userShape } from "./common.ts";
import { simpleCommitShape } from "./git.ts";
import { pullRequestMinimalShape } from "./pulls.ts";

/**
 * `workflow-run`, optionally as it stood at an earlier attempt (the attempts endpoint shows
 * that attempt's status, conclusion and start time under the same run id).
 */
export function workflowRunShape(
  links: Links,
  repository: RepositoryState,
  run: WorkflowRunRecord,
  options: { attempt?: WorkflowRunAttempt; excludePullRequests?: boolean } = {},
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const url = `${repoApi}/actions/runs/${run.id}`;
  const attempt = options.attempt ?? {
    attempt: run.runAttempt,
    status: run.status,
    conclusion: run.conclusion,
    runStartedAt: run.runStartedAt,
    updatedAt: run.updatedAt,
  };
  const workflow = repository.workflows.find((candidate) => candidate.id === run.workflowId);
  const pulls = options.excludePullRequests
    ? []
    : run.pullRequestNumbers.flatMap((number) => {
        const pull = repository.pulls.get(number);
        return pull ? [pullRequestMinimalShape(links, repository, pull)] : [];
      });
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("WorkflowRun", run.id),
    check_suite_id: run.checkSuiteId,
    check_suite_node_id: nodeId("CheckSuite", run.checkSuiteId),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: workflow?.path ?? ".github/workflows/ci.yml",
    display_title: run.displayTitle,
    run_number: run.runNumber,
    run_attempt: attempt.attempt,
    referenced_workflows: [],
    event: run.event,
    status: attempt.status,
    conclusion: attempt.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${links.web}/${repository.fullName}/actions/runs/${run.id}`,
    pull_requests: pulls,
    created_at: run.createdAt,
    updated_at: attempt.updatedAt,
    actor: userShape(links, run.actor),
    triggering_actor: userShape(links, run.actor),
    run_started_at: attempt.runStartedAt,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repoApi}/check-suites/${run.checkSuiteId}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: attempt.attempt > 1 ? `${url}/attempts/${attempt.attempt - 1}` : null,
    workflow_url: `${repoApi}/actions/workflows/${run.workflowId}`,
    head_commit: simpleCommitShape(repository.commits.get(run.headSha), run.headSha),
    repository: minimalRepositoryShape(links, repository),
    head_repository: minimalRepositoryShape(links, repository),
    head_repository_id: repository.info.id,
  };
}

export function jobShape(links: Links, repository: RepositoryState, job: JobRecord): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const run = repository.workflowRuns.find((candidate) => candidate.id === job.runId);
  const assigned = job.runnerName !== null;
  return {
    id: job.id,
    run_id: job.runId,
    run_url: `${repoApi}/actions/runs/${job.runId}`,
    run_attempt: job.runAttempt,
    node_id: nodeId("CheckRun", job.id),
    head_sha: run?.headSha ?? "",
    url: `${repoApi}/actions/jobs/${job.id}`,
    html_url: `${links.web}/${repository.fullName}/actions/runs/${job.runId}/job/${job.id}`,
    status: job.status,
    conclusion: job.conclusion,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    name: job.name,
    steps: job.steps,
    check_run_url: `${repoApi}/check-runs/${job.checkRunId}`,
    labels: job.labels,
    runner_id: assigned ? 1 : null,
    runner_name: job.runnerName,
    runner_group_id: assigned ? 0 : null,
    runner_group_name: assigned ? "GitHub Actions" : null,
    workflow_name: run?.name ?? null,
    head_branch: run?.headBranch ?? null,
  };
}
