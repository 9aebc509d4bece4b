import { execFileSync } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serveGit } from "./git-http.ts";
import { requestProblems } from "./openapi.ts";

/**
 * The review's own small GitHub, written from GitHub's REST documentation and OpenAPI description
 * for the endpoints the train uses, independent of the suite's simulator. Its git database is a
 * real bare repository on disk (tags and refs made through the API are git's own, created with
 * git's compare-and-swap), served over smart HTTP as well; releases, assets, pull requests, runs
 * and checks live in memory. Documented behaviour it keeps:
 * - `POST /git/refs` refuses an existing name (422 "Reference already exists");
 * - drafts have no tag until published, and list only for writers; publishing a release whose tag
 *   is missing makes the tag at `target_commitish`; a newly published release becomes the
 *   repository's latest unless `make_latest` says "false" (pre-releases never);
 * - immutable releases: once published, no asset may be added or deleted and its tag cannot move;
 * - an upload that fails upstream answers 502 and may leave an empty asset in state `starter`;
 *   an asset name already taken is 422; special characters in names are renamed;
 * - creating or editing a release whose target commit changes `.github/workflows/` relative to
 *   the default branch is 404 for a token that may not change workflows (the GITHUB_TOKEN);
 * - `GET /actions/runs/{id}`: `created_at` is the run's, `run_started_at` the latest attempt's.
 * Faults can be injected at any operation: before it happens, or after it happened (the answer
 * is lost, as when GitHub times out on a write that went through).
 */

export interface Fault {
  operation: string;
  status: number;
  /** The write happens, then the error is answered. */
  after?: boolean;
  times: number;
  /** Only requests whose body or query holds this text. */
  matching?: string;
}

export interface Asset {
  id: number;
  name: string;
  size: number;
  state: "uploaded" | "starter";
  label?: string | null;
  data: Buffer;
}

export interface Release {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string;
  body: string;
  draft: boolean;
  prerelease: boolean;
  immutable: boolean;
  created: number;
  assets: Asset[];
}

export interface Pull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
  headSha: string;
  mergedAt: string | undefined;
  mergeCommitSha: string | undefined;
  comments: string[];
}

export interface LoggedRequest {
  method: string;
  operation: string;
  path: string;
  status: number;
  body: unknown;
}

interface Matched {
  operation: string;
  template: string;
  params: Record<string, string>;
}

const ROUTES: Array<[string, string, string]> = [
  ["GET", "/repos/{owner}/{repo}/git/matching-refs/{ref}", "git/list-matching-refs"],
  ["GET", "/repos/{owner}/{repo}/git/ref/{ref}", "git/get-ref"],
  ["GET", "/repos/{owner}/{repo}/git/tags/{tag_sha}", "git/get-tag"],
  ["POST", "/repos/{owner}/{repo}/git/tags", "git/create-tag"],
  ["POST", "/repos/{owner}/{repo}/git/refs", "git/create-ref"],
  ["PATCH", "/repos/{owner}/{repo}/git/refs/{ref}", "git/update-ref"],
  ["DELETE", "/repos/{owner}/{repo}/git/refs/{ref}", "git/delete-ref"],
  ["GET", "/repos/{owner}/{repo}/releases/latest", "repos/get-latest-release"],
  ["GET", "/repos/{owner}/{repo}/releases", "repos/list-releases"],
  ["POST", "/repos/{owner}/{repo}/releases", "repos/create-release"],
  ["POST", "/repos/{owner}/{repo}/releases/generate-notes", "repos/generate-release-notes"],
  ["DELETE", "/repos/{owner}/{repo}/releases/assets/{asset_id}", "repos/delete-release-asset"],
  ["GET", "/repos/{owner}/{repo}/releases/{release_id}", "repos/get-release"],
  ["PATCH", "/repos/{owner}/{repo}/releases/{release_id}", "repos/update-release"],
  ["POST", "/repos/{owner}/{repo}/releases/{release_id}/assets", "repos/upload-release-asset"],
  ["GET", "/repos/{owner}/{repo}/pulls", "pulls/list"],
  ["POST", "/repos/{owner}/{repo}/pulls", "pulls/create"],
  ["PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}", "pulls/update"],
  ["POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "issues/create-comment"],
  [
    "POST",
    "/repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
    "actions/create-workflow-dispatch",
  ],
  ["GET", "/repos/{owner}/{repo}/compare/{basehead}", "repos/compare-commits-with-basehead"],
  ["GET", "/repos/{owner}/{repo}/actions/runs/{run_id}", "actions/get-workflow-run"],
  ["GET", "/repos/{owner}/{repo}/actions/runs", "actions/list-workflow-runs-for-repo"],
  ["GET", "/repos/{owner}/{repo}/commits/{ref}/status", "repos/get-combined-status-for-ref"],
  ["GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs", "checks/list-for-ref"],
];

const WRITE = new Set(["POST", "PATCH", "PUT", "DELETE"]);

class Refusal extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.body = { message, ...extra, documentation_url: "https://docs.github.com/rest" };
  }
}

export interface DoubleOptions {
  bare: string;
  owner: string;
  repo: string;
  /** Immutable releases are on for the repository. */
  immutable?: boolean;
}

export class GitHubDouble {
  url = "";
  readonly owner: string;
  readonly repo: string;
  readonly bare: string;
  immutable: boolean;
  /** The workflow's GITHUB_TOKEN: may write contents, never workflow files. */
  readonly githubToken = "ghs_workflow_token_0123456789";
  /** A GitHub App token with contents and workflows write. */
  readonly appToken = "ghs_app_token_with_workflows_9876";
  readonly requests: LoggedRequest[] = [];
  readonly problems: string[] = [];
  readonly faults: Fault[] = [];
  readonly releases: Release[] = [];
  readonly pulls: Pull[] = [];
  readonly dispatches: Array<{ workflow: string; ref: string; inputs: unknown }> = [];
  readonly runs = new Map<number, { createdAt: string; attempt: number; startedAt: string }>();
  readonly checkRuns = new Map<string, Array<{ name: string; conclusion: string | null }>>();
  readonly authorizations: Array<{ path: string; authorization: string[] }> = [];
  latestId: number | undefined;
  private readonly barriers: Array<{
    matching: string;
    waiting: Array<() => void>;
    parties: number;
  }> = [];
  private nextId = 1000;
  private readonly server = createServer((request, response) => {
    this.handle(request, response).catch((thrown: unknown) => {
      response.writeHead(500);
      response.end(String(thrown));
    });
  });

  constructor(options: DoubleOptions) {
    this.bare = options.bare;
    this.owner = options.owner;
    this.repo = options.repo;
    this.immutable = options.immutable ?? false;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The clone URL origin has on a runner, served by git http-backend. */
  get cloneUrl(): string {
    return `${this.url}/${this.owner}/${this.repo}.git`;
  }

  git(args: readonly string[], input?: string): string {
    return execFileSync("git", args, {
      cwd: this.bare,
      encoding: "utf8",
      input,
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_GLOBAL: "/dev/null",
        // GitHub's own commits (a merge button) are made by GitHub.
        GIT_AUTHOR_NAME: "GitHub",
        GIT_AUTHOR_EMAIL: "noreply@github.com",
        GIT_COMMITTER_NAME: "GitHub",
        GIT_COMMITTER_EMAIL: "noreply@github.com",
      },
    }).trim();
  }

  tryGit(args: readonly string[], input?: string): string | undefined {
    try {
      return this.git(args, input);
    } catch {
      return undefined;
    }
  }

  /** The commit a ref names (through an annotated tag), undefined when missing. */
  commitOf(ref: string): string | undefined {
    return this.tryGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  }

  inject(fault: Omit<Fault, "times"> & { times?: number }): Fault {
    const added = { times: 1, ...fault };
    this.faults.push(added);
    return added;
  }

  /**
   * Holds requests whose body holds `matching` until `parties` of them have arrived (or 30 s have
   * passed), so racing runs reach that step together.
   */
  barrier(matching: string, parties: number): void {
    this.barriers.push({ matching, waiting: [], parties });
  }

  private async meet(text: string): Promise<void> {
    const barrier = this.barriers.find((item) => text.includes(item.matching));
    if (!barrier) return;
    await new Promise<void>((resolve) => {
      barrier.waiting.push(resolve);
      if (barrier.waiting.length >= barrier.parties)
        for (const release of barrier.waiting) release();
      setTimeout(resolve, 30_000).unref();
    });
  }

  count(operation: string, status?: (code: number) => boolean): number {
    return this.requests.filter(
      (request) => request.operation === operation && (!status || status(request.status)),
    ).length;
  }

  /** Writes GitHub carried out (2xx), in order. */
  writes(): LoggedRequest[] {
    return this.requests.filter((request) => WRITE.has(request.method) && request.status < 300);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const gitPrefix = `/${this.owner}/${this.repo}.git`;
    if (url.pathname.startsWith(gitPrefix)) {
      serveGit(
        {
          bare: this.bare,
          writers: () => new Set([this.githubToken, this.appToken]),
          seen: this.authorizations,
        },
        request,
        response,
        url,
        url.pathname.slice(gitPrefix.length),
      );
      return;
    }
    const raw = await readBody(request);
    const path = url.pathname.replace(/^\/uploads/, "");
    const matched = this.match(request.method ?? "GET", path);
    const method = request.method ?? "GET";
    const json =
      raw.length > 0 && request.headers["content-type"]?.includes("json")
        ? (JSON.parse(raw.toString()) as Record<string, unknown>)
        : undefined;
    const log: LoggedRequest = {
      method,
      operation: matched?.operation ?? "unknown",
      path: url.pathname + url.search,
      status: 0,
      body: json,
    };
    this.requests.push(log);
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      log.status = status;
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(body === undefined ? "" : JSON.stringify(body));
    };
    if (!matched) {
      this.problems.push(`${method} ${url.pathname}: no such route in the double`);
      answer(404, { message: "Not Found" });
      return;
    }
    const problems = requestProblems(method, matched.template, url.searchParams, json);
    if (problems.length > 0) {
      this.problems.push(`${method} ${url.pathname}: ${problems.join("; ")}`);
      answer(422, { message: "Validation Failed", errors: problems });
      return;
    }
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (token !== this.githubToken && token !== this.appToken) {
      answer(401, { message: "Bad credentials" });
      return;
    }
    const text = `${raw.toString()}${url.search}`;
    await this.meet(text);
    const fault = this.faults.find(
      (item) =>
        item.times > 0 &&
        item.operation === matched.operation &&
        (!item.matching || text.includes(item.matching)),
    );
    if (fault && !fault.after) {
      fault.times -= 1;
      answer(fault.status, { message: "Server Error (injected before the write)" });
      return;
    }
    try {
      const context = { params: matched.params, query: url.searchParams, json, raw, token };
      const [status, body, headers] = this.route(matched.operation, context);
      if (fault?.after) {
        fault.times -= 1;
        answer(fault.status, { message: "Server Error (injected after the write)" });
        return;
      }
      answer(status, body, headers);
    } catch (thrown) {
      if (!(thrown instanceof Refusal)) throw thrown;
      answer(thrown.status, thrown.body);
    }
  }

  private match(method: string, path: string): Matched | undefined {
    for (const [routeMethod, template, operation] of ROUTES) {
      if (routeMethod !== method) continue;
      const names: string[] = [];
      const pattern = template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
        names.push(name);
        return name === "ref" || name === "basehead" ? "(.+)" : "([^/]+)";
      });
      const found = new RegExp(`^${pattern}$`).exec(path);
      if (!found) continue;
      const params = Object.fromEntries(
        names.map((name, index) => [name, decodeURIComponent(found[index + 1] as string)]),
      );
      if (params.owner !== this.owner || params.repo !== this.repo) continue;
      return { operation, template, params };
    }
    return undefined;
  }

  private route(
    operation: string,
    context: RouteContext,
  ): [number, unknown, Record<string, string>?] {
    const handler = HANDLERS[operation];
    if (!handler) throw new Refusal(404, "Not Found");
    return handler(this, context);
  }

  // Git database -----------------------------------------------------------------------------

  refJson(ref: string): unknown {
    const object = this.git(["rev-parse", ref]);
    const type = this.git(["cat-file", "-t", object]);
    return {
      ref,
      node_id: `REF_${object}`,
      url: `${this.url}/repos/${this.owner}/${this.repo}/git/${ref}`,
      object: {
        type,
        sha: object,
        url: `${this.url}/repos/${this.owner}/${this.repo}/git/${type}s/${object}`,
      },
    };
  }

  allRefs(): string[] {
    return this.git(["for-each-ref", "--format=%(refname)"]).split("\n").filter(Boolean);
  }

  /** The release whose published tag is protected by immutability, if any. */
  immutableTag(ref: string): Release | undefined {
    return this.releases.find(
      (release) => release.immutable && `refs/tags/${release.tag_name}` === ref,
    );
  }

  /** GitHub refuses releases on a commit that changes workflow files unless the token may. */
  checkWorkflowChange(token: string, release: Release): void {
    if (token !== this.githubToken) return;
    const target =
      this.commitOf(`refs/tags/${release.tag_name}`) ?? this.commitOf(release.target_commitish);
    if (!target) return;
    const changed = this.git([
      "diff",
      "--name-only",
      "--diff-filter=AM",
      "refs/heads/main",
      target,
      "--",
      ".github/workflows/",
    ]);
    if (changed) throw new Refusal(404, "Not Found");
  }

  releaseJson(release: Release): unknown {
    const base = `${this.url}/repos/${this.owner}/${this.repo}`;
    return {
      url: `${base}/releases/${release.id}`,
      html_url: release.draft
        ? `https://github.com/${this.owner}/${this.repo}/releases/tag/untagged-${release.id}`
        : `https://github.com/${this.owner}/${this.repo}/releases/tag/${release.tag_name}`,
      assets_url: `${base}/releases/${release.id}/assets`,
      upload_url: `${this.url}/uploads/repos/${this.owner}/${this.repo}/releases/${release.id}/assets{?name,label}`,
      tarball_url: null,
      zipball_url: null,
      id: release.id,
      node_id: `RE_${release.id}`,
      tag_name: release.tag_name,
      target_commitish: release.target_commitish,
      name: release.name,
      body: release.body,
      draft: release.draft,
      prerelease: release.prerelease,
      immutable: release.immutable,
      created_at: new Date(release.created).toISOString(),
      published_at: release.draft ? null : new Date(release.created).toISOString(),
      author: USER,
      assets: release.assets.map((asset) => this.assetJson(asset)),
    };
  }

  assetJson(asset: Asset): unknown {
    return {
      url: `${this.url}/repos/${this.owner}/${this.repo}/releases/assets/${asset.id}`,
      browser_download_url: `https://github.com/${this.owner}/${this.repo}/releases/download/${asset.name}`,
      id: asset.id,
      node_id: `RA_${asset.id}`,
      name: asset.name,
      label: asset.label ?? null,
      state: asset.state,
      content_type: "application/octet-stream",
      size: asset.size,
      digest: null,
      download_count: 0,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      uploader: USER,
    };
  }

  /** GitHub marks an open pull request merged once its head is on its base (a push). */
  syncPulls(): void {
    for (const pull of this.pulls) {
      const head = this.commitOf(`refs/heads/${pull.head}`);
      if (pull.state === "open" && head) pull.headSha = head;
      const base = this.commitOf(`refs/heads/${pull.base}`);
      if (
        pull.state === "open" &&
        base &&
        this.tryGit(["merge-base", "--is-ancestor", pull.headSha, base]) !== undefined
      ) {
        Object.assign(pull, {
          state: "closed",
          mergedAt: new Date().toISOString(),
          mergeCommitSha: base,
        });
      }
    }
  }

  id(): number {
    this.nextId += 1;
    return this.nextId;
  }
}

const USER = {
  login: "github-actions[bot]",
  id: 41898282,
  node_id: "MDM6Qm90NDE4OTgyODI=",
  type: "Bot",
};

interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  json: Record<string, unknown> | undefined;
  raw: Buffer;
  token: string;
}

type Handler = (
  double: GitHubDouble,
  context: RouteContext,
) => [number, unknown, Record<string, string>?];

const HANDLERS: Record<string, Handler> = {
  "git/list-matching-refs": (d, { params }) => {
    const prefix = `refs/${params.ref}`;
    return [
      200,
      d
        .allRefs()
        .filter((ref) => ref.startsWith(prefix))
        .map((ref) => d.refJson(ref)),
    ];
  },
  "git/get-ref": (d, { params }) => {
    const ref = `refs/${params.ref}`;
    if (!d.allRefs().includes(ref)) throw new Refusal(404, "Not Found");
    return [200, d.refJson(ref)];
  },
  "git/get-tag": (d, { params }) => {
    const text = d.tryGit(["cat-file", "tag", params.tag_sha as string]);
    if (text === undefined) throw new Refusal(404, "Not Found");
    const [head = "", ...message] = text.split("\n\n");
    const field = (name: string) => new RegExp(`^${name} (.*)$`, "m").exec(head)?.[1] ?? "";
    const tagger = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(field("tagger"));
    return [
      200,
      {
        node_id: `TAG_${params.tag_sha}`,
        sha: params.tag_sha,
        url: `${d.url}/repos/${d.owner}/${d.repo}/git/tags/${params.tag_sha}`,
        tag: field("tag"),
        message: message.join("\n\n"),
        tagger: {
          name: tagger?.[1] ?? "",
          email: tagger?.[2] ?? "",
          date: new Date(Number(tagger?.[3] ?? 0) * 1000).toISOString(),
        },
        object: { sha: field("object"), type: field("type"), url: "" },
        verification: {
          verified: false,
          reason: "unsigned",
          signature: null,
          payload: null,
          verified_at: null,
        },
      },
    ];
  },
  "git/create-tag": (d, { json }) => {
    const body = json as {
      tag: string;
      message: string;
      object: string;
      type: string;
      tagger?: { name: string; email: string; date?: string };
    };
    if (!d.tryGit(["cat-file", "-t", body.object])) throw new Refusal(422, "Object does not exist");
    const tagger = body.tagger ?? { name: "github-actions[bot]", email: "bot@example.com" };
    const when = Math.floor(Date.parse(tagger.date ?? new Date().toISOString()) / 1000);
    const text = `object ${body.object}\ntype ${body.type}\ntag ${body.tag}\ntagger ${tagger.name} <${tagger.email}> ${when} +0000\n\n${body.message}${body.message.endsWith("\n") ? "" : "\n"}`;
    const sha = d.git(["hash-object", "-t", "tag", "-w", "--stdin"], text);
    return [
      201,
      { sha, tag: body.tag, message: body.message, object: { sha: body.object, type: body.type } },
    ];
  },
  "git/create-ref": (d, { json }) => {
    const body = json as { ref: string; sha: string };
    if (!/^refs\/.+\/.+/.test(body.ref)) throw new Refusal(422, "Reference name is invalid");
    if (!d.tryGit(["cat-file", "-t", body.sha])) throw new Refusal(422, "Object does not exist");
    // git's own compare-and-swap: only when the ref does not exist yet.
    if (d.tryGit(["update-ref", body.ref, body.sha, ""]) === undefined) {
      throw new Refusal(422, "Reference already exists");
    }
    return [201, d.refJson(body.ref)];
  },
  "git/update-ref": (d, { params, json }) => {
    const ref = `refs/${params.ref}`;
    const body = json as { sha: string; force?: boolean };
    if (!d.allRefs().includes(ref)) throw new Refusal(422, "Reference does not exist");
    if (d.immutableTag(ref)) throw new Refusal(422, "Cannot update a tag of an immutable release");
    if (!body.force) {
      const now = d.commitOf(ref);
      if (now && d.tryGit(["merge-base", "--is-ancestor", now, body.sha]) === undefined) {
        throw new Refusal(422, "Update is not a fast forward");
      }
    }
    d.git(["update-ref", ref, body.sha]);
    return [200, d.refJson(ref)];
  },
  "git/delete-ref": (d, { params }) => {
    const ref = `refs/${params.ref}`;
    if (!d.allRefs().includes(ref)) throw new Refusal(422, "Reference does not exist");
    if (d.immutableTag(ref)) throw new Refusal(422, "Cannot delete a tag of an immutable release");
    d.git(["update-ref", "-d", ref]);
    return [204, undefined];
  },
  "repos/get-latest-release": (d) => {
    const latest = d.releases.find((release) => release.id === d.latestId);
    if (!latest) throw new Refusal(404, "Not Found");
    return [200, d.releaseJson(latest)];
  },
  "repos/list-releases": (d, { query }) => {
    const perPage = Number(query.get("per_page") ?? 30);
    const page = Number(query.get("page") ?? 1);
    const newest = [...d.releases].sort((a, b) => b.created - a.created || b.id - a.id);
    const slice = newest.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < newest.length) {
      headers.link = `<${d.url}/repos/${d.owner}/${d.repo}/releases?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    }
    return [200, slice.map((release) => d.releaseJson(release)), headers];
  },
  "repos/get-release": (d, { params }) => {
    const release = d.releases.find((item) => item.id === Number(params.release_id));
    if (!release) throw new Refusal(404, "Not Found");
    return [200, d.releaseJson(release)];
  },
  "repos/create-release": (d, { json, token }) => {
    const body = json as {
      tag_name: string;
      target_commitish?: string;
      name?: string;
      body?: string;
      draft?: boolean;
      prerelease?: boolean;
      make_latest?: string;
    };
    const release: Release = {
      id: d.id(),
      tag_name: body.tag_name,
      target_commitish: body.target_commitish ?? "main",
      name: body.name ?? body.tag_name,
      body: body.body ?? "",
      draft: body.draft ?? false,
      prerelease: body.prerelease ?? false,
      immutable: false,
      created: Date.now(),
      assets: [],
    };
    d.checkWorkflowChange(token, release);
    if (!release.draft) publish(d, release, body.make_latest);
    d.releases.push(release);
    return [201, d.releaseJson(release)];
  },
  "repos/update-release": (d, { params, json, token }) => {
    const release = d.releases.find((item) => item.id === Number(params.release_id));
    if (!release) throw new Refusal(404, "Not Found");
    const body = json as { draft?: boolean; make_latest?: string; name?: string; body?: string };
    d.checkWorkflowChange(token, release);
    if (release.immutable && body.draft === true) {
      throw new Refusal(422, "Cannot unpublish an immutable release");
    }
    if (body.name !== undefined) release.name = body.name;
    if (body.body !== undefined) release.body = body.body;
    if (body.draft === false && release.draft) publish(d, release, body.make_latest);
    return [200, d.releaseJson(release)];
  },
  "repos/upload-release-asset": (d, { params, query, raw }) => {
    const release = d.releases.find((item) => item.id === Number(params.release_id));
    if (!release) throw new Refusal(404, "Not Found");
    if (release.immutable) throw new Refusal(422, "Cannot upload assets to an immutable release");
    const name = githubAssetName(query.get("name") ?? "");
    if (release.assets.some((asset) => asset.name === name)) {
      throw new Refusal(422, "Validation Failed", {
        errors: [{ resource: "ReleaseAsset", code: "already_exists", field: "name" }],
      });
    }
    const fault = d.faults.find(
      (item) =>
        item.operation === "upload-starter" && item.times > 0 && name.includes(item.matching ?? ""),
    );
    if (fault) {
      fault.times -= 1;
      // An upstream failure: 502, and an empty asset left in state `starter`.
      release.assets.push({ id: d.id(), name, size: 0, state: "starter", data: Buffer.alloc(0) });
      throw new Refusal(502, "Bad Gateway");
    }
    const asset: Asset = {
      id: d.id(),
      name,
      label: query.get("label"),
      size: raw.length,
      state: "uploaded",
      data: raw,
    };
    release.assets.push(asset);
    return [201, d.assetJson(asset)];
  },
  "repos/delete-release-asset": (d, { params }) => {
    const release = d.releases.find((item) =>
      item.assets.some((asset) => asset.id === Number(params.asset_id)),
    );
    if (!release) throw new Refusal(404, "Not Found");
    if (release.immutable) throw new Refusal(422, "Cannot delete assets of an immutable release");
    release.assets = release.assets.filter((asset) => asset.id !== Number(params.asset_id));
    return [204, undefined];
  },
  "repos/generate-release-notes": (_d, { json }) => {
    const body = json as { tag_name: string; previous_tag_name?: string };
    return [
      200,
      {
        name: body.tag_name,
        body: `## What's Changed (generated since ${body.previous_tag_name ?? "the beginning"})\n`,
      },
    ];
  },
  "pulls/list": (d, { query }) => {
    d.syncPulls();
    const head = query.get("head");
    const state = query.get("state") ?? "open";
    const found = d.pulls
      .filter((pull) => !head || `${d.owner}:${pull.head}` === head)
      .filter((pull) => state === "all" || pull.state === state)
      .sort((a, b) => b.number - a.number);
    return [200, found.map((pull) => pullJson(d, pull))];
  },
  "pulls/create": (d, { json }) => {
    d.syncPulls();
    const body = json as { head: string; base: string; title: string; body?: string };
    const headSha = d.commitOf(`refs/heads/${body.head}`);
    if (!headSha)
      throw new Refusal(422, "Validation Failed", { errors: [{ field: "head", code: "invalid" }] });
    if (
      d.pulls.some(
        (pull) => pull.state === "open" && pull.head === body.head && pull.base === body.base,
      )
    ) {
      throw new Refusal(422, "Validation Failed", {
        errors: [
          {
            resource: "PullRequest",
            code: "custom",
            message: `A pull request already exists for ${d.owner}:${body.head}.`,
          },
        ],
      });
    }
    const pull: Pull = {
      number: d.pulls.length + 1,
      head: body.head,
      base: body.base,
      title: body.title,
      body: body.body ?? "",
      state: "open",
      headSha,
      mergedAt: undefined,
      mergeCommitSha: undefined,
      comments: [],
    };
    d.pulls.push(pull);
    return [201, pullJson(d, pull)];
  },
  "pulls/update": (d, { params, json }) => {
    const pull = d.pulls.find((item) => item.number === Number(params.pull_number));
    if (!pull) throw new Refusal(404, "Not Found");
    if ((json as { state?: string }).state === "closed" && !pull.mergedAt) pull.state = "closed";
    return [200, pullJson(d, pull)];
  },
  "issues/create-comment": (d, { params, json }) => {
    const pull = d.pulls.find((item) => item.number === Number(params.issue_number));
    if (!pull) throw new Refusal(404, "Not Found");
    pull.comments.push(String((json as { body: string }).body));
    return [201, { id: d.id(), body: (json as { body: string }).body }];
  },
  "actions/create-workflow-dispatch": (d, { params, json }) => {
    const body = json as { ref: string; inputs?: unknown };
    d.dispatches.push({
      workflow: params.workflow_id as string,
      ref: body.ref,
      inputs: body.inputs,
    });
    return [204, undefined];
  },
  "repos/compare-commits-with-basehead": (d, { params }) => {
    const [base = "", head = ""] = (params.basehead as string).split("...");
    const baseSha = d.commitOf(base) ?? d.commitOf(`refs/heads/${base}`);
    const headSha = d.commitOf(`refs/heads/${head}`) ?? d.commitOf(head);
    if (!baseSha || !headSha) throw new Refusal(404, "Not Found");
    const ahead = Number(d.git(["rev-list", "--count", `${baseSha}..${headSha}`]));
    const behind = Number(d.git(["rev-list", "--count", `${headSha}..${baseSha}`]));
    const status =
      ahead === 0 && behind === 0
        ? "identical"
        : behind === 0
          ? "ahead"
          : ahead === 0
            ? "behind"
            : "diverged";
    return [
      200,
      { status, ahead_by: ahead, behind_by: behind, total_commits: ahead, commits: [], files: [] },
    ];
  },
  "actions/get-workflow-run": (d, { params }) => {
    const run = d.runs.get(Number(params.run_id));
    if (!run) throw new Refusal(404, "Not Found");
    return [
      200,
      {
        id: Number(params.run_id),
        run_attempt: run.attempt,
        created_at: run.createdAt,
        updated_at: run.startedAt,
        run_started_at: run.startedAt,
        status: "in_progress",
        conclusion: null,
        event: "schedule",
      },
    ];
  },
  "actions/list-workflow-runs-for-repo": () => [200, { total_count: 0, workflow_runs: [] }],
  "repos/get-combined-status-for-ref": (_d, { params }) => [
    200,
    { state: "pending", sha: params.ref, total_count: 0, statuses: [] },
  ],
  "checks/list-for-ref": (d, { params }) => {
    const runs = d.checkRuns.get(params.ref as string) ?? [];
    return [
      200,
      {
        total_count: runs.length,
        check_runs: runs.map((run, index) => ({
          id: index + 1,
          name: run.name,
          head_sha: params.ref,
          status: run.conclusion === null ? "in_progress" : "completed",
          conclusion: run.conclusion,
          started_at: new Date().toISOString(),
          completed_at: run.conclusion === null ? null : new Date().toISOString(),
          app: { id: 15368, slug: "github-actions" },
          check_suite: { id: 77 },
        })),
      },
    ];
  },
};

function publish(d: GitHubDouble, release: Release, makeLatest: string | undefined): void {
  if (
    d.releases.some(
      (other) => other !== release && !other.draft && other.tag_name === release.tag_name,
    )
  ) {
    throw new Refusal(422, "Validation Failed", {
      errors: [{ resource: "Release", code: "already_exists", field: "tag_name" }],
    });
  }
  const ref = `refs/tags/${release.tag_name}`;
  if (!d.commitOf(ref)) {
    const target =
      d.commitOf(release.target_commitish) ?? d.commitOf(`refs/heads/${release.target_commitish}`);
    if (!target)
      throw new Refusal(422, "Validation Failed", {
        errors: [{ field: "target_commitish", code: "invalid" }],
      });
    d.git(["update-ref", ref, target]);
  }
  release.draft = false;
  release.immutable = d.immutable;
  if (!release.prerelease && makeLatest !== "false") d.latestId = release.id;
}

function pullJson(d: GitHubDouble, pull: Pull): unknown {
  return {
    number: pull.number,
    html_url: `https://github.com/${d.owner}/${d.repo}/pull/${pull.number}`,
    state: pull.state,
    title: pull.title,
    body: pull.body,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
    head: { ref: pull.head, sha: pull.headSha, label: `${d.owner}:${pull.head}` },
    base: { ref: pull.base, label: `${d.owner}:${pull.base}` },
  };
}

/** GitHub renames special characters in asset names (documented; the exact rule is GitHub's). */
export function githubAssetName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, ".").replace(/^\.+|\.+$/g, "");
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
