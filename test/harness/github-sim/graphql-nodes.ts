import { GraphQLError } from "graphql";
import { commitsBetween } from "./git-graph.ts";
import { connection } from "./graphql-connection.ts";
import type { RepositoryState } from "./repository-state.ts";
import { latestPerName, latestStatuses, suiteSummary } from "./shapes/checks.ts";
import { type Links, nodeId } from "./shapes/common.ts";
import type {
  Account,
  CheckRunRecord,
  CheckSuiteRecord,
  CommitRecord,
  PullRequestRecord,
  StatusRecord,
} from "./state-records.ts";

/**
 * GraphQL objects over simulator records. Plain fields are values; fields with arguments are
 * methods `(args) => value`, which graphql-js's resolution calls. Every node keeps its record
 * (`record`) and repository (`repository`) so resolvers a test adds can reach the state.
 */
export interface GraphQLNode {
  __typename: string;
  [field: string]: unknown;
}

type Args = Record<string, unknown>;

export function notFoundError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: "NOT_FOUND" } });
}

function actorNode(links: Links, account: Account): GraphQLNode {
  return {
    __typename:
      account.type === "Organization" ? "Organization" : account.type === "Bot" ? "Bot" : "User",
    id: nodeId(account.type, account.id),
    databaseId: account.id,
    login: account.login,
    url: `${links.web}/${account.login}`,
    avatarUrl: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    resourcePath: `/${account.login}`,
  };
}

export function repositoryNode(links: Links, repository: RepositoryState): GraphQLNode {
  const { info } = repository;
  return {
    __typename: "Repository",
    repository,
    record: repository,
    id: nodeId("Repository", info.id),
    databaseId: info.id,
    name: info.name,
    nameWithOwner: repository.fullName,
    owner: actorNode(links, info.owner),
    isPrivate: info.private,
    isArchived: false,
    isFork: false,
    description: info.description,
    url: `${links.web}/${repository.fullName}`,
    createdAt: info.createdAt,
    defaultBranchRef: () => refNode(links, repository, `refs/heads/${info.defaultBranch}`),
    ref: (args: Args) => {
      const name = String(args.qualifiedName);
      const qualified = name.startsWith("refs/") ? name : `refs/heads/${name}`;
      return refNode(
        links,
        repository,
        repository.refs.has(qualified) ? qualified : `refs/tags/${name}`,
      );
    },
    object: (args: Args) => {
      const commit =
        typeof args.oid === "string"
          ? repository.commits.get(args.oid)
          : repository.resolve(String(args.expression ?? ""));
      return commit ? commitNode(links, repository, commit) : null;
    },
    pullRequest: (args: Args) => {
      const pull = repository.pulls.get(Number(args.number));
      if (!pull) {
        throw notFoundError(
          `Could not resolve to a PullRequest with the number of ${args.number}.`,
        );
      }
      return pullRequestNode(links, repository, pull);
    },
  };
}

function refNode(links: Links, repository: RepositoryState, qualified: string): GraphQLNode | null {
  const sha = repository.refs.get(qualified);
  if (sha === undefined) return null;
  const prefix = qualified.startsWith("refs/heads/") ? "refs/heads/" : "refs/tags/";
  const commit = repository.resolve(sha);
  return {
    __typename: "Ref",
    repository,
    record: qualified,
    id: nodeId("Ref", `${repository.info.id}:${qualified}`),
    name: qualified.slice(prefix.length),
    prefix,
    target: commit ? commitNode(links, repository, commit) : null,
  };
}

export function commitNode(
  links: Links,
  repository: RepositoryState,
  commit: CommitRecord,
): GraphQLNode {
  const [headline = "", ...rest] = commit.message.split("\n");
  const checkRuns = () => repository.checkRuns.filter((run) => run.headSha === commit.sha);
  const statuses = () => repository.statuses.filter((status) => status.sha === commit.sha);
  return {
    __typename: "Commit",
    repository,
    record: commit,
    id: nodeId("Commit", commit.sha),
    oid: commit.sha,
    abbreviatedOid: commit.sha.slice(0, 7),
    message: commit.message,
    messageHeadline: headline,
    messageBody: rest.join("\n").trim(),
    committedDate: commit.committer.date,
    authoredDate: commit.author.date,
    url: `${links.web}/${repository.fullName}/commit/${commit.sha}`,
    additions: commit.files.reduce((sum, file) => sum + file.additions, 0),
    deletions: commit.files.reduce((sum, file) => sum + file.deletions, 0),
    parents: (args: Args) =>
      connection("parents", commit.parents, args, (sha) => {
        const parent = repository.commits.get(sha);
        return parent ? commitNode(links, repository, parent) : null;
      }),
    checkSuites: (args: Args) => {
      const filter = (args.filterBy ?? {}) as { appId?: number; checkName?: string };
      const suites = repository.checkSuites.filter(
        (suite) =>
          suite.headSha === commit.sha &&
          (filter.appId === undefined || suite.app.id === filter.appId) &&
          (filter.checkName === undefined ||
            checkRuns().some(
              (run) => run.checkSuiteId === suite.id && run.name === filter.checkName,
            )),
      );
      return connection("checkSuites", suites, args, (suite) =>
        checkSuiteNode(links, repository, suite),
      );
    },
    status: () => {
      const latest = latestStatuses(statuses());
      if (latest.length === 0) return null;
      return {
        __typename: "Status",
        id: nodeId("Status", commit.sha),
        state: rollupState([], latest),
        contexts: latest.map((status) => statusContextNode(links, repository, status)),
        context: (args: Args) => {
          const found = latest.find((status) => status.context === args.name);
          return found ? statusContextNode(links, repository, found) : null;
        },
      };
    },
    statusCheckRollup: () => {
      const runs = latestPerName(checkRuns());
      const latest = latestStatuses(statuses());
      if (runs.length === 0 && latest.length === 0) return null;
      const contexts: Array<CheckRunRecord | StatusRecord> = [
        ...runs.sort((a, b) => a.id - b.id),
        ...latest,
      ];
      return {
        __typename: "StatusCheckRollup",
        id: nodeId("StatusCheckRollup", commit.sha),
        state: rollupState(runs, latest),
        contexts: (args: Args) =>
          connection(
            "contexts",
            contexts,
            args,
            (item) =>
              "context" in item
                ? statusContextNode(links, repository, item)
                : checkRunNode(links, repository, item),
            { checkRunCount: runs.length, statusContextCount: latest.length },
          ),
      };
    },
  };
}

const FAILING_CONCLUSIONS = new Set(["failure", "timed_out", "cancelled", "action_required"]);

/** GitHub's rollup: any failure fails, anything unfinished is pending, otherwise success. */
function rollupState(runs: readonly CheckRunRecord[], statuses: readonly StatusRecord[]): string {
  if (
    runs.some((run) => run.conclusion !== null && FAILING_CONCLUSIONS.has(run.conclusion)) ||
    statuses.some((status) => status.state === "failure" || status.state === "error")
  ) {
    return "FAILURE";
  }
  if (
    runs.some((run) => run.status !== "completed") ||
    statuses.some((s) => s.state === "pending")
  ) {
    return "PENDING";
  }
  return "SUCCESS";
}

export function checkRunNode(
  links: Links,
  repository: RepositoryState,
  run: CheckRunRecord,
): GraphQLNode {
  const url = `${links.web}/${repository.fullName}/runs/${run.id}`;
  return {
    __typename: "CheckRun",
    repository,
    record: run,
    id: nodeId("CheckRun", run.id),
    databaseId: run.id,
    name: run.name,
    status: run.status.toUpperCase(),
    conclusion: run.conclusion?.toUpperCase() ?? null,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    detailsUrl: run.detailsUrl,
    externalId: run.externalId,
    title: run.output.title,
    summary: run.output.summary,
    text: run.output.text,
    url,
    permalink: url,
    resourcePath: `/${repository.fullName}/runs/${run.id}`,
    isRequired: () => repository.requiredStatusChecks.includes(run.name),
    checkSuite: () => {
      const suite = repository.checkSuites.find((candidate) => candidate.id === run.checkSuiteId);
      return suite ? checkSuiteNode(links, repository, suite) : null;
    },
  };
}

function statusContextNode(
  links: Links,
  repository: RepositoryState,
  status: StatusRecord,
): GraphQLNode {
  return {
    __typename: "StatusContext",
    repository,
    record: status,
    id: nodeId("StatusContext", status.id),
    context: status.context,
    state: status.state.toUpperCase(),
    description: status.description,
    targetUrl: status.targetUrl,
    createdAt: status.createdAt,
    creator: actorNode(links, status.creator),
    avatarUrl: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    isRequired: () => repository.requiredStatusChecks.includes(status.context),
  };
}

function checkSuiteNode(
  links: Links,
  repository: RepositoryState,
  suite: CheckSuiteRecord,
): GraphQLNode {
  const summary = suiteSummary(repository, suite);
  const workflowRun = repository.workflowRuns.find((run) => run.checkSuiteId === suite.id);
  const workflow = repository.workflows.find(
    (candidate) => candidate.id === workflowRun?.workflowId,
  );
  return {
    __typename: "CheckSuite",
    repository,
    record: suite,
    id: nodeId("CheckSuite", suite.id),
    databaseId: suite.id,
    status: summary.status.toUpperCase(),
    conclusion: summary.conclusion?.toUpperCase() ?? null,
    createdAt: suite.createdAt,
    updatedAt: suite.updatedAt,
    url: `${links.web}/${repository.fullName}/commit/${suite.headSha}/checks?check_suite_id=${suite.id}`,
    app: {
      __typename: "App",
      id: nodeId("App", suite.app.id),
      databaseId: suite.app.id,
      name: suite.app.name,
      slug: suite.app.slug,
    },
    checkRuns: (args: Args) => {
      const filter = (args.filterBy ?? {}) as {
        checkName?: string;
        checkType?: string;
        status?: string;
      };
      const inSuite = repository.checkRuns.filter((run) => run.checkSuiteId === suite.id);
      const runs = (filter.checkType === "ALL" ? inSuite : latestPerName(inSuite))
        .filter((run) => filter.checkName === undefined || run.name === filter.checkName)
        .filter((run) => filter.status === undefined || run.status.toUpperCase() === filter.status)
        .sort((a, b) => a.id - b.id);
      return connection("checkRuns", runs, args, (run) => checkRunNode(links, repository, run));
    },
    workflowRun: workflowRun
      ? {
          __typename: "WorkflowRun",
          id: nodeId("WorkflowRun", workflowRun.id),
          databaseId: workflowRun.id,
          runNumber: workflowRun.runNumber,
          event: workflowRun.event,
          url: `${links.web}/${repository.fullName}/actions/runs/${workflowRun.id}`,
          workflow: {
            __typename: "Workflow",
            id: nodeId("Workflow", workflowRun.workflowId),
            databaseId: workflowRun.workflowId,
            name: workflow?.name ?? workflowRun.name,
          },
        }
      : null,
  };
}

const CHANGE_TYPES: Record<string, string> = {
  added: "ADDED",
  removed: "DELETED",
  modified: "MODIFIED",
  renamed: "RENAMED",
  copied: "COPIED",
  changed: "CHANGED",
  unchanged: "CHANGED",
};

function pullRequestNode(
  links: Links,
  repository: RepositoryState,
  pull: PullRequestRecord,
): GraphQLNode {
  const files = pull.files.slice(0, 3000);
  return {
    __typename: "PullRequest",
    repository,
    record: pull,
    id: nodeId("PullRequest", pull.id),
    databaseId: pull.id,
    number: pull.number,
    title: pull.title,
    body: pull.body ?? "",
    state: pull.merged ? "MERGED" : pull.state.toUpperCase(),
    isDraft: pull.draft,
    merged: pull.merged,
    mergedAt: pull.mergedAt,
    closed: pull.state === "closed",
    createdAt: pull.createdAt,
    updatedAt: pull.updatedAt,
    url: `${links.web}/${repository.fullName}/pull/${pull.number}`,
    author: actorNode(links, pull.user),
    headRefName: pull.head.ref,
    headRefOid: pull.head.sha,
    baseRefName: pull.base.ref,
    baseRefOid: pull.base.sha,
    isCrossRepository: false,
    changedFiles: pull.files.length,
    additions: pull.files.reduce((sum, file) => sum + file.additions, 0),
    deletions: pull.files.reduce((sum, file) => sum + file.deletions, 0),
    headRef: () => refNode(links, repository, `refs/heads/${pull.head.ref}`),
    statusCheckRollup: () => {
      const head = repository.commits.get(pull.head.sha);
      return head
        ? (commitNode(links, repository, head).statusCheckRollup as () => unknown)()
        : null;
    },
    commits: (args: Args) =>
      connection(
        "commits",
        commitsBetween(repository, pull.base.sha, pull.head.sha),
        args,
        (commit) => ({
          __typename: "PullRequestCommit",
          id: nodeId("PullRequestCommit", `${pull.id}:${commit.sha}`),
          commit: commitNode(links, repository, commit),
        }),
      ),
    baseRef: () => refNode(links, repository, `refs/heads/${pull.base.ref}`),
    mergeCommit: () => {
      const merge = pull.mergeCommitSha ? repository.commits.get(pull.mergeCommitSha) : undefined;
      return merge ? commitNode(links, repository, merge) : null;
    },
    files: (args: Args) =>
      connection("files", files, args, (file) => ({
        __typename: "PullRequestChangedFile",
        path: file.filename,
        additions: file.additions,
        deletions: file.deletions,
        changeType: CHANGE_TYPES[file.status] ?? "MODIFIED",
        viewerViewedState: "UNVIEWED",
      })),
  };
}
