import { blobSha } from "../git-graph.ts";
import type { RepositoryState } from "../repository-state.ts";
import type { CommitRecord, FileChange, GitIdentity, TagRecord } from "../state-records.ts";
import { gitUserShape, type Json, type Links, nodeId, userShape } from "./common.ts";

const UNSIGNED = {
  verified: false,
  reason: "unsigned",
  signature: null,
  payload: null,
  verified_at: null,
};

/**
 * The GitHub account behind a commit identity. GitHub links a commit to a user by email; the
 * simulator knows only `<login>@users.noreply.github.com`, which is what Actions commits use.
 */
function linkedUser(links: Links, repository: RepositoryState, identity: GitIdentity): Json | null {
  const match = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/.exec(identity.email);
  return match ? userShape(links, repository.simulator.account(match[1] as string)) : null;
}

/** `commit`: what `GET /commits/{ref}` and compare return for each commit. */
export function commitShape(
  links: Links,
  repository: RepositoryState,
  commit: CommitRecord,
  options: { withFiles?: boolean } = {},
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const repoWeb = `${links.web}/${repository.fullName}`;
  const shape: Json = {
    url: `${repoApi}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: nodeId("Commit", commit.sha),
    html_url: `${repoWeb}/commit/${commit.sha}`,
    comments_url: `${repoApi}/commits/${commit.sha}/comments`,
    commit: {
      url: `${repoApi}/git/commits/${commit.sha}`,
      author: gitUserShape(commit.author),
      committer: gitUserShape(commit.committer),
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.treeSha, url: `${repoApi}/git/trees/${commit.treeSha}` },
      verification: UNSIGNED,
    },
    author: linkedUser(links, repository, commit.author),
    committer: linkedUser(links, repository, commit.committer),
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${repoApi}/commits/${sha}`,
      html_url: `${repoWeb}/commit/${sha}`,
    })),
  };
  if (options.withFiles) {
    const additions = commit.files.reduce((sum, file) => sum + file.additions, 0);
    const deletions = commit.files.reduce((sum, file) => sum + file.deletions, 0);
    shape.stats = { additions, deletions, total: additions + deletions };
    shape.files = commit.files.map((file) => diffEntryShape(links, repository, file, commit.sha));
  }
  return shape;
}

/** `git-commit`: the object-database view of a commit. */
export function gitCommitShape(
  links: Links,
  repository: RepositoryState,
  commit: CommitRecord,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const repoWeb = `${links.web}/${repository.fullName}`;
  return {
    sha: commit.sha,
    node_id: nodeId("Commit", commit.sha),
    url: `${repoApi}/git/commits/${commit.sha}`,
    html_url: `${repoWeb}/commit/${commit.sha}`,
    author: gitUserShape(commit.author),
    committer: gitUserShape(commit.committer),
    tree: { sha: commit.treeSha, url: `${repoApi}/git/trees/${commit.treeSha}` },
    message: commit.message,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${repoApi}/git/commits/${sha}`,
      html_url: `${repoWeb}/commit/${sha}`,
    })),
    verification: UNSIGNED,
  };
}

/** `simple-commit`: the `head_commit` of check suites and workflow runs. */
export function simpleCommitShape(commit: CommitRecord | undefined, sha: string): Json {
  const identity = commit
    ? { name: commit.author.name, email: commit.author.email }
    : { name: "Octo Cat", email: "octocat@users.noreply.github.com" };
  return {
    id: sha,
    tree_id: commit?.treeSha ?? sha,
    message: commit?.message ?? "",
    timestamp: commit?.committer.date ?? "2024-01-01T00:00:00Z",
    author: identity,
    committer: identity,
  };
}

export function gitRefShape(
  links: Links,
  repository: RepositoryState,
  ref: string,
  sha: string,
): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  const isTagObject = repository.tags.has(sha);
  return {
    ref,
    node_id: nodeId("Ref", `${repository.info.id}:${ref}`),
    url: `${repoApi}/git/${ref}`,
    object: {
      type: isTagObject ? "tag" : "commit",
      sha,
      url: `${repoApi}/git/${isTagObject ? "tags" : "commits"}/${sha}`,
    },
  };
}

export function gitTagShape(links: Links, repository: RepositoryState, tag: TagRecord): Json {
  const repoApi = `${links.api}/repos/${repository.fullName}`;
  return {
    node_id: nodeId("Tag", tag.sha),
    tag: tag.tag,
    sha: tag.sha,
    url: `${repoApi}/git/tags/${tag.sha}`,
    message: tag.message,
    tagger: gitUserShape(tag.tagger),
    object: {
      sha: tag.objectSha,
      type: tag.objectType,
      url: `${repoApi}/git/${tag.objectType}s/${tag.objectSha}`,
    },
    verification: UNSIGNED,
  };
}

/** `diff-entry`: one changed file in a commit, compare or pull request. */
export function diffEntryShape(
  links: Links,
  repository: RepositoryState,
  file: FileChange,
  ref: string,
): Json {
  const path = file.filename.split("/").map(encodeURIComponent).join("/");
  const repoWeb = `${links.web}/${repository.fullName}`;
  const shape: Json = {
    sha: file.status === "removed" ? null : blobSha(file),
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.additions + file.deletions,
    blob_url: `${repoWeb}/blob/${ref}/${path}`,
    raw_url: `${repoWeb}/raw/${ref}/${path}`,
    contents_url: `${links.api}/repos/${repository.fullName}/contents/${path}?ref=${ref}`,
  };
  if (file.patch !== undefined) shape.patch = file.patch;
  if (file.previousFilename !== undefined) shape.previous_filename = file.previousFilename;
  return shape;
}
