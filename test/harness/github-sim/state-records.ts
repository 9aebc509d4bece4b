/**
 * The simulator's memory, one record type per GitHub resource. Records hold facts (what a test
 * seeds or a request changes); the JSON GitHub would send is built from them on every response,
 * so mutating a record is all a test needs to script a timeline.
 */

export interface Account {
  login: string;
  id: number;
  type: "User" | "Organization" | "Bot";
}

/** A GitHub App as check runs and suites report it. */
export interface App {
  id: number;
  slug: string;
  name: string;
  owner: Account;
}

/** Who a `GITHUB_TOKEN` acts as: statuses, comments and releases it creates name this user. */
export const GITHUB_ACTIONS_BOT: Account = {
  login: "github-actions[bot]",
  id: 41898282,
  type: "Bot",
};

/** The app that owns check runs created with a `GITHUB_TOKEN`. */
export const GITHUB_ACTIONS_APP: App = {
  id: 15368,
  slug: "github-actions",
  name: "GitHub Actions",
  owner: { login: "github", id: 9919, type: "Organization" },
};

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601. */
  date: string;
}

export type FileStatus =
  | "added"
  | "removed"
  | "modified"
  | "renamed"
  | "copied"
  | "changed"
  | "unchanged";

export interface FileChange {
  filename: string;
  status: FileStatus;
  additions: number;
  deletions: number;
  patch?: string;
  previousFilename?: string;
}

export interface CommitRecord {
  sha: string;
  treeSha: string;
  message: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  /** What this commit changed relative to its first parent. */
  files: FileChange[];
}

export interface TagRecord {
  sha: string;
  tag: string;
  message: string;
  objectSha: string;
  objectType: "commit" | "tree" | "blob";
  tagger: GitIdentity;
}

export interface PullRequestRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  user: Account;
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  /** The changed files GitHub lists for the pull request, in order. */
  files: FileChange[];
  merged: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface IssueRecord {
  number: number;
  title: string;
}

export type CheckStatus =
  | "queued"
  | "in_progress"
  | "completed"
  | "waiting"
  | "requested"
  | "pending";
export type CheckConclusion =
  | "success"
  | "failure"
  | "neutral"
  | "cancelled"
  | "skipped"
  | "timed_out"
  | "action_required";

/** Stored in GitHub's wire shape: it arrives that way and leaves that way. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: CheckAnnotation[];
  app: App;
  checkSuiteId: number;
  createdAt: string;
}

export interface CheckSuiteRecord {
  id: number;
  headSha: string;
  headBranch: string | null;
  app: App;
  createdAt: string;
  updatedAt: string;
}

export type CommitState = "error" | "failure" | "pending" | "success";

export interface StatusRecord {
  id: number;
  sha: string;
  state: CommitState;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: Account;
  createdAt: string;
  updatedAt: string;
}

export interface WorkflowRecord {
  id: number;
  name: string;
  /** `.github/workflows/<file>`; dispatch accepts the file name as well as the id. */
  path: string;
}

export type WorkflowRunStatus =
  | "requested"
  | "in_progress"
  | "completed"
  | "queued"
  | "pending"
  | "waiting";
export type WorkflowRunConclusion =
  | "success"
  | "failure"
  | "neutral"
  | "cancelled"
  | "skipped"
  | "timed_out"
  | "action_required"
  | "stale"
  | "startup_failure";

export interface WorkflowRunAttempt {
  attempt: number;
  status: WorkflowRunStatus;
  conclusion: WorkflowRunConclusion | null;
  runStartedAt: string;
  updatedAt: string;
}

export interface WorkflowRunRecord {
  id: number;
  workflowId: number;
  name: string;
  displayTitle: string;
  headSha: string;
  headBranch: string | null;
  event: string;
  status: WorkflowRunStatus;
  conclusion: WorkflowRunConclusion | null;
  runNumber: number;
  runAttempt: number;
  actor: Account;
  pullRequestNumbers: number[];
  createdAt: string;
  updatedAt: string;
  runStartedAt: string;
  checkSuiteId: number;
  /** Earlier attempts, oldest first, as they ended; the current attempt is the record itself. */
  previousAttempts: WorkflowRunAttempt[];
}

export interface JobStep {
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  number: number;
  started_at?: string | null;
  completed_at?: string | null;
}

export interface JobRecord {
  id: number;
  runId: number;
  runAttempt: number;
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: CheckConclusion | null;
  startedAt: string;
  completedAt: string | null;
  createdAt: string;
  steps: JobStep[];
  labels: string[];
  runnerName: string | null;
  /** The check run GitHub creates for every job. */
  checkRunId: number;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: Account;
  createdAt: string;
  publishedAt: string | null;
  /** Files uploaded to the release, in upload order. */
  assets: ReleaseAssetRecord[];
}

export interface ReleaseAssetRecord {
  id: number;
  name: string;
  label: string | null;
  contentType: string;
  /** The bytes as uploaded; `size` and `digest` are derived from them. */
  data: Buffer;
  uploader: Account;
  createdAt: string;
}

export interface IssueCommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: Account;
  createdAt: string;
  updatedAt: string;
}

/** A comment on a commit (not on a line of it): what an alert on main posts. */
export interface CommitCommentRecord {
  id: number;
  commitId: string;
  body: string;
  user: Account;
  createdAt: string;
  updatedAt: string;
}

export interface AttestationRecord {
  id: number;
  /** The Sigstore bundle exactly as posted. */
  bundle: Record<string, unknown>;
  /** `sha256:<hex>` for each subject of the in-toto statement inside the bundle. */
  subjectDigests: string[];
  /** The statement's `predicateType`, e.g. `https://slsa.dev/provenance/v1`. */
  predicateType: string | undefined;
  createdAt: string;
}

export interface DispatchRecord {
  /** `owner/name`. */
  repository: string;
  workflowId: number;
  ref: string;
  inputs: Record<string, unknown>;
  /** The queued run the dispatch created. */
  runId: number;
  at: string;
}
