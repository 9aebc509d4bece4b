/**
 * Everything the train asks of GitHub. The action and `status-gate train depart` use the REST
 * implementation (`github-remote.ts`); a dry run wraps it in a recorder that carries out the reads
 * and lists the writes in order (`recording-remote.ts`).
 */

/** A tag as GitHub holds it: the commit it resolves to and, for annotated tags, its message. */
export interface RemoteTag {
  commit: string;
  message: string | undefined;
}

export interface ReleaseAsset {
  id: number;
  /** The name GitHub stores, which may differ from the file's (special characters renamed). */
  name: string;
  /** The file's own name, as the train uploaded it. */
  label?: string | null;
  size: number;
  /** `starter` while (or after a failed) upload; `uploaded` once complete. */
  state?: string;
}

export interface RemoteRelease {
  id: number;
  tag: string;
  draft: boolean;
  /** The release page; a draft's page is `.../releases/tag/untagged-...` until it is published. */
  url: string;
  /** GitHub's immutable releases: a published release whose assets and tag can never change. */
  immutable: boolean;
  /** Where assets go (`upload_url` without its `{?name,label}` template). */
  uploadUrl: string;
  assets: ReleaseAsset[];
}

export interface NewRelease {
  tag: string;
  name: string;
  body: string;
  targetSha: string;
  prerelease: boolean;
}

export interface PullRequest {
  number: number;
  url: string;
  state: "open" | "closed";
  merged: boolean;
  mergeCommitSha: string | undefined;
  headSha: string;
}

export interface Identity {
  name: string;
  email: string;
  date: Date;
}

export interface TrainRemote {
  /** How many API requests this remote has sent (the benchmark reports it). */
  readonly requests: number;
  /** Names of the tags under a prefix (`train/`). */
  listTags(prefix: string): Promise<string[]>;
  getTag(name: string): Promise<RemoteTag | undefined>;
  /**
   * Creates an annotated tag atomically; returns the existing tag when the name is taken (that
   * refusal is the departure marker's lock).
   */
  createAnnotatedTag(
    name: string,
    commit: string,
    message: string,
    tagger: Identity,
  ): Promise<RemoteTag | "created">;
  /** Points a floating tag (`v2`) at a new release, creating it when missing. */
  moveTag(name: string, commit: string, message: string, tagger: Identity): Promise<void>;
  /** Deletes a tag (a departure marker of a train that lost the succession and wrote nothing). */
  deleteTag(name: string): Promise<void>;
  /**
   * The releases of these tags, drafts included (a draft has no tag yet, so only the list finds
   * it), by tag; where a tag has several, the newest. Missing tags are absent from the map.
   */
  releases(tags: readonly string[]): Promise<Map<string, RemoteRelease>>;
  getRelease(id: number): Promise<RemoteRelease>;
  createDraftRelease(release: NewRelease): Promise<RemoteRelease>;
  /**
   * Publishes a draft. `latest`: whether it becomes the repository's latest release (GitHub makes
   * every newly published release the latest unless told otherwise); undefined leaves it to GitHub.
   */
  publishRelease(release: RemoteRelease, latest?: boolean): Promise<RemoteRelease>;
  uploadAsset(release: RemoteRelease, name: string, data: Buffer): Promise<ReleaseAsset>;
  deleteAsset(asset: ReleaseAsset): Promise<void>;
  generateNotes(tag: string, previousTag: string | undefined, targetSha: string): Promise<string>;
  /** The newest pull request from a branch of this repository, open or not. */
  findPullRequest(head: string): Promise<PullRequest | undefined>;
  openPullRequest(options: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequest>;
  /** Closes a pull request with a comment saying why. */
  closePullRequest(pull: PullRequest, comment: string): Promise<void>;
  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<void>;
  /** Whether a branch contains a commit (the commit is on it, or an ancestor of its tip). */
  branchContains(branch: string, sha: string): Promise<boolean>;
  /** When a workflow run was created (its first attempt), undefined when GitHub does not know it. */
  runCreatedAt(runId: number): Promise<Date | undefined>;
}
