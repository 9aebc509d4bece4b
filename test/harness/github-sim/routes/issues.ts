import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import { type Json, type Links, nodeId, userShape } from "../shapes/common.ts";
import type { IssueCommentRecord } from "../state-records.ts";
import {
  bodyOf,
  integerParam,
  notFound,
  paginate,
  queryString,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
} from "./route-kit.ts";

export function issueCommentShape(
  links: Links,
  repository: RepositoryState,
  comment: IssueCommentRecord,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const kind = repository.pulls.has(comment.issueNumber) ? "pull" : "issues";
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    url: `${repoApi}/issues/comments/${comment.id}`,
    html_url: `${links.web}/${repository.fullName}/${kind}/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: userShape(links, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: `${repoApi}/issues/${comment.issueNumber}`,
    author_association: comment.user.type === "Bot" ? "NONE" : "CONTRIBUTOR",
    performed_via_github_app: null,
  };
}

/** Pull requests are issues too: their conversation comments live here. */
function issueNumberOf(context: RouteContext, repository: RepositoryState): number {
  const number = integerParam(context, "issue_number");
  if (!repository.issues.has(number) && !repository.pulls.has(number)) notFound();
  return number;
}

function commentOf(context: RouteContext, repository: RepositoryState): IssueCommentRecord {
  const id = integerParam(context, "comment_id");
  return repository.issueComments.find((comment) => comment.id === id) ?? notFound();
}

export const issueRoutes = {
  "issues/list-comments": (context) => {
    const repository = repositoryOf(context);
    const number = issueNumberOf(context, repository);
    const since = queryString(context, "since");
    const comments = repository.issueComments.filter(
      (comment) =>
        comment.issueNumber === number && (since === undefined || comment.updatedAt >= since),
    );
    const page = paginate(context, comments);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((comment) => issueCommentShape(context.links, repository, comment)),
    };
  },

  "issues/create-comment": (context) => {
    const repository = repositoryOf(context);
    const number = issueNumberOf(context, repository);
    const { body } = bodyOf<{ body: string }>(context);
    const comment = repository.addIssueComment({ issueNumber: number, body });
    return {
      status: 201,
      body: issueCommentShape(context.links, repository, comment),
      headers: {
        location: `${context.links.api}/repos/${repository.fullName}/issues/comments/${comment.id}`,
      },
    };
  },

  "issues/get-comment": (context) => {
    const repository = repositoryOf(context);
    return {
      status: 200,
      body: issueCommentShape(context.links, repository, commentOf(context, repository)),
    };
  },

  "issues/update-comment": (context) => {
    const repository = repositoryOf(context);
    const comment = commentOf(context, repository);
    comment.body = bodyOf<{ body: string }>(context).body;
    comment.updatedAt = repository.simulator.now();
    return { status: 200, body: issueCommentShape(context.links, repository, comment) };
  },

  "issues/delete-comment": (context) => {
    const repository = repositoryOf(context);
    const comment = commentOf(context, repository);
    repository.issueComments.splice(repository.issueComments.indexOf(comment), 1);
    return { status: 204 };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
