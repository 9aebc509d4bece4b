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

/** A write that may have been done: the first try and three more after server errors that made nothing. */
const WRITE_ATTEMPTS = 4;
const messageOf = (thrown: unknown) => (thrown as RequestError).response?.data?.message ?? "";

/**
 * A create whose answer may be lost. The client never repeats a POST (a 5xx or a dropped
 * connection may come after GitHub did it), and a create tried again after it was done is refused
 * as a duplicate (422 "already exists") or, for a release, leaves a second draft. So after either
 * answer `made()` looks for what the write makes, and only a write that made nothing is tried
 * again; `made()` decides whether what it finds is this write's.
 */
async function createOnce<T>(write: () => Promise<T>, made: () => Promise<T | undefined>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (thrown) {
      const status = statusOf(thrown) ?? 0;
      const duplicate =
        status === 422 && /already[ _]exists/i.test(`${messageOf(thrown)} ${thrown}`);
      if (status < 500 && !duplicate) throw thrown;
      const found = await made();
      if (found !== undefined) return found;
      if (duplicate || attempt >= WRITE_ATTEMPTS) throw thrown;
      await new Promise((resolve) => setTimeout(resolve, attempt * 1000));
    }
  }
}

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
    // `create-ref` refuses a name that exists: that refusal is the lock, and the tag found then
    // (this run's own when only the answer was lost) goes to the caller to judge.
    return createOnce<"created" | RemoteTag>(
      async () => {
        await this.client.request("POST /repos/{owner}/{repo}/git/refs", {
          ...this.where,
          ref: `refs/tags/${name}`,
          sha,
        });
        return "created";
      },
      () => this.getTag(name),
    );
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
   * the draft was made) must not be tried again blindly: that leaves a second draft behind.
   */
  async createDraftRelease(release: NewRelease): Promise<RemoteRelease> {
    return createOnce(
      async () => {
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
      },
      () => this.draftOf(release),
    ).catch((thrown: unknown) => refusedRelease(thrown, release.tag));
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
    const uploaded = await createOnce(
      async () => {
        const { data: asset } = await this.client.request({
          method: "POST",
          // GitHub renames special characters in `name`; the label keeps the file's own name.
          url: `${release.uploadUrl}?name=${encodeURIComponent(name)}&label=${encodeURIComponent(name)}`,
          data,
          headers: { "content-type": "application/octet-stream" },
        });
        return asset as ReleaseAsset;
      },
      // The asset of this name and size, fully uploaded, is this upload.
      async () =>
        (await this.getRelease(release.id)).assets.find(
          (item) =>
            (item.label === name || item.name === name) &&
            item.size === data.length &&
            item.state === "uploaded",
        ),
    );
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
    return createOnce<PullRequest>(
      async () => {
        const { data } = await this.client.request("POST /repos/{owner}/{repo}/pulls", {
          ...this.where,
          ...options,
        });
        return {
          number: data.number,
          url: data.html_url,
          state: "open",
          merged: false,
          mergeCommitSha: undefined,
          headSha: data.head.sha,
        };
      },
      // The pull request this run opened is the open one from its branch.
      async () => {
        const pull = await this.findPullRequest(options.head);
        return pull?.state === "open" ? pull : undefined;
      },
    );
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
