import type { Pusher } from "./push.ts";
import type {
  Identity,
  NewRelease,
  PullRequest,
  ReleaseAsset,
  RemoteRelease,
  RemoteTag,
  TrainRemote,
} from "./remote.ts";

/**
 * A dry run's remote: reads go to the real one, writes are only listed (by the departure, in
 * order) and answered as GitHub would answer them, so the train goes through every step it would
 * take and changes nothing.
 */
export class RecordingRemote implements TrainRemote {
  private readonly reader: TrainRemote;
  private nextId = -1;
  private readonly tags = new Map<string, RemoteTag>();
  private readonly made = new Map<string, RemoteRelease>();

  constructor(reader: TrainRemote) {
    this.reader = reader;
  }

  get requests(): number {
    return this.reader.requests;
  }

  listTags(prefix: string): Promise<string[]> {
    return this.reader.listTags(prefix);
  }

  async getTag(name: string): Promise<RemoteTag | undefined> {
    return this.tags.get(name) ?? this.reader.getTag(name);
  }

  /** The departure checked the tags it makes before the dry run; only its own are known here. */
  async createAnnotatedTag(name: string, commit: string, message: string, _tagger: Identity) {
    const existing = this.tags.get(name);
    if (existing) return existing;
    this.tags.set(name, { commit, message });
    return "created" as const;
  }

  async moveTag(name: string, commit: string, message: string): Promise<void> {
    this.tags.set(name, { commit, message });
  }

  async deleteTag(name: string): Promise<void> {
    this.tags.delete(name);
  }

  async releases(tags: readonly string[]): Promise<Map<string, RemoteRelease>> {
    const found = await this.reader.releases(tags);
    for (const tag of tags) {
      const made = this.made.get(tag);
      if (made) found.set(tag, made);
    }
    return found;
  }

  getRelease(id: number): Promise<RemoteRelease> {
    const made = [...this.made.values()].find((release) => release.id === id);
    return made ? Promise.resolve(made) : this.reader.getRelease(id);
  }

  async createDraftRelease(release: NewRelease): Promise<RemoteRelease> {
    const id = this.nextId--;
    const draft: RemoteRelease = {
      id,
      tag: release.tag,
      draft: true,
      url: `(draft release ${release.tag})`,
      immutable: false,
      uploadUrl: "",
      assets: [],
    };
    this.made.set(release.tag, draft);
    return draft;
  }

  async publishRelease(release: RemoteRelease): Promise<RemoteRelease> {
    const published = { ...release, draft: false, url: `(release ${release.tag})` };
    this.made.set(release.tag, published);
    return published;
  }

  async uploadAsset(_release: RemoteRelease, name: string, data: Buffer): Promise<ReleaseAsset> {
    return { id: this.nextId--, name, label: name, size: data.length };
  }

  async deleteAsset(): Promise<void> {}

  async generateNotes(): Promise<string> {
    return "(notes GitHub generates)";
  }

  findPullRequest(head: string): Promise<PullRequest | undefined> {
    return this.reader.findPullRequest(head);
  }

  async openPullRequest(options: { head: string }): Promise<PullRequest> {
    return {
      number: 0,
      url: `(new pull request from ${options.head})`,
      state: "open",
      merged: false,
      mergeCommitSha: undefined,
      headSha: "",
    };
  }

  async closePullRequest(): Promise<void> {}

  async dispatchWorkflow(): Promise<void> {}

  branchContains(branch: string, sha: string): Promise<boolean> {
    return this.reader.branchContains(branch, sha);
  }

  runCreatedAt(runId: number): Promise<Date | undefined> {
    return this.reader.runCreatedAt(runId);
  }
}

/** A dry run's pusher: every push would succeed. */
export const recordingPusher: Pusher = async () => ({ pushed: true });
