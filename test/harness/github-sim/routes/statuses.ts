import type { OperationId } from "../operations.ts";
import { combinedState, latestStatuses, statusShape } from "../shapes/checks.ts";
import { minimalRepositoryShape } from "../shapes/common.ts";
import type { StatusRecord } from "../state-records.ts";
import {
  bodyOf,
  newestFirst,
  notFound,
  paginate,
  type RouteHandler,
  repositoryOf,
  unprocessable,
} from "./route-kit.ts";

/** GitHub refuses the 1001st status for one SHA and context. */
export const MAX_STATUSES_PER_CONTEXT = 1000;

export const statusRoutes = {
  "repos/create-commit-status": (context) => {
    const repository = repositoryOf(context);
    const sha = context.params.sha ?? "";
    if (!repository.commits.has(sha)) unprocessable(`No commit found for SHA: ${sha}`);
    const body = bodyOf<{
      state: StatusRecord["state"];
      target_url?: string | null;
      description?: string | null;
      context?: string;
    }>(context);
    const statusContext = body.context ?? "default";
    const existing = repository.statuses.filter(
      (status) => status.sha === sha && status.context === statusContext,
    ).length;
    if (existing >= MAX_STATUSES_PER_CONTEXT) {
      unprocessable("This SHA and context has reached the maximum number of statuses.");
    }
    const status = repository.addStatus({
      sha,
      state: body.state,
      context: statusContext,
      description: body.description ?? null,
      targetUrl: body.target_url ?? null,
    });
    return {
      status: 201,
      body: statusShape(context.links, repository, status),
      headers: { location: `${context.links.api}/repos/${repository.fullName}/statuses/${sha}` },
    };
  },

  "repos/list-commit-statuses-for-ref": (context) => {
    const repository = repositoryOf(context);
    const commit = repository.resolve(context.params.ref ?? "") ?? notFound();
    const statuses = newestFirst(repository.statuses.filter((status) => status.sha === commit.sha));
    const page = paginate(context, statuses);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((status) => statusShape(context.links, repository, status)),
    };
  },

  "repos/get-combined-status-for-ref": (context) => {
    const repository = repositoryOf(context);
    const commit = repository.resolve(context.params.ref ?? "") ?? notFound();
    const latest = latestStatuses(
      repository.statuses.filter((status) => status.sha === commit.sha),
    );
    const page = paginate(context, latest);
    const repoApi = `${context.links.api}/repos/${repository.fullName}`;
    return {
      status: 200,
      headers: page.headers,
      body: {
        state: combinedState(latest),
        statuses: page.items.map((status) => {
          const { creator: _creator, ...simple } = statusShape(context.links, repository, status);
          return simple;
        }),
        sha: commit.sha,
        total_count: latest.length,
        repository: minimalRepositoryShape(context.links, repository),
        commit_url: `${repoApi}/commits/${commit.sha}`,
        url: `${repoApi}/commits/${commit.sha}/status`,
      },
    };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
