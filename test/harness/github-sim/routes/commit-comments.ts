import type { OperationId } from "../operations.ts";
import type { RepositoryState } from "../repository-state.ts";
import { type Json, type Links, nodeId, userShape } from "../shapes/common.ts";
import type { CommitCommentRecord } from "../state-records.ts";
import {
  bodyOf,
  GitHubApiError,
  integerParam,
  notFound,
  paginate,
  type RouteContext,
  type RouteHandler,
  repositoryOf,
  unprocessable,
} from "./route-kit.ts";

function commitCommentShape(
  links: Links,
  repository: RepositoryState,
  comment: CommitCommentRecord,
): Json {
  return {
    id: comment.id,
    node_id: nodeId("CommitComment", comment.id),
    url: `${links.api}/repos/${repository.fullName}/comments/${comment.id}`,
    html_url: `${links.web}/${repository.fullName}/commit/${comment.commitId}#commitcomment-${comment.id}`,
    body: comment.body,
    path: null,
    position: null,
    line: null,
    commit_id: comment.commitId,
    user: userShape(links, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.user.type === "Bot" ? "NONE" : "CONTRIBUTOR",
  };
}

/** The commit a `commit_sha` names (a full or abbreviated SHA, as GitHub accepts). */
function commitIdOf(context: RouteContext, repository: RepositoryState): string {
  const sha = context.params.commit_sha ?? "";
  return repository.resolve(sha)?.sha ?? unprocessable(`No commit found for SHA: ${sha}`);
}

export const commitCommentRoutes = {
  "repos/list-comments-for-commit": (context) => {
    const repository = repositoryOf(context);
    const commitId = commitIdOf(context, repository);
    const page = paginate(
      context,
      repository.commitComments.filter((comment) => comment.commitId === commitId),
    );
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((comment) => commitCommentShape(context.links, repository, comment)),
    };
  },

  "repos/create-commit-comment": (context) => {
    const repository = repositoryOf(context);
    const commitId = commitIdOf(context, repository);
    const { body } = bodyOf<{ body: string }>(context);
    const comment = repository.addCommitComment({ commitId, body });
    return {
      status: 201,
      body: commitCommentShape(context.links, repository, comment),
      headers: {
        location: `${context.links.api}/repos/${repository.fullName}/comments/${comment.id}`,
      },
    };
  },

  "repos/update-commit-comment": (context) => {
    const repository = repositoryOf(context);
    const id = integerParam(context, "comment_id");
    const comment =
      repository.commitComments.find((candidate) => candidate.id === id) ?? notFound();
    comment.body = bodyOf<{ body: string }>(context).body;
    comment.updatedAt = repository.simulator.now();
    return { status: 200, body: commitCommentShape(context.links, repository, comment) };
  },

  /**
   * GitHub refuses this to installation tokens (GITHUB_TOKEN, apps) with 403 "Resource not
   * accessible by integration"; a personal token gets its user.
   */
  "users/get-authenticated": (context) => {
    const actor = context.state.actor;
    if (actor.type === "Bot") {
      throw new GitHubApiError(403, "Resource not accessible by integration");
    }
    return {
      status: 200,
      body: {
        ...userShape(context.links, actor),
        name: null,
        company: null,
        blog: "",
        location: null,
        email: null,
        hireable: null,
        bio: null,
        public_repos: 0,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: "2020-01-01T00:00:00Z",
        updated_at: "2020-01-01T00:00:00Z",
      },
    };
  },
} satisfies Partial<Record<OperationId, RouteHandler>>;
