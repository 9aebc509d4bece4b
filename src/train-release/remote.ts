import type { GitHubClient } from "../core/github.ts";

/** A tag as GitHub holds it: the commit it resolves to and, for annotated tags, its message. */
export interface RemoteTag {
  commit: string;
  message: string | undefined;
}

export interface RemoteRelease {
  id: number;
  tag: string;
  draft: boolean;
  url: string;
  /** The login that created it; `github-actions[bot]` means the workflow's GITHUB_TOKEN. */
  author: string | undefined;
}

export interface NewRelease {
  tag: string;
  name: string;
  body: string;
  targetSha: string;
  prerelease: boolean;
}

/** Everything the train asks of GitHub; tests point it at the simulator. */
export interface TrainRemote {
  /** How many API requests this remote has sent (the benchmark reports it). */
  readonly requests: number;
  getTag(name: string): Promise<RemoteTag | undefined>;
  /** Creates an annotated tag atomically; returns the existing tag when the name is taken. */
  createAnnotatedTag(name: string, commit: string, message: string): Promise<RemoteTag | "created">;
  /** Creates a lightweight tag; returns the commit of an existing tag of that name instead. */
  createTag(name: string, commit: string): Promise<RemoteTag | "created">;
  findRelease(tag: string): Promise<RemoteRelease | undefined>;
  createDraftRelease(release: NewRelease): Promise<RemoteRelease>;
  publishRelease(release: RemoteRelease): Promise<RemoteRelease>;
  generateNotes(tag: string, previousTag: string | undefined, targetSha: string): Promise<string>;
  findOpenPullRequest(head: string): Promise<{ number: number; url: string } | undefined>;
  openPullRequest(options: { head: string; base: string; title: string; body: string }): Promise<{
    number: number;
    url: string;
  }>;
  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<void>;
}

interface RequestError {
  status?: number;
  response?: { data?: { message?: string } };
}

const statusOf = (thrown: unknown) => (thrown as RequestError).status;
const messageOf = (thrown: unknown) => (thrown as RequestError).response?.data?.message ?? "";

/** The REST implementation of TrainRemote over the suite's Octokit client. */
export class GitHubRemote implements TrainRemote {
  private readonly client: GitHubClient;
  private readonly owner: string;
  private readonly repo: string;
  private sent = 0;

  constructor(client: GitHubClient, repository: { owner: string; repo: string }) {
    this.client = client;
    this.owner = repository.owner;
    this.repo = repository.repo;
    client.hook.before("request", () => {
      this.sent += 1;
    });
  }

  get requests(): number {
    return this.sent;
  }

  private get where() {
    return { owner: this.owner, repo: this.repo };
  }

  async getTag(name: string): Promise<RemoteTag | undefined> {
    let object: { type: string; sha: string };
    try {
      const { data } = await this.client.request("GET /repos/{owner}/{repo}/git/ref/{ref}", {
        ...this.where,
        ref: `tags/${name}`,
      });
      object = data.object;
    } catch (thrown) {
      if (statusOf(thrown) === 404) return undefined;
      throw thrown;
    }
    if (object.type !== "tag") return { commit: object.sha, message: undefined };
    const { data: tag } = await this.client.request(
      "GET /repos/{owner}/{repo}/git/tags/{tag_sha}",
      {
        ...this.where,
        tag_sha: object.sha,
      },
    );
    return { commit: tag.object.sha, message: tag.message };
  }

  async createAnnotatedTag(name: string, commit: string, message: string) {
    const { data: tag } = await this.client.request("POST /repos/{owner}/{repo}/git/tags", {
      ...this.where,
      tag: name,
      message,
      object: commit,
      type: "commit",
    });
    return this.createRef(name, tag.sha);
  }

  createTag(name: string, commit: string) {
    return this.createRef(name, commit);
  }

  /** `create-ref` fails with 422 when the ref exists: that refusal is the lock. */
  private async createRef(name: string, sha: string): Promise<RemoteTag | "created"> {
    try {
      await this.client.request("POST /repos/{owner}/{repo}/git/refs", {
        ...this.where,
        ref: `refs/tags/${name}`,
        sha,
      });
      return "created";
    } catch (thrown) {
      if (statusOf(thrown) !== 422 || !/already exists/i.test(messageOf(thrown))) throw thrown;
      const existing = await this.getTag(name);
      if (!existing) throw thrown;
      return existing;
    }
  }

  async findRelease(tag: string): Promise<RemoteRelease | undefined> {
    // Drafts have no tag yet, so get-release-by-tag cannot see them; the newest page can.
    const { data } = await this.client.request("GET /repos/{owner}/{repo}/releases", {
      ...this.where,
      per_page: 100,
    });
    const found = data.find((release) => release.tag_name === tag);
    return found && toRelease(found);
  }

  async createDraftRelease(release: NewRelease): Promise<RemoteRelease> {
    const { data } = await this.client.request("POST /repos/{owner}/{repo}/releases", {
      ...this.where,
      tag_name: release.tag,
      target_commitish: release.targetSha,
      name: release.name,
      body: release.body,
      draft: true,
      prerelease: release.prerelease,
    });
    return toRelease(data);
  }

  async publishRelease(release: RemoteRelease): Promise<RemoteRelease> {
    const { data } = await this.client.request(
      "PATCH /repos/{owner}/{repo}/releases/{release_id}",
      {
        ...this.where,
        release_id: release.id,
        draft: false,
      },
    );
    return toRelease(data);
  }

  async generateNotes(tag: string, previousTag: string | undefined, targetSha: string) {
    const { data } = await this.client.request(
      "POST /repos/{owner}/{repo}/releases/generate-notes",
      {
        ...this.where,
        tag_name: tag,
        target_commitish: targetSha,
        ...(previousTag ? { previous_tag_name: previousTag } : {}),
      },
    );
    return data.body;
  }

  async findOpenPullRequest(head: string) {
    const { data } = await this.client.request("GET /repos/{owner}/{repo}/pulls", {
      ...this.where,
      head: `${this.owner}:${head}`,
      state: "open",
    });
    const [pull] = data;
    return pull && { number: pull.number, url: pull.html_url };
  }

  async openPullRequest(options: { head: string; base: string; title: string; body: string }) {
    const { data } = await this.client.request("POST /repos/{owner}/{repo}/pulls", {
      ...this.where,
      ...options,
    });
    return { number: data.number, url: data.html_url };
  }

  async dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>) {
    await this.client.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      { ...this.where, workflow_id: workflow, ref, inputs },
    );
  }
}

function toRelease(data: {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  author?: { login: string } | null;
}): RemoteRelease {
  return {
    id: data.id,
    tag: data.tag_name,
    draft: data.draft,
    url: data.html_url,
    author: data.author?.login,
  };
}
