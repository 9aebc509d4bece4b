import type { RepositoryState } from "../repository-state.ts";
import type { PullRequestRecord } from "../state-records.ts";
import { fullRepositoryShape, type Json, type Links, nodeId, userShape } from "./common.ts";

function branchShape(
  links: Links,
  repository: RepositoryState,
  branch: { ref: string; sha: string },
): Json {
  return {
    label: `${repository.info.owner.login}:${branch.ref}`,
    ref: branch.ref,
    sha: branch.sha,
    user: userShape(links, repository.info.owner),
    repo: fullRepositoryShape(links, repository),
  };
}

/** `pull-request-simple`: one entry of `GET /pulls`. */
export function pullRequestSimpleShape(
  links: Links,
  repository: RepositoryState,
  pull: PullRequestRecord,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const url = `${repoApi}/pulls/${pull.number}`;
  const htmlUrl = `${links.web}/${repository.fullName}/pull/${pull.number}`;
  const issueUrl = `${repoApi}/issues/${pull.number}`;
  const statusesUrl = `${repoApi}/statuses/${pull.head.sha}`;
  return {
    url,
    id: pull.id,
    node_id: nodeId("PullRequest", pull.id),
    html_url: htmlUrl,
    diff_url: `${htmlUrl}.diff`,
    patch_url: `${htmlUrl}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoApi}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: statusesUrl,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: userShape(links, pull.user),
    body: pull.body,
    labels: pull.labels.map((name) => ({
      id: hashId(name),
      node_id: nodeId("Label", hashId(name)),
      url: `${repoApi}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: "ededed",
      default: false,
    })),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.createdAt,
    updated_at: pull.updatedAt,
    closed_at: pull.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branchShape(links, repository, pull.head),
    base: branchShape(links, repository, pull.base),
    _links: {
      self: { href: url },
      html: { href: htmlUrl },
      issue: { href: issueUrl },
      comments: { href: `${issueUrl}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${repoApi}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: statusesUrl },
    },
    author_association: "CONTRIBUTOR",
    auto_merge: null,
    draft: pull.draft,
  };
}

/** `pull-request`: `GET /pulls/{n}` adds merge state and counters to the simple shape. */
export function pullRequestShape(
  links: Links,
  repository: RepositoryState,
  pull: PullRequestRecord,
): Json {
  const comments = repository.issueComments.filter(
    (comment) => comment.issueNumber === pull.number,
  ).length;
  return {
    ...pullRequestSimpleShape(links, repository, pull),
    merged: pull.merged,
    mergeable: pull.state === "open" ? true : null,
    rebaseable: pull.state === "open" ? true : null,
    mergeable_state: pull.state === "open" ? "clean" : "unknown",
    merged_by: pull.merged ? userShape(links, repository.simulator.actor) : null,
    comments,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: pull.files.reduce((sum, file) => sum + file.additions, 0),
    deletions: pull.files.reduce((sum, file) => sum + file.deletions, 0),
    changed_files: pull.files.length,
  };
}

/** `pull-request-minimal`: how check runs and workflow runs point at their pull requests. */
export function pullRequestMinimalShape(
  links: Links,
  repository: RepositoryState,
  pull: PullRequestRecord,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const repo = { id: repository.info.id, url: repoApi, name: repository.info.name };
  return {
    id: pull.id,
    number: pull.number,
    url: `${repoApi}/pulls/${pull.number}`,
    head: { ref: pull.head.ref, sha: pull.head.sha, repo },
    base: { ref: pull.base.ref, sha: pull.base.sha, repo },
  };
}

/** Open pull requests whose head is this commit, as check runs and suites list them. */
export function pullRequestsForSha(links: Links, repository: RepositoryState, sha: string): Json[] {
  return [...repository.pulls.values()]
    .filter((pull) => pull.state === "open" && pull.head.sha === sha)
    .map((pull) => pullRequestMinimalShape(links, repository, pull));
}

function hashId(text: string): number {
  let hash = 7;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) % 2_000_000_000;
  return hash;
}
