import type { CheckRunPatch } from "../check-seeds.ts";
import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import {
  annotationShape,
  checkRunShape,
  checkSuiteShape,
  latestPerName,
} from "../shapes/checks.ts";
import type { CheckAnnotation, CheckRunRecord, CommitRecord } from "../state-records.ts";
import {
  bodyOf,
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

interface CheckRunBody {
  name?: string;
  head_sha?: string;
  details_url?: string;
  external_id?: string;
  status?: CheckRunRecord["status"];
  started_at?: string;
  conclusion?: CheckRunRecord["conclusion"] | "stale";
  completed_at?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: CheckAnnotation[] };
}

function commitForRef(repository: RepositoryState, ref: string): CommitRecord {
  return repository.resolve(ref) ?? unprocessable(`No commit found for SHA: ${ref}`);
}

function checkRunOf(context: RouteContext, repository: RepositoryState): CheckRunRecord {
  const id = integerParam(context, "check_run_id");
  return repository.checkRuns.find((run) => run.id === id) ?? notFound();
}

/**
 * Refuses, before anything is stored, a body GitHub answers 422: GitHub documents `conclusion` as
 * "required if you provide completed_at or a status of completed", and the schema cannot say so.
 */
function refuseImpossible(body: CheckRunBody, current?: CheckRunRecord): void {
  if (body.conclusion === "stale") {
    unprocessable("Only GitHub can set a check run's conclusion to stale.");
  }
  const completes = body.status === "completed" || body.completed_at !== undefined;
  if (completes && body.conclusion == null && current?.conclusion == null) {
    unprocessable("conclusion is required with status completed or completed_at");
  }
}

/** The fields of a create or update body as a record patch; annotations are appended. */
function applyBody(repository: RepositoryState, run: CheckRunRecord, body: CheckRunBody): void {
  const patch: CheckRunPatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.details_url !== undefined) patch.detailsUrl = body.details_url;
  if (body.external_id !== undefined) patch.externalId = body.external_id;
  if (body.started_at !== undefined) patch.startedAt = body.started_at;
  if (body.completed_at !== undefined) patch.completedAt = body.completed_at;
  if (body.status !== undefined) patch.status = body.status;
  // GitHub: "Providing conclusion will automatically set the status parameter to completed."
  // `stale` was refused before anything was stored.
  if (body.conclusion != null && body.conclusion !== "stale") {
    patch.conclusion = body.conclusion;
    patch.status = "completed";
  }
  if (body.output) {
    const { annotations = [], ...text } = body.output;
    patch.output = text;
    run.annotations.push(...annotations);
  }
  repository.updateCheckRun(run.id, patch);
}

export const checkRoutes = {
  "checks/list-for-ref": (context) => {
    const repository = repositoryOf(context);
    const commit = commitForRef(repository, context.params.ref ?? "");
    const name = queryString(context, "check_name");
    const status = queryString(context, "status");
    const appId = queryNumber(context, "app_id");
    const everyAttempt = queryString(context, "filter") === "all";
    const forCommit = repository.checkRuns.filter((run) => run.headSha === commit.sha);
    const runs = newestFirst(everyAttempt ? forCommit : latestPerName(forCommit)).filter(
      (run) =>
        (name === undefined || run.name === name) &&
        (status === undefined || run.status === status) &&
        (appId === undefined || run.app.id === appId),
    );
    const page = paginate(context, runs);
    return {
      status: 200,
      headers: page.headers,
      body: {
        total_count: runs.length,
        check_runs: page.items.map((run) => checkRunShape(context.links, repository, run)),
      },
    };
  },

  "checks/get": (context) => {
    const repository = repositoryOf(context);
    return {
      status: 200,
      body: checkRunShape(context.links, repository, checkRunOf(context, repository)),
    };
  },

  "checks/create": (context) => {
    const repository = repositoryOf(context);
    const body = bodyOf<CheckRunBody & { name: string; head_sha: string }>(context);
    commitForRef(repository, body.head_sha);
    refuseImpossible(body);
    const run = repository.addCheckRun({ name: body.name, headSha: body.head_sha });
    applyBody(repository, run, body);
    return { status: 201, body: checkRunShape(context.links, repository, run) };
  },

  "checks/update": (context) => {
    const repository = repositoryOf(context);
    const run = checkRunOf(context, repository);
    const body = bodyOf<CheckRunBody>(context);
    refuseImpossible(body, run);
    applyBody(repository, run, body);
    return { status: 200, body: checkRunShape(context.links, repository, run) };
  },

  "checks/list-annotations": (context) => {
    const repository = repositoryOf(context);
    const run = checkRunOf(context, repository);
    const page = paginate(context, run.annotations);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((annotation) =>
        annotationShape(context.links, repository, run, annotation),
      ),
    };
  },

  "checks/list-suites-for-ref": (context) => {
    const repository = repositoryOf(context);
    const commit = commitForRef(repository, context.params.ref ?? "");
    const appId = queryNumber(context, "app_id");
    const checkName = queryString(context, "check_name");
    const suites = repository.checkSuites.filter(
      (suite) =>
        suite.headSha === commit.sha &&
        (appId === undefined || suite.app.id === appId) &&
        (checkName === undefined ||
          repository.checkRuns.some(
            (run) => run.checkSuiteId === suite.id && run.name === checkName,
          )),
    );
    const page = paginate(context, suites);
    return {
      status: 200,
      headers: page.headers,
      body: {
        total_count: suites.length,
        check_suites: page.items.map((suite) => checkSuiteShape(context.links, repository, suite)),
      },
    };
  },

  "checks/get-suite": (context) => {
    const repository = repositoryOf(context);
    const id = integerParam(context, "check_suite_id");
    const suite = repository.checkSuites.find((candidate) => candidate.id === id) ?? notFound();
    return { status: 200, body: checkSuiteShape(context.links, repository, suite) };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
