import type { RepositoryState } from "../repository-state.ts";
import type { Account, App, GitIdentity } from "../state-records.ts";

/**
 * Where links in responses point. API links use the simulator's own address so a client that
 * follows `url` fields stays on the simulator; web links use github.com as GitHub's do.
 */
export interface Links {
  api: string;
  web: string;
}

export type Json = { [key: string]: unknown };

/** A global node id in GitHub's legacy format (`base64("04:User1")`), stable per record. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

/** `simple-user`, which every `user`, `author`, `creator` and `owner` field uses. */
export function userShape(links: Links, account: Account): Json {
  const url = `${links.api}/users/${encodeURIComponent(account.login)}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(account.type, account.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: "",
    url,
    // A bot's page is its app's page; `[bot]` would not even be a valid URI path.
    html_url:
      account.type === "Bot"
        ? `${links.web}/apps/${account.login.replace(/\[bot\]$/, "")}`
        : `${links.web}/${account.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** `integration`: the app behind a check run or suite. */
export function appShape(links: Links, app: App): Json {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("App", app.id),
    owner: userShape(links, app.owner),
    name: app.name,
    description: "",
    external_url: `${links.web}/apps/${app.slug}`,
    html_url: `${links.web}/apps/${app.slug}`,
    created_at: "2018-07-30T09:30:17Z",
    updated_at: "2024-04-10T20:33:16Z",
    permissions: { checks: "write", contents: "write", metadata: "read", statuses: "write" },
    events: ["check_run", "check_suite", "pull_request", "push", "workflow_dispatch"],
  };
}

export function gitUserShape(identity: GitIdentity): Json {
  return { name: identity.name, email: identity.email, date: identity.date };
}

/** Every repository shape starts with the same links; they are the bulk of the payload. */
export function minimalRepositoryShape(links: Links, repository: RepositoryState): Json {
  const { info } = repository;
  const full = repository.fullName;
  const url = `${links.api}/repos/${full}`;
  return {
    id: info.id,
    node_id: nodeId("Repository", info.id),
    name: info.name,
    full_name: full,
    owner: userShape(links, info.owner),
    private: info.private,
    html_url: `${links.web}/${full}`,
    description: info.description,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://github.com/${full}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@github.com:${full}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    hooks_url: `${url}/hooks`,
  };
}

/** `repository` and `full-repository`: the minimal shape plus settings and counters. */
export function fullRepositoryShape(links: Links, repository: RepositoryState): Json {
  const { info } = repository;
  const full = repository.fullName;
  const openIssues = [...repository.pulls.values()].filter((pull) => pull.state === "open").length;
  return {
    ...minimalRepositoryShape(links, repository),
    clone_url: `${links.web}/${full}.git`,
    svn_url: `${links.web}/${full}`,
    mirror_url: null,
    homepage: null,
    language: "TypeScript",
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1,
    default_branch: info.defaultBranch,
    open_issues: openIssues,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: info.private ? "private" : "public",
    license: null,
    pushed_at: info.createdAt,
    created_at: info.createdAt,
    updated_at: info.createdAt,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_forking: true,
    web_commit_signoff_required: false,
    network_count: 0,
    subscribers_count: 0,
  };
}
