import { combinedFiles, commitsBetween, mergeBase } from "../git-graph.ts";
import type { OperationId } from "../operations.ts";
import { diffEntryShape } from "../shapes/git.ts";
import { pullRequestShape, pullRequestSimpleShape } from "../shapes/pulls.ts";
import type { PullRequestRecord } from "../state-records.ts";
import {
  bodyOf,
  integerParam,
  notFound,
  paginate,
  queryString,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
  validationFailed,
} from "./route-kit.ts";

/** GitHub lists at most 3000 files of a pull request, whatever the pagination asks for. */
export const MAX_PULL_REQUEST_FILES = 3000;

function pullOf(context: RouteContext): PullRequestRecord {
  const repository = repositoryOf(context);
  return repository.pulls.get(integerParam(context, "pull_number")) ?? notFound();
}

/** `head` may be `branch` or `owner:branch`; only same-repository heads are simulated. */
function headBranch(head: string): string {
  const colon = head.indexOf(":");
  return colon < 0 ? head : head.slice(colon + 1);
}

export const pullRoutes = {
  "pulls/get": (context) => {
    const repository = repositoryOf(context);
    const pull = pullOf(context);
    return {
      status: 200,
      // GitHub's Last-Modified of a pull request is its updated_at, for If-Modified-Since.
      headers: { "last-modified": new Date(pull.updatedAt).toUTCString() },
      body: pullRequestShape(context.links, repository, pull),
    };
  },

  "pulls/list": (context) => {
    const repository = repositoryOf(context);
    const state = queryString(context, "state") ?? "open";
    const head = queryString(context, "head");
    const base = queryString(context, "base");
    const sort = queryString(context, "sort") ?? "created";
    const ascending = (queryString(context, "direction") ?? "desc") === "asc";
    const pulls = [...repository.pulls.values()]
      .filter((pull) => state === "all" || pull.state === state)
      .filter((pull) => head === undefined || headBranch(head) === pull.head.ref)
      .filter((pull) => base === undefined || pull.base.ref === base)
      .sort((a, b) => {
        const key = sort === "updated" ? "updatedAt" : "createdAt";
        const order = a[key].localeCompare(b[key]) || a.number - b.number;
        return ascending ? order : -order;
      });
    const page = paginate(context, pulls);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((pull) => pullRequestSimpleShape(context.links, repository, pull)),
    };
  },

  "pulls/create": (context) => {
    const repository = repositoryOf(context);
    const body = bodyOf<{
      title?: string;
      head: string;
      base: string;
      body?: string;
      draft?: boolean;
    }>(context);
    const head = headBranch(body.head);
    const baseSha = repository.branch(body.base);
    const headSha = repository.branch(head);
    if (baseSha === undefined) {
      validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
    }
    if (headSha === undefined) {
      validationFailed({ resource: "PullRequest", field: "head", code: "invalid" });
    }
    if (body.title === undefined) {
      validationFailed({ resource: "PullRequest", field: "title", code: "missing_field" });
    }
    const duplicate = [...repository.pulls.values()].find(
      (pull) => pull.state === "open" && pull.head.ref === head && pull.base.ref === body.base,
    );
    if (duplicate) {
      validationFailed({
        resource: "PullRequest",
        code: "custom",
        message: `A pull request already exists for ${repository.info.owner.login}:${head}.`,
      });
    }
    const forkPoint = mergeBase(repository, baseSha, headSha) ?? baseSha;
    const commits = commitsBetween(repository, forkPoint, headSha);
    if (commits.length === 0) {
      validationFailed({
        resource: "PullRequest",
        code: "custom",
        message: `No commits between ${body.base} and ${head}`,
      });
    }
    const pull = repository.addPullRequest({
      title: body.title,
      body: body.body ?? null,
      head,
      base: body.base,
      draft: body.draft ?? false,
      user: repository.simulator.actor.login,
    });
    pull.files = combinedFiles(commits);
    return { status: 201, body: pullRequestShape(context.links, repository, pull) };
  },

  "pulls/update": (context) => {
    const repository = repositoryOf(context);
    const pull = pullOf(context);
    const body = bodyOf<{
      title?: string;
      body?: string;
      state?: "open" | "closed";
      base?: string;
    }>(context);
    if (body.base !== undefined) {
      const baseSha = repository.branch(body.base);
      if (baseSha === undefined) {
        validationFailed({ resource: "PullRequest", field: "base", code: "invalid" });
      }
      pull.base = { ref: body.base, sha: baseSha };
    }
    const now = repository.simulator.now();
    if (body.title !== undefined) pull.title = body.title;
    if (body.body !== undefined) pull.body = body.body;
    if (body.state !== undefined && body.state !== pull.state) {
      if (pull.merged) {
        validationFailed({ resource: "PullRequest", field: "state", code: "invalid" });
      }
      pull.state = body.state;
      pull.closedAt = body.state === "closed" ? now : null;
    }
    pull.updatedAt = now;
    return { status: 200, body: pullRequestShape(context.links, repository, pull) };
  },

  "pulls/list-files": (context) => {
    const repository = repositoryOf(context);
    const pull = pullOf(context);
    const page = paginate(context, pull.files.slice(0, MAX_PULL_REQUEST_FILES));
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((file) =>
        diffEntryShape(context.links, repository, file, pull.head.sha),
      ),
    };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
