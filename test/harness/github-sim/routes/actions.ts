import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import { jobShape, workflowRunShape } from "../shapes/actions.ts";
import type { WorkflowRunRecord } from "../state-records.ts";
import {
  bodyOf,
  GitHubApiError,
  integerParam,
  newestFirst,
  notFound,
  paginate,
  queryNumber,
  queryString,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
  unprocessable,
} from "./route-kit.ts";

const RUN_STATUSES = new Set([
  "queued",
  "in_progress",
  "completed",
  "requested",
  "waiting",
  "pending",
]);

function runOf(context: RouteContext, repository: RepositoryState): WorkflowRunRecord {
  const id = integerParam(context, "run_id");
  return repository.workflowRuns.find((run) => run.id === id) ?? notFound();
}

/** The filters both run listings share; `status` matches a status or a conclusion. */
function listRuns(context: RouteContext, repository: RepositoryState, workflowId?: number) {
  const actor = queryString(context, "actor");
  const branch = queryString(context, "branch");
  const event = queryString(context, "event");
  const status = queryString(context, "status");
  const headSha = queryString(context, "head_sha");
  const checkSuiteId = queryNumber(context, "check_suite_id");
  const runs = newestFirst(repository.workflowRuns).filter(
    (run) =>
      (workflowId === undefined || run.workflowId === workflowId) &&
      (actor === undefined || run.actor.login === actor) &&
      (branch === undefined || run.headBranch === branch) &&
      (event === undefined || run.event === event) &&
      (headSha === undefined || run.headSha === headSha) &&
      (checkSuiteId === undefined || run.checkSuiteId === checkSuiteId) &&
      (status === undefined ||
        (RUN_STATUSES.has(status) ? run.status === status : run.conclusion === status)),
  );
  const page = paginate(context, runs);
  const excludePullRequests = context.query.exclude_pull_requests === true;
  return {
    status: 200,
    headers: page.headers,
    body: {
      total_count: runs.length,
      workflow_runs: page.items.map((run) =>
        workflowRunShape(context.links, repository, run, { excludePullRequests }),
      ),
    },
  };
}

function listJobs(context: RouteContext, attempt: number | "all") {
  const repository = repositoryOf(context);
  const run = runOf(context, repository);
  const jobs = repository.jobs.filter(
    (job) => job.runId === run.id && (attempt === "all" || job.runAttempt === attempt),
  );
  const page = paginate(context, jobs);
  return {
    status: 200,
    headers: page.headers,
    body: {
      total_count: jobs.length,
      jobs: page.items.map((job) => jobShape(context.links, repository, job)),
    },
  };
}

export const actionsRoutes = {
  "actions/list-workflow-runs-for-repo": (context) => listRuns(context, repositoryOf(context)),

  "actions/list-workflow-runs": (context) => {
    const repository = repositoryOf(context);
    const workflow = repository.findWorkflow(context.params.workflow_id ?? "") ?? notFound();
    return listRuns(context, repository, workflow.id);
  },

  "actions/get-workflow-run": (context) => {
    const repository = repositoryOf(context);
    const excludePullRequests = context.query.exclude_pull_requests === true;
    return {
      status: 200,
      body: workflowRunShape(context.links, repository, runOf(context, repository), {
        excludePullRequests,
      }),
    };
  },

  "actions/get-workflow-run-attempt": (context) => {
    const repository = repositoryOf(context);
    const run = runOf(context, repository);
    const number = integerParam(context, "attempt_number");
    if (number === run.runAttempt) {
      return { status: 200, body: workflowRunShape(context.links, repository, run) };
    }
    const attempt = run.previousAttempts.find((candidate) => candidate.attempt === number);
    if (!attempt) notFound();
    return { status: 200, body: workflowRunShape(context.links, repository, run, { attempt }) };
  },

  "actions/list-jobs-for-workflow-run": (context) => {
    if (queryString(context, "filter") === "all") return listJobs(context, "all");
    const repository = repositoryOf(context);
    return listJobs(context, runOf(context, repository).runAttempt);
  },

  "actions/list-jobs-for-workflow-run-attempt": (context) => {
    const repository = repositoryOf(context);
    const run = runOf(context, repository);
    const number = integerParam(context, "attempt_number");
    if (number < 1 || number > run.runAttempt) notFound();
    return listJobs(context, number);
  },

  "actions/re-run-workflow": (context) => {
    const repository = repositoryOf(context);
    const run = runOf(context, repository);
    if (run.status !== "completed") {
      throw new GitHubApiError(403, "This workflow run is not completed");
    }
    repository.rerunWorkflowRun(run.id);
    return { status: 201, body: {} };
  },

  "actions/create-workflow-dispatch": (context) => {
    const repository = repositoryOf(context);
    const workflow = repository.findWorkflow(context.params.workflow_id ?? "") ?? notFound();
    const body = bodyOf<{
      ref: string;
      inputs?: Record<string, unknown>;
      return_run_details?: boolean;
    }>(context);
    const commit = repository.resolve(body.ref) ?? unprocessable(`No ref found for: ${body.ref}`);
    const branch = body.ref.replace(/^refs\/heads\//, "");
    const run = repository.addWorkflowRun({
      workflow: workflow.id,
      headSha: commit.sha,
      headBranch: repository.branch(branch) === undefined ? null : branch,
      event: "workflow_dispatch",
      actor: repository.simulator.actor.login,
    });
    repository.simulator.dispatches.push({
      repository: repository.fullName,
      workflowId: workflow.id,
      ref: body.ref,
      inputs: body.inputs ?? {},
      runId: run.id,
      at: repository.simulator.now(),
    });
    if (!body.return_run_details) return { status: 204 };
    return {
      status: 200,
      body: {
        workflow_run_id: run.id,
        run_url: `${context.links.api}/repos/${repository.fullName}/actions/runs/${run.id}`,
        html_url: `${context.links.web}/${repository.fullName}/actions/runs/${run.id}`,
      },
    };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
