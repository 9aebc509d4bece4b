import { ConfigurationError } from "../core/errors.ts";

const ZERO_SHA = /^0{40}$/;
const SHA = /^[0-9a-f]{40}$/i;

/**
 * What one gate run evaluates, bound once from the event: the head commit whose checks count and
 * the base its changes are measured against.
 */
export interface Target {
  event: string;
  /** The commit whose checks and statuses are read; never the PR's test merge commit. */
  sha: string;
  /**
   * The base of the change. `mergeBaseWith` means "the merge base of sha with this branch",
   * computed by git or by the compare API; `sha` is an exact base commit.
   */
  base: { sha: string; ref?: string } | { mergeBaseWith: string } | undefined;
  /** The base branch whose rules file applies. */
  rulesRef: string;
  /**
   * The base commit is the pusher's own earlier commit (a push to a branch other than the
   * default), so the rules are read from `rulesRef`: a branch must not loosen its own gate.
   */
  rulesFromRef?: boolean;
  pullRequest: PullRequestTarget | undefined;
  /** The pull request's labels, which can make rules apply whatever the paths. */
  labels: readonly string[];
  /** Why this base was chosen, for the summary. */
  description: string;
}

export interface PullRequestTarget {
  number: number;
  changedFiles?: number;
  /** The head the event carried, and when the pull request last changed before it. */
  headSha: string;
  updatedAt?: string;
}

interface Payload {
  pull_request?: {
    number?: number;
    changed_files?: number;
    updated_at?: string;
    labels?: { name?: string }[];
    head?: { sha?: string };
    base?: { sha?: string; ref?: string };
  };
  merge_group?: { head_sha?: string; base_sha?: string; base_ref?: string };
  before?: string;
  after?: string;
  forced?: boolean;
  ref?: string;
  repository?: { default_branch?: string };
}

export interface TargetOverrides {
  /** Input `sha`: the commit to evaluate on workflow_dispatch (or any event, to override). */
  sha?: string;
  /** Input `base`: a base commit or branch to compare with. */
  base?: string;
  /** `GITHUB_SHA`, the fallback for events that carry no head. */
  githubSha: string;
  defaultBranch?: string;
}

export function resolveTarget(event: string, payload: Payload, overrides: TargetOverrides): Target {
  const defaultBranch = payload.repository?.default_branch ?? overrides.defaultBranch ?? "main";
  if (overrides.sha !== undefined && !SHA.test(overrides.sha)) {
    throw new ConfigurationError(
      `input 'sha' is '${overrides.sha}'; use a full 40-character commit SHA`,
    );
  }
  switch (event) {
    case "pull_request":
    case "pull_request_target":
      return pullRequestTarget(event, payload, overrides);
    case "merge_group":
      return mergeGroupTarget(payload, overrides);
    case "push":
      return pushTarget(payload, overrides, defaultBranch);
    default:
      return explicitTarget(event, overrides, defaultBranch);
  }
}

function pullRequestTarget(event: string, payload: Payload, overrides: TargetOverrides): Target {
  const pull = payload.pull_request;
  const head = overrides.sha ?? pull?.head?.sha;
  if (!pull || !head || !pull.base?.sha || typeof pull.number !== "number") {
    throw new ConfigurationError(`the ${event} event payload has no pull_request head and base`);
  }
  return {
    event,
    sha: head,
    base: { sha: overrides.base ?? pull.base.sha, ref: pull.base.ref },
    rulesRef: pull.base.ref ?? pull.base.sha,
    pullRequest: {
      number: pull.number,
      changedFiles: pull.changed_files,
      headSha: pull.head?.sha ?? head,
      updatedAt: pull.updated_at,
    },
    labels: (pull.labels ?? []).flatMap((label) =>
      typeof label.name === "string" ? [label.name] : [],
    ),
    description: `pull request #${pull.number}: head ${short(head)} against base ${pull.base.ref ?? short(pull.base.sha)}`,
  };
}

function mergeGroupTarget(payload: Payload, overrides: TargetOverrides): Target {
  const group = payload.merge_group;
  const head = overrides.sha ?? group?.head_sha;
  if (!head || !group?.base_sha) {
    throw new ConfigurationError("the merge_group event payload has no head_sha and base_sha");
  }
  const baseRef = group.base_ref?.replace(/^refs\/heads\//, "");
  return {
    event: "merge_group",
    sha: head,
    // Every PR in the group is measured at once: from the queue's base to the group's head.
    base: { sha: group.base_sha, ref: baseRef },
    rulesRef: baseRef ?? group.base_sha,
    pullRequest: undefined,
    labels: [],
    description: `merge group ${short(head)}: every change since ${baseRef ?? short(group.base_sha)}`,
  };
}

function pushTarget(payload: Payload, overrides: TargetOverrides, defaultBranch: string): Target {
  const head = overrides.sha ?? payload.after ?? overrides.githubSha;
  const before = payload.before;
  const branch = payload.ref?.replace(/^refs\/heads\//, "");
  const target = {
    event: "push",
    sha: head,
    rulesRef: defaultBranch,
    pullRequest: undefined,
    labels: [],
  };
  if (overrides.base) {
    return {
      ...target,
      base: { sha: overrides.base },
      description: `push ${short(head)} against input base`,
    };
  }
  if (!before || ZERO_SHA.test(before)) {
    return {
      ...target,
      base: { mergeBaseWith: defaultBranch },
      description:
        `new branch ${branch ?? ""}: changes since its merge base with ${defaultBranch}`.replace(
          "  ",
          " ",
        ),
    };
  }
  if (payload.forced) {
    return {
      ...target,
      base: { mergeBaseWith: defaultBranch },
      description: `force push to ${branch ?? head}: changes since the merge base with ${defaultBranch}`,
    };
  }
  return {
    ...target,
    base: { sha: before, ref: undefined },
    rulesFromRef: branch !== defaultBranch,
    description: `push ${short(before)}..${short(head)}`,
  };
}

function explicitTarget(event: string, overrides: TargetOverrides, defaultBranch: string): Target {
  const head = overrides.sha ?? overrides.githubSha;
  return {
    event,
    sha: head,
    base:
      overrides.base && SHA.test(overrides.base)
        ? { sha: overrides.base }
        : { mergeBaseWith: overrides.base ?? defaultBranch },
    rulesRef: defaultBranch,
    pullRequest: undefined,
    labels: [],
    description: `${event} at ${short(head)} against ${overrides.base ?? defaultBranch}`,
  };
}

export function short(sha: string): string {
  return SHA.test(sha) ? sha.slice(0, 7) : sha;
}
