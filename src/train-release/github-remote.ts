import { ConfigurationError } from "../core/errors.ts";
import type { GitHubClient } from "../core/github.ts";
import type {
  Identity,
  NewRelease,
  PullRequest,
  ReleaseAsset,
  RemoteRelease,
  RemoteTag,
  TrainRemote,
} from "./remote.ts";

interface RequestError {
  status?: number;
  response?: { data?: { message?: string } };
}

const statusOf = (thrown: unknown) => (thrown as RequestError).status;

/** Creating a draft release: the first try and, as the client retries, three more after a server error that made none. */
const CREATE_ATTEMPTS = 4;
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

  async listTags(prefix: string): Promise<string[]> {
    const { data } = await this.client.request(
      "GET /repos/{owner}/{repo}/git/matching-refs/{ref}",
      { ...this.where, ref: `tags/${prefix}` },
    );
    return data.map((ref) => ref.ref.replace(/^refs\/tags\//, ""));
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
      { ...this.where, tag_sha: object.sha },
    );
    return { commit: tag.object.sha, message: tag.message };
  }

  private async tagObject(name: string, commit: string, message: string, tagger: Identity) {
    const { data } = await this.client.request("POST /repos/{owner}/{repo}/git/tags", {
      ...this.where,
      tag: name,
      message,
      object: commit,
      type: "commit",
      tagger: { name: tagger.name, email: tagger.email, date: tagger.date.toISOString() },
    });
    return data.sha;
  }

  async createAnnotatedTag(name: string, commit: string, message: string, tagger: Identity) {
    const sha = await this.tagObject(name, commit, message, tagger);
    try {
      await this.client.request("POST /repos/{owner}/{repo}/git/refs", {
        ...this.where,
        ref: `refs/tags/${name}`,
        sha,
      });
      return "created" as const;
    } catch (thrown) {
      // `create-ref` refuses a name that exists: that refusal is the lock.
      if (statusOf(thrown) !== 422 || !/already exists/i.test(messageOf(thrown))) throw thrown;
      const existing = await this.getTag(name);
      if (!existing) throw thrown;
      return existing;
    }
  }

  async moveTag(name: string, commit: string, message: string, tagger: Identity) {
    const existing = await this.getTag(name);
    if (existing?.commit === commit) return;
    if (!existing) {
      await this.createAnnotatedTag(name, commit, message, tagger);
      return;
    }
    const sha = await this.tagObject(name, commit, message, tagger);
    await this.client.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
      ...this.where,
      ref: `tags/${name}`,
      sha,
      force: true,
    });
  }

  async deleteTag(name: string): Promise<void> {
    await this.client.request("DELETE /repos/{owner}/{repo}/git/refs/{ref}", {
      ...this.where,
      ref: `tags/${name}`,
    });
  }

  async releases(tags: readonly string[]): Promise<Map<string, RemoteRelease>> {
    const wanted = new Set(tags);
    const found = new Map<string, RemoteRelease>();
    // Newest first: a train's releases are on the first page or two, so the walk stops early.
    await this.client.paginate(
      "GET /repos/{owner}/{repo}/releases",
      { ...this.where, per_page: 100 },
      (response, done) => {
        for (const release of response.data) {
          if (wanted.has(release.tag_name) && !found.has(release.tag_name)) {
            found.set(release.tag_name, toRelease(release));
          }
        }
        if (found.size === wanted.size) done();
        return [];
      },
    );
    return found;
  }

  async getRelease(id: number): Promise<RemoteRelease> {
    const { data } = await this.client.request("GET /repos/{owner}/{repo}/releases/{release_id}", {
      ...this.where,
      release_id: id,
    });
    return toRelease(data);
  }

  /**
   * GitHub keeps any number of drafts of one tag, so a create whose answer was lost (a 5xx after
   * the draft was made) must not be retried blindly: that leaves a second draft behind. After a
   * failure the draft is looked for first, and only a create that made none is tried again.
   */
  async createDraftRelease(release: NewRelease): Promise<RemoteRelease> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { data } = await this.client.request("POST /repos/{owner}/{repo}/releases", {
          ...this.where,
          tag_name: release.tag,
          target_commitish: release.targetSha,
          name: release.name,
          body: release.body,
          draft: true,
          prerelease: release.prerelease,
          request: { retries: 0 },
        });
        return toRelease(data);
      } catch (thrown) {
        const status = statusOf(thrown);
        if (attempt >= CREATE_ATTEMPTS || status === undefined || status < 500) {
          refusedRelease(thrown, release.tag);
        }
        const made = await this.draftOf(release);
        if (made) return made;
        await new Promise((resolve) => setTimeout(resolve, attempt * 1000));
      }
    }
  }

  /** The draft of this tag on this commit, if GitHub holds one. */
  private async draftOf(release: NewRelease): Promise<RemoteRelease | undefined> {
    const drafts = await this.client.paginate("GET /repos/{owner}/{repo}/releases", {
      ...this.where,
      per_page: 100,
    });
    const draft = drafts.find(
      (item) =>
        item.draft && item.tag_name === release.tag && item.target_commitish === release.targetSha,
    );
    return draft ? toRelease(draft) : undefined;
  }

  async publishRelease(release: RemoteRelease, latest?: boolean): Promise<RemoteRelease> {
    const { data } = await this.client
      .request("PATCH /repos/{owner}/{repo}/releases/{release_id}", {
        ...this.where,
        release_id: release.id,
        draft: false,
        ...(latest === undefined ? {} : { make_latest: latest ? "true" : "false" }),
      })
      .catch((thrown: unknown) => refusedRelease(thrown, release.tag));
    return toRelease(data);
  }

  async uploadAsset(release: RemoteRelease, name: string, data: Buffer): Promise<ReleaseAsset> {
    const { data: asset } = await this.client
      .request({
        method: "POST",
        // GitHub renames special characters in `name`; the label keeps the file's own name.
        url: `${release.uploadUrl}?name=${encodeURIComponent(name)}&label=${encodeURIComponent(name)}`,
        data,
        headers: { "content-type": "application/octet-stream" },
      })
      .catch(async (thrown: unknown) => {
        // A retry of an upload whose answer was lost (a 5xx after GitHub stored it) is refused as
        // a duplicate name: the asset of this name and size, fully uploaded, is this upload.
        if (statusOf(thrown) !== 422 || !/already_exists/.test(String(thrown))) throw thrown;
        const { assets } = await this.getRelease(release.id);
        const stored = assets.find(
          (item) =>
            (item.label === name || item.name === name) &&
            item.size === data.length &&
            item.state !== "starter",
        );
        if (!stored) throw thrown;
        return { data: stored };
      });
    const uploaded = asset as ReleaseAsset;
    return { id: uploaded.id, name: uploaded.name, label: uploaded.label, size: uploaded.size };
  }

  async deleteAsset(asset: ReleaseAsset): Promise<void> {
    await this.client.request("DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}", {
      ...this.where,
      asset_id: asset.id,
    });
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

  async findPullRequest(head: string): Promise<PullRequest | undefined> {
    const { data } = await this.client.request("GET /repos/{owner}/{repo}/pulls", {
      ...this.where,
      head: `${this.owner}:${head}`,
      state: "all",
      per_page: 10,
    });
    const [pull] = data;
    if (!pull) return undefined;
    // The list leaves `merged` out; `merged_at` says it.
    return {
      number: pull.number,
      url: pull.html_url,
      state: pull.state === "open" ? "open" : "closed",
      merged: Boolean(pull.merged_at),
      mergeCommitSha: pull.merge_commit_sha ?? undefined,
      headSha: pull.head.sha,
    };
  }

  async openPullRequest(options: {
    head: string;
    base: string;
    title: string;
    body: string;
  }): Promise<PullRequest> {
    const opened = await this.client
      .request("POST /repos/{owner}/{repo}/pulls", { ...this.where, ...options })
      .catch(async (thrown: unknown) => {
        // A retry of a create whose answer was lost (a 5xx after GitHub opened it) is refused as
        // a duplicate: the pull request this run opened is the open one from its branch.
        // GitHub says so in the errors, which the client's message carries.
        if (statusOf(thrown) !== 422 || !/already exists/i.test(String(thrown))) throw thrown;
        const pull = await this.findPullRequest(options.head);
        if (pull?.state !== "open") throw thrown;
        return pull;
      });
    if (!("data" in opened)) return opened;
    const { data } = opened;
    return {
      number: data.number,
      url: data.html_url,
      state: "open" as const,
      merged: false,
      mergeCommitSha: undefined,
      headSha: data.head.sha,
    };
  }

  async closePullRequest(pull: PullRequest, comment: string): Promise<void> {
    await this.client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...this.where,
      issue_number: pull.number,
      body: comment,
    });
    await this.client.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      ...this.where,
      pull_number: pull.number,
      state: "closed",
    });
  }

  async dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>) {
    await this.client.request(
      "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
      { ...this.where, workflow_id: workflow, ref, inputs },
    );
  }

  async branchContains(branch: string, sha: string): Promise<boolean> {
    try {
      const { data } = await this.client.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
        ...this.where,
        basehead: `${sha}...${branch}`,
        per_page: 1,
      });
      return data.status === "ahead" || data.status === "identical";
    } catch (thrown) {
      if (statusOf(thrown) === 404) return false;
      throw thrown;
    }
  }

  async runCreatedAt(runId: number): Promise<Date | undefined> {
    try {
      const { data } = await this.client.request(
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}",
        {
          ...this.where,
          run_id: runId,
        },
      );
      return new Date(data.created_at);
    } catch (thrown) {
      if (statusOf(thrown) === 404) return undefined;
      if (statusOf(thrown) === 403) {
        throw new ConfigurationError(
          `reading workflow run ${runId} was refused (HTTP 403): a re-run decides its slot from its first attempt, which needs 'actions: read' in the job's permissions`,
        );
      }
      throw thrown;
    }
  }
}

/**
 * GitHub answers 404 to a release whose commit adds or changes workflow files compared with the
 * default branch when the token may not change workflows: say so instead of "Not Found".
 */
function refusedRelease(thrown: unknown, tag: string): never {
  if (statusOf(thrown) !== 404) throw thrown;
  throw new ConfigurationError(
    `GitHub answered 404 to the release ${tag}: its commit adds or changes files under .github/workflows/ compared with the default branch, and the token may not change workflows (the workflow's GITHUB_TOKEN never may), or the token cannot see the repository, or the draft was deleted meanwhile. Give the train a GitHub App token with contents and workflows write (input 'token'); a later run finishes the train`,
  );
}

interface RestRelease {
  id: number;
  tag_name: string;
  draft: boolean;
  html_url: string;
  upload_url: string;
  immutable?: boolean;
  assets?: ReleaseAsset[];
}

function toRelease(data: RestRelease): RemoteRelease {
  return {
    id: data.id,
    tag: data.tag_name,
    draft: data.draft,
    url: data.html_url,
    immutable: data.immutable === true,
    uploadUrl: data.upload_url.replace(/\{[^}]*\}$/, ""),
    assets: (data.assets ?? []).map((asset) => ({
      id: asset.id,
      name: asset.name,
      label: asset.label,
      size: asset.size,
      state: asset.state,
    })),
  };
}
