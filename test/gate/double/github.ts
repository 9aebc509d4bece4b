import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { checkJson, combinedStatus, jobJson, pullJson, runJson } from "./shapes.ts";

// A small GitHub of its own for the gate's tests, written from GitHub's REST documentation and
// the OpenAPI description (@octokit/openapi), apart from test/harness/github-sim so that the two
// cannot share a misconception. It keeps what the gate reads about one repository (pull
// requests, workflow runs and their jobs, check runs, commit statuses, files) and answers as
// GitHub documents it: `pull_requests` of a workflow run lists the open pull requests whose head
// matches the run (none for a fork), weak ETags with free 304s, pages with `total_count`.

export const ACTIONS_APP = { id: 15368, slug: "github-actions" } as const;

export interface DoublePull {
  number: number;
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string };
  state: "open" | "closed";
  updatedAt: string;
  files: { filename: string; previous_filename?: string }[];
}

export interface DoubleRun {
  id: number;
  name: string;
  path: string;
  event: string;
  headSha: string;
  headBranch: string;
  /** The repository the run's head came from (a fork's full name for a fork pull request). */
  headRepo: string;
  status: string;
  conclusion: string | null;
  runNumber: number;
  attempt: number;
  suiteId: number;
  createdAt: string;
  runStartedAt: string;
}

export interface DoubleCheck {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  app: { id: number; slug: string };
  suiteId: number;
  /** The job behind it (its workflow run and attempt), when a workflow job made it. */
  job?: { runId: number; attempt: number; runnerName: string };
  output?: unknown;
}

export interface DoubleStatus {
  id: number;
  sha: string;
  context: string;
  state: "success" | "failure" | "error" | "pending";
  createdAt: string;
  updatedAt: string;
}

export interface DoubleRequest {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** An answer forced on a request (a fault): status, headers and body. */
export type Fault = { status: number; headers?: Record<string, string>; body?: unknown };

type Answer = [status: number, body: unknown, headers?: Record<string, string>];
type Handler = (
  params: (string | undefined)[],
  query: URLSearchParams,
  body: Record<string, unknown>,
) => Answer | undefined;

export class GitHubDouble {
  readonly repository: string;
  readonly token = "double-token";
  url = "";
  pulls: DoublePull[] = [];
  runs: DoubleRun[] = [];
  checks: DoubleCheck[] = [];
  statuses: DoubleStatus[] = [];
  requests: DoubleRequest[] = [];
  /** Called before each request is answered; may change the state or force an answer. */
  beforeAnswer: (method: string, path: string, query: URLSearchParams) => Fault | undefined = () =>
    undefined;
  private nextId = 5000;
  private clock = Date.parse("2026-03-02T10:00:00Z");
  private server: Server | undefined;

  constructor(repository = "wasmcloud/wasmcloud") {
    this.repository = repository;
  }

  /** A timestamp one second after the last one, so that order in time is order of creation. */
  tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  id(): number {
    return ++this.nextId;
  }

  addRun(run: {
    path: string;
    event: string;
    headSha: string;
    headBranch: string;
    headRepo?: string;
    name?: string;
    status?: string;
  }): DoubleRun {
    const created = this.tick();
    const number = this.runs.filter((other) => other.path === run.path).length + 1;
    const record: DoubleRun = {
      id: this.id(),
      name: run.name ?? run.path.replace(/^.*\//, "").replace(/\.ya?ml$/, ""),
      path: run.path,
      event: run.event,
      headSha: run.headSha,
      headBranch: run.headBranch,
      headRepo: run.headRepo ?? this.repository,
      status: run.status ?? "in_progress",
      conclusion: null,
      runNumber: number,
      attempt: 1,
      suiteId: this.id(),
      createdAt: created,
      runStartedAt: created,
    };
    this.runs.push(record);
    return record;
  }

  /** A job of a run's latest attempt: a check run in the run's suite, running or finished. */
  addJob(run: DoubleRun, name: string, conclusion: string | null = null): DoubleCheck {
    const check: DoubleCheck = {
      id: this.id(),
      name,
      headSha: run.headSha,
      status: conclusion === null ? "in_progress" : "completed",
      conclusion,
      startedAt: this.tick(),
      completedAt: conclusion === null ? null : this.tick(),
      app: { ...ACTIONS_APP },
      suiteId: run.suiteId,
      job: { runId: run.id, attempt: run.attempt, runnerName: `runner-${this.nextId}` },
    };
    this.checks.push(check);
    return check;
  }

  finish(check: DoubleCheck, conclusion: string): void {
    check.status = "completed";
    check.conclusion = conclusion;
    check.completedAt = this.tick();
  }

  /** Concludes a run from its latest attempt's jobs, as GitHub does once they are all done. */
  conclude(run: DoubleRun, conclusion?: string): void {
    // The latest attempt's jobs, and the earlier ones it did not re-run (GitHub carries them over).
    const all = this.checks
      .filter((check) => check.job?.runId === run.id)
      .sort((a, b) => b.id - a.id);
    const jobs = all.filter(
      (job, index) => all.findIndex((other) => other.name === job.name) === index,
    );
    const passing = ["success", "neutral", "skipped"];
    run.status = "completed";
    run.conclusion =
      conclusion ??
      (jobs.every((job) => passing.includes(job.conclusion ?? "")) ? "success" : "failure");
  }

  /** A check run a job posted through the API, or another app's. */
  addCheck(check: Partial<DoubleCheck> & { name: string; headSha: string }): DoubleCheck {
    const record: DoubleCheck = {
      id: this.id(),
      status: "completed",
      conclusion: "success",
      startedAt: this.tick(),
      completedAt: this.tick(),
      app: { ...ACTIONS_APP },
      suiteId: this.id(),
      ...check,
    };
    this.checks.push(record);
    return record;
  }

  addStatus(sha: string, context: string, state: DoubleStatus["state"]): DoubleStatus {
    const now = this.tick();
    const status = { id: this.id(), sha, context, state, createdAt: now, updatedAt: now };
    this.statuses.push(status);
    return status;
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.answer(request, response).catch((thrown: unknown) => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ message: String(thrown) }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const method = request.method ?? "GET";
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = text ? JSON.parse(text) : undefined;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method, path: url.pathname + url.search, status, body });
      const json = status === 304 ? "" : JSON.stringify(payload);
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(json);
    };
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return send(401, { message: "Bad credentials" });
    }
    const fault = this.beforeAnswer(method, url.pathname, url.searchParams);
    if (fault) return send(fault.status, fault.body ?? { message: "fault" }, fault.headers);
    const routed = this.route(method, url.pathname, url.searchParams, body);
    if (!routed) return send(404, { message: "Not Found" });
    const [status, payload, extra = {}] = routed;
    const headers: Record<string, string> = { "x-ratelimit-remaining": "4000", ...extra };
    if (method === "GET" && status === 200) {
      const etag = `W/"${createHash("sha1").update(JSON.stringify(payload)).digest("hex")}"`;
      headers.etag = etag;
      const asked = request.headers["if-none-match"];
      if (asked && asked.replace(/^W\//, "") === etag.replace(/^W\//, "")) {
        return send(304, undefined, headers);
      }
      const since = request.headers["if-modified-since"];
      const modified = extra["last-modified"];
      if (since && modified && Date.parse(modified) <= Date.parse(since)) {
        return send(304, undefined, headers);
      }
    }
    send(status, payload, headers);
  }

  private route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown> | undefined,
  ): Answer | undefined {
    const prefix = `/repos/${this.repository}`;
    if (!path.startsWith(prefix)) return undefined;
    const rest = path.slice(prefix.length);
    for (const [verb, pattern, handle] of this.routes()) {
      const match = verb === method ? pattern.exec(rest) : null;
      if (match) return handle(match.slice(1), query, body ?? {});
    }
    return undefined;
  }

  private routes(): [string, RegExp, Handler][] {
    return [
      ["GET", /^\/actions\/runs$/, (_, query) => this.listRuns(query)],
      ["GET", /^\/commits\/([^/]+)\/check-runs$/, ([sha], query) => this.listChecks(sha, query)],
      [
        "GET",
        /^\/commits\/([^/]+)\/status$/,
        ([sha], query) => [200, this.statusOf(sha as string, query)],
      ],
      ["GET", /^\/pulls\/(\d+)$/, ([number]) => this.getPull(Number(number))],
      [
        "GET",
        /^\/pulls\/(\d+)\/files$/,
        ([number], query) => this.pullFiles(Number(number), query),
      ],
      [
        "GET",
        /^\/actions\/runs\/(\d+)\/attempts\/(\d+)\/jobs$/,
        ([runId, attempt], query) => this.listJobs(Number(runId), Number(attempt), query),
      ],
      ["POST", /^\/check-runs$/, (_, __, body) => this.createCheck(body)],
      ["PATCH", /^\/check-runs\/(\d+)$/, ([id], __, body) => this.updateCheck(Number(id), body)],
    ];
  }

  private statusOf(sha: string, query: URLSearchParams): unknown {
    const combined = combinedStatus(sha, this.statuses);
    return { ...combined, statuses: slice(query, combined.statuses).items };
  }

  private listRuns(query: URLSearchParams): Answer {
    const runs = this.runs
      .filter((run) => run.headSha === query.get("head_sha"))
      .sort((a, b) => b.id - a.id);
    return [
      200,
      page(
        query,
        runs.map((run) => runJson(this, run)),
        "workflow_runs",
      ),
    ];
  }

  private listChecks(sha: string | undefined, query: URLSearchParams): Answer {
    const all = this.checks.filter((check) => check.headSha === sha).sort((a, b) => b.id - a.id);
    // `latest` (the default) keeps the newest check run of each name in each suite.
    const checks =
      query.get("filter") === "all"
        ? all
        : all.filter(
            (check, index) =>
              all.findIndex((o) => o.name === check.name && o.suiteId === check.suiteId) === index,
          );
    return [
      200,
      page(
        query,
        checks.map((check) => checkJson(this, check)),
        "check_runs",
      ),
    ];
  }

  private getPull(number: number): Answer | undefined {
    const pull = this.pulls.find((candidate) => candidate.number === number);
    if (!pull) return undefined;
    return [200, pullJson(this, pull), { "last-modified": new Date(pull.updatedAt).toUTCString() }];
  }

  private pullFiles(number: number, query: URLSearchParams): Answer | undefined {
    const pull = this.pulls.find((candidate) => candidate.number === number);
    if (!pull) return undefined;
    const entry = {
      sha: "0".repeat(40),
      status: "modified",
      additions: 1,
      deletions: 0,
      changes: 1,
    };
    const links = { blob_url: "", raw_url: "", contents_url: "" };
    return [200, slice(query, pull.files).items.map((file) => ({ ...entry, ...links, ...file }))];
  }

  private listJobs(runId: number, attempt: number, query: URLSearchParams): Answer {
    const jobs = this.checks.filter((c) => c.job?.runId === runId && c.job.attempt === attempt);
    return [
      200,
      page(
        query,
        jobs.map((check) => jobJson(this, check)),
        "jobs",
      ),
    ];
  }

  private createCheck(body: Record<string, unknown>): Answer {
    const check = this.addCheck({
      name: String(body.name),
      headSha: String(body.head_sha),
      status: String(body.status ?? "queued"),
      conclusion: (body.conclusion as string | undefined) ?? null,
      completedAt: body.conclusion ? this.tick() : null,
      output: body.output,
    });
    return [201, checkJson(this, check)];
  }

  private updateCheck(id: number, body: Record<string, unknown>): Answer | undefined {
    const check = this.checks.find((candidate) => candidate.id === id);
    if (!check) return undefined;
    if (body.status) check.status = String(body.status);
    if (body.conclusion) {
      check.status = "completed";
      check.conclusion = String(body.conclusion);
      check.completedAt = this.tick();
    }
    if (body.output) check.output = body.output;
    return [200, checkJson(this, check)];
  }
}

function slice<T>(query: URLSearchParams, items: readonly T[]) {
  const perPage = Math.min(100, Number(query.get("per_page") ?? 30));
  const number = Math.max(1, Number(query.get("page") ?? 1));
  return { items: items.slice((number - 1) * perPage, number * perPage) };
}

function page<T>(query: URLSearchParams, items: readonly T[], key: string) {
  return { total_count: items.length, [key]: slice(query, items).items };
}
