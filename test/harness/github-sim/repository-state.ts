import { readStatement } from "./attestation-bundle.ts";
import { type CommitContents, FileContents } from "./file-contents.ts";
import { type GitStore, newObjectSha, resolveCommit } from "./git-graph.ts";
import type { SimulatorState } from "./state.ts";
import type {
  Account,
  AttestationRecord,
  CommitCommentRecord,
  CommitRecord,
  FileChange,
  IssueCommentRecord,
  IssueRecord,
  PullRequestRecord,
  ReleaseRecord,
  TagRecord,
} from "./state-records.ts";
import { WorkflowSeeds } from "./workflow-seeds.ts";

export interface RepositoryInfo {
  id: number;
  owner: Account;
  name: string;
  defaultBranch: string;
  private: boolean;
  description: string | null;
  createdAt: string;
}

/** Mapped to the `octocat` account, as GitHub links noreply addresses to their user. */
const DEFAULT_AUTHOR: { name: string; email: string; date?: string } = {
  name: "Octo Cat",
  email: "octocat@users.noreply.github.com",
};

/** A file by name (modified, one line added) or spelled out. */
export type FileChangeInit = string | (Partial<FileChange> & { filename: string });

export interface AddCommitOptions {
  /** Any 40-hex string; generated when omitted. */
  sha?: string;
  message?: string;
  /** Defaults to the tip of `branch` when given, else none. */
  parents?: string[];
  /** Moves `refs/heads/<branch>` to the new commit. */
  branch?: string;
  /** Defaults to the changes `contents` makes, when it is given. */
  files?: FileChangeInit[];
  /**
   * The texts this commit writes (`null` deletes a file), which the contents API serves; files
   * the commit does not write are inherited from its first parent.
   */
  contents?: CommitContents;
  author?: { name: string; email: string; date?: string };
  /** The tree the commit records; the simulator keeps no trees, so any SHA is accepted. */
  tree?: string;
}

export interface AddPullRequestOptions {
  number?: number;
  title?: string;
  body?: string | null;
  /** Head branch; created from `base` with one commit (holding `files`) when it does not exist. */
  head: string;
  base?: string;
  files?: FileChangeInit[];
  state?: "open" | "closed";
  draft?: boolean;
  merged?: boolean;
  user?: string;
  labels?: string[];
}

/** One repository's records plus the seed helpers tests use to build a scenario. */
export class RepositoryState extends WorkflowSeeds implements GitStore {
  readonly commits = new Map<string, CommitRecord>();
  readonly tags = new Map<string, TagRecord>();
  readonly refs = new Map<string, string>();
  readonly pulls = new Map<number, PullRequestRecord>();
  readonly issues = new Map<number, IssueRecord>();
  readonly issueComments: IssueCommentRecord[] = [];
  readonly commitComments: CommitCommentRecord[] = [];
  readonly releases: ReleaseRecord[] = [];
  readonly attestations: AttestationRecord[] = [];
  readonly fileContents = new FileContents();
  /**
   * Names of checks and status contexts branch protection requires; GraphQL `isRequired` reads
   * it (branch protection itself is not simulated).
   */
  requiredStatusChecks: string[] = [];
  /** Set by `make_latest: true`; GET /releases/latest falls back to the newest when unset. */
  latestReleaseId: number | undefined;
  /**
   * GitHub's immutable releases setting: once published, a release's assets and its tag can never
   * change (uploads, asset deletions and moving or deleting the tag are refused with 422).
   */
  immutableReleases = false;
  private lastNumber = 0;

  readonly info: RepositoryInfo;

  constructor(simulator: SimulatorState, info: RepositoryInfo) {
    super(simulator);
    this.info = info;
    this.addCommit({ branch: info.defaultBranch, message: "Initial commit", files: ["README.md"] });
  }

  get fullName(): string {
    return `${this.info.owner.login}/${this.info.name}`;
  }

  /** The commit a SHA, branch, tag or `refs/...` name points at. */
  resolve(refish: string): CommitRecord | undefined {
    return resolveCommit(this, refish);
  }

  /** The published, immutable release whose tag this is, when immutable releases are on. */
  immutableReleaseOfTag(tagName: string): ReleaseRecord | undefined {
    if (!this.immutableReleases) return undefined;
    return this.releases.find((release) => release.tagName === tagName && !release.draft);
  }

  /** A file's text at a commit, branch or tag, or undefined when it is not there. */
  readFile(refish: string, path: string): string | undefined {
    const commit = this.resolve(refish);
    return commit && this.fileContents.treeAt(this, commit.sha).get(path);
  }

  /** The tip of a branch, or undefined when it does not exist. */
  branch(name: string): string | undefined {
    return this.refs.get(`refs/heads/${name}`);
  }

  /** A branch at the tip of another (default: the default branch), as "create branch" does. */
  addBranch(name: string, from: string = this.info.defaultBranch): string {
    const sha = this.resolve(from)?.sha;
    if (sha === undefined) throw new Error(`github-sim: cannot branch ${name} from ${from}`);
    this.setBranch(name, sha);
    return sha;
  }

  setBranch(name: string, sha: string): void {
    this.setRef(`refs/heads/${name}`, sha);
  }

  /** Moves a ref; an open pull request follows its head branch, as on GitHub. */
  setRef(ref: string, sha: string): void {
    this.refs.set(ref, sha);
    if (!ref.startsWith("refs/heads/")) return;
    const branch = ref.slice("refs/heads/".length);
    for (const pull of this.pulls.values()) {
      if (pull.state === "open" && pull.head.ref === branch && pull.head.sha !== sha) {
        pull.head.sha = sha;
        pull.updatedAt = this.simulator.now();
      }
    }
  }

  addCommit(options: AddCommitOptions = {}): CommitRecord {
    const parentTip = options.branch === undefined ? undefined : this.branch(options.branch);
    const parents = options.parents ?? (parentTip === undefined ? [] : [parentTip]);
    const { date = this.simulator.now(), ...identity } = options.author ?? DEFAULT_AUTHOR;
    const message = options.message ?? `Commit ${this.commits.size + 1}`;
    const sha = options.sha ?? newObjectSha("commit", { message, parents });
    if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`github-sim: '${sha}' is not a 40-hex SHA`);
    const commit: CommitRecord = {
      sha,
      treeSha: options.tree ?? newObjectSha("tree", sha),
      message,
      parents,
      author: { ...identity, date },
      committer: { ...identity, date },
      files:
        options.files === undefined && options.contents !== undefined
          ? this.fileContents.changesOf(this, parents[0], options.contents)
          : (options.files ?? []).map(fileChange),
    };
    if (options.contents !== undefined) this.fileContents.record(sha, options.contents);
    this.commits.set(sha, commit);
    if (options.branch !== undefined) this.setBranch(options.branch, sha);
    return commit;
  }

  /** A lightweight tag, or an annotated one (a tag object) when `message` is given. */
  addTag(options: { name: string; sha?: string; message?: string }): string {
    const target = options.sha ?? (this.branch(this.info.defaultBranch) as string);
    let refTarget = target;
    if (options.message !== undefined) {
      const tag: TagRecord = {
        sha: newObjectSha("tag", options),
        tag: options.name,
        message: options.message,
        objectSha: target,
        objectType: "commit",
        tagger: { ...DEFAULT_AUTHOR, date: this.simulator.now() },
      };
      this.tags.set(tag.sha, tag);
      refTarget = tag.sha;
    }
    this.setRef(`refs/tags/${options.name}`, refTarget);
    return refTarget;
  }

  /** Issue and pull request numbers share one sequence, as on GitHub. */
  nextNumber(): number {
    this.lastNumber += 1;
    return this.lastNumber;
  }

  private claimNumber(number: number | undefined): number {
    const claimed = number ?? this.nextNumber();
    if (this.pulls.has(claimed) || this.issues.has(claimed)) {
      throw new Error(`github-sim: #${claimed} already exists in ${this.fullName}`);
    }
    this.lastNumber = Math.max(this.lastNumber, claimed);
    return claimed;
  }

  addPullRequest(options: AddPullRequestOptions): PullRequestRecord {
    const baseRef = options.base ?? this.info.defaultBranch;
    const baseSha = this.branch(baseRef);
    if (baseSha === undefined) throw new Error(`github-sim: base branch ${baseRef} does not exist`);
    const files = (options.files ?? []).map(fileChange);
    const headSha =
      this.branch(options.head) ??
      this.addCommit({ branch: options.head, parents: [baseSha], files, message: options.title })
        .sha;
    const now = this.simulator.now();
    const number = this.claimNumber(options.number);
    const merged = options.merged ?? false;
    const closed = merged || options.state === "closed";
    // A merged pull request leaves a merge commit on its base, which release notes look for.
    const mergeCommit = merged
      ? this.addCommit({
          branch: baseRef,
          parents: [baseSha, headSha],
          message: `Merge pull request #${number} from ${this.info.owner.login}/${options.head}`,
        })
      : undefined;
    const pull: PullRequestRecord = {
      id: this.simulator.nextId(),
      number,
      title: options.title ?? `Change ${options.head}`,
      body: options.body ?? null,
      state: closed ? "closed" : "open",
      draft: options.draft ?? false,
      user: this.simulator.account(options.user ?? "octocat"),
      head: { ref: options.head, sha: headSha },
      base: { ref: baseRef, sha: baseSha },
      files,
      merged,
      mergedAt: merged ? now : null,
      mergeCommitSha: mergeCommit?.sha ?? null,
      labels: options.labels ?? [],
      createdAt: now,
      updatedAt: now,
      closedAt: closed ? now : null,
    };
    this.pulls.set(pull.number, pull);
    return pull;
  }

  addIssue(options: { number?: number; title?: string } = {}): IssueRecord {
    const number = this.claimNumber(options.number);
    const issue = { number, title: options.title ?? `Issue ${number}` };
    this.issues.set(number, issue);
    return issue;
  }

  addIssueComment(options: {
    issueNumber: number;
    body: string;
    user?: string;
  }): IssueCommentRecord {
    const now = this.simulator.now();
    const comment: IssueCommentRecord = {
      id: this.simulator.nextId(),
      issueNumber: options.issueNumber,
      body: options.body,
      user: options.user ? this.simulator.account(options.user) : this.simulator.actor,
      createdAt: now,
      updatedAt: now,
    };
    this.issueComments.push(comment);
    return comment;
  }

  addCommitComment(options: {
    commitId: string;
    body: string;
    user?: string;
  }): CommitCommentRecord {
    const now = this.simulator.now();
    const comment: CommitCommentRecord = {
      id: this.simulator.nextId(),
      commitId: options.commitId,
      body: options.body,
      user: options.user ? this.simulator.account(options.user) : this.simulator.actor,
      createdAt: now,
      updatedAt: now,
    };
    this.commitComments.push(comment);
    return comment;
  }

  addRelease(
    options: Partial<Omit<ReleaseRecord, "id" | "author">> & { tagName: string; author?: string },
  ): ReleaseRecord {
    const now = this.simulator.now();
    const draft = options.draft ?? false;
    const release: ReleaseRecord = {
      id: this.simulator.nextId(),
      tagName: options.tagName,
      targetCommitish: options.targetCommitish ?? this.info.defaultBranch,
      name: options.name ?? options.tagName,
      body: options.body ?? null,
      draft,
      prerelease: options.prerelease ?? false,
      author: options.author ? this.simulator.account(options.author) : this.simulator.actor,
      createdAt: options.createdAt ?? now,
      publishedAt: options.publishedAt !== undefined ? options.publishedAt : draft ? null : now,
      assets: options.assets ?? [],
    };
    if (!draft && !release.prerelease) this.latestReleaseId = release.id;
    if (!draft && !this.refs.has(`refs/tags/${release.tagName}`)) {
      const target = this.resolve(release.targetCommitish);
      if (target) this.addTag({ name: release.tagName, sha: target.sha });
    }
    this.releases.push(release);
    return release;
  }

  addAttestation(bundle: Record<string, unknown>): AttestationRecord {
    const statement = readStatement(bundle);
    const attestation: AttestationRecord = {
      id: this.simulator.nextId(),
      bundle,
      subjectDigests: statement.subjectDigests,
      predicateType: statement.predicateType,
      createdAt: this.simulator.now(),
    };
    this.attestations.push(attestation);
    return attestation;
  }
}

export function fileChange(init: FileChangeInit): FileChange {
  if (typeof init === "string") {
    return { filename: init, status: "modified", additions: 1, deletions: 0 };
  }
  return { status: "modified", additions: 1, deletions: 0, ...init };
}
