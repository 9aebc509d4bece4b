import type { LocalGit } from "./git.ts";
import type { MarkerSource } from "./markers.ts";
import type { PullRequest, RemoteRelease, RemoteTag, TrainRemote } from "./remote.ts";

/**
 * The markers of this clone's tags only: `status-gate train plan` reads departures this way,
 * without a token or a network.
 */
export function localMarkerSource(git: LocalGit): MarkerSource {
  return {
    listTags: async (prefix) => [...git.tagMessages(prefix).keys()],
    tagMessage: async (name) => git.tagMessages(name).get(name),
  };
}

/**
 * What a dry run can read without a token: the tags of the git remote `origin` (`git ls-remote`),
 * their messages fetched when this clone lacks them. GitHub's releases and pull requests cannot be
 * read this way; they count as absent, and the CLI says so. Writing is not possible at all.
 */
export class GitTagsRemote implements TrainRemote {
  private readonly git: LocalGit;
  private remoteTags: Map<string, string> | undefined;

  constructor(git: LocalGit) {
    this.git = git;
  }

  get requests(): number {
    return 0;
  }

  private tags(): Map<string, string> {
    if (!this.remoteTags) {
      const tags = new Map<string, string>();
      for (const line of this.git.run(["ls-remote", "--tags", "origin"]).split("\n")) {
        const [sha = "", ref = ""] = line.split("\t");
        if (!ref.startsWith("refs/tags/")) continue;
        const name = ref.slice("refs/tags/".length);
        // `^{}` lines give the commit an annotated tag points at.
        if (name.endsWith("^{}")) tags.set(name.slice(0, -3), sha);
        else if (!tags.has(name)) tags.set(name, sha);
      }
      this.remoteTags = tags;
    }
    return this.remoteTags;
  }

  async listTags(prefix: string): Promise<string[]> {
    return [...this.tags().keys()].filter((name) => name.startsWith(prefix));
  }

  async getTag(name: string): Promise<RemoteTag | undefined> {
    const commit = this.tags().get(name);
    if (commit === undefined) return undefined;
    let message = this.git.tagMessages(name).get(name);
    if (message === undefined && this.git.fetch(`refs/tags/${name}`)) {
      const object = this.git.run(["cat-file", "-p", "FETCH_HEAD"]);
      message = object.slice(object.indexOf("\n\n") + 2);
    }
    return { commit, message };
  }

  async releases(): Promise<Map<string, RemoteRelease>> {
    return new Map();
  }

  async findPullRequest(): Promise<PullRequest | undefined> {
    return undefined;
  }

  async branchContains(branch: string, sha: string): Promise<boolean> {
    return this.git.fetch(`refs/heads/${branch}`) && this.git.isAncestor(sha, "FETCH_HEAD");
  }

  async runCreatedAt(): Promise<Date | undefined> {
    return undefined;
  }

  private refuse(): never {
    throw new Error("a git remote without a token is read only: give --token, or --dry-run");
  }

  getRelease(): Promise<RemoteRelease> {
    this.refuse();
  }
  createAnnotatedTag(): Promise<"created"> {
    this.refuse();
  }
  moveTag(): Promise<void> {
    this.refuse();
  }
  deleteTag(): Promise<void> {
    this.refuse();
  }
  createDraftRelease(): Promise<RemoteRelease> {
    this.refuse();
  }
  publishRelease(): Promise<RemoteRelease> {
    this.refuse();
  }
  uploadAsset(): Promise<never> {
    this.refuse();
  }
  deleteAsset(): Promise<void> {
    this.refuse();
  }
  generateNotes(): Promise<string> {
    this.refuse();
  }
  openPullRequest(): Promise<PullRequest> {
    this.refuse();
  }
  closePullRequest(): Promise<void> {
    this.refuse();
  }
  dispatchWorkflow(): Promise<void> {
    this.refuse();
  }
}
