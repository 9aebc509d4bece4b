import type { Agent, IncomingHttpHeaders } from "node:http";
import { proxiedAgent } from "../core/network.ts";

/**
 * The gate's own small REST client on node:http. It exists for three reasons Octokit does not
 * cover: the first request must leave before heavy modules load (cold start), every GET is
 * conditional (a 304 costs no rate limit), and the whole run shares one request budget. It goes
 * through the runner's proxy (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) like every client of the
 * suite.
 */
export interface ApiOptions {
  apiUrl: string;
  token: string;
  /** Most requests that may count against the rate limit (304s are free and not counted). */
  maxRequests: number;
  /** Attempts after a 5xx or a network error before the call is reported as failed. */
  retries: number;
  /** First retry delay; doubled each time, with jitter. */
  retryDelayMs: number;
  /** The longest rate-limit wait worth sitting out (the gate's timeout); longer is a failure. */
  longestWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface ApiResult<T> {
  data: T;
  /** False when the server answered 304: the cached body is returned. */
  changed: boolean;
}

/** The answer to a GET sent with `If-Modified-Since` that GitHub found unchanged (a free 304). */
export const UNCHANGED = Symbol("unchanged since");

export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface CacheEntry {
  etag: string;
  data: unknown;
}

/** Counts kept for the summary and the benchmark. */
export interface RequestCounts {
  sent: number;
  notModified: number;
  /** Requests that count against the rate limit (not 304). */
  charged: number;
}

export class GitHubApi {
  readonly counts: RequestCounts = { sent: 0, notModified: 0, charged: 0 };
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inflight = new Map<string, Promise<ApiResult<unknown>>>();
  private readonly prefetched = new Map<string, Promise<ApiResult<unknown>>>();
  private readonly options: Required<ApiOptions>;
  private agent: Agent | undefined;
  private markSent: () => void = () => {};
  /** Settles once the first request has left (or failed to): the entry waits for it. */
  readonly firstSent = new Promise<void>((resolve) => {
    this.markSent = resolve;
  });

  constructor(options: ApiOptions) {
    this.options = {
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: Date.now,
      longestWaitMs: 10 * 60_000,
      ...options,
    };
  }

  /**
   * Sends a GET now whose answer the next `get` of the same path takes, however long that takes
   * to come: the entry starts the first poll before the gate has even loaded.
   */
  prefetch(path: string): void {
    const promise = this.get(path);
    promise.catch(() => undefined);
    this.prefetched.set(path, promise);
  }

  /** A conditional GET. Identical GETs in flight share one request. */
  get<T>(path: string): Promise<ApiResult<T>> {
    const early = this.prefetched.get(path);
    if (early) {
      this.prefetched.delete(path);
      return early as Promise<ApiResult<T>>;
    }
    const running = this.inflight.get(path);
    if (running) return running as Promise<ApiResult<T>>;
    const promise = this.conditionalGet<T>(path).finally(() => this.inflight.delete(path));
    this.inflight.set(path, promise);
    return promise;
  }

  /**
   * A GET that costs nothing while the resource is as it was at `since` (an HTTP date): the first
   * time it asks with `If-Modified-Since` and GitHub answers a free 304, which is
   * {@link UNCHANGED}; once a body came, later calls are conditional on its ETag as `get`'s are.
   */
  async getUnlessUnchangedSince<T>(
    path: string,
    since: string | undefined,
  ): Promise<ApiResult<T> | typeof UNCHANGED> {
    if (this.cache.has(path) || since === undefined) return this.get<T>(path);
    const response = await this.withRetries("GET", path, undefined, {
      "if-modified-since": since,
    });
    if (response.status === 304) return UNCHANGED;
    return this.remember<T>(path, response);
  }

  async send<T>(method: "POST" | "PATCH", path: string, body: unknown): Promise<T> {
    const response = await this.withRetries(method, path, body, {});
    return parseBody(response) as T;
  }

  private async conditionalGet<T>(path: string): Promise<ApiResult<T>> {
    const cached = this.cache.get(path);
    const response = await this.withRetries(
      "GET",
      path,
      undefined,
      cached ? { "if-none-match": cached.etag } : {},
    );
    if (response.status === 304 && cached) return { data: cached.data as T, changed: false };
    return this.remember<T>(path, response);
  }

  private remember<T>(path: string, response: RawResponse): ApiResult<T> {
    const data = parseBody(response);
    const etag = header(response.headers, "etag");
    if (etag) this.cache.set(path, { etag, data });
    return { data: data as T, changed: true };
  }

  private async withRetries(
    method: string,
    path: string,
    body: unknown,
    conditions: Record<string, string>,
  ): Promise<RawResponse> {
    let lastProblem = "";
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) await this.options.sleep(backoff(this.options.retryDelayMs, attempt));
      if (this.counts.charged >= this.options.maxRequests) {
        throw new ApiError(
          `request budget of ${this.options.maxRequests} spent (input 'max-requests'); ${method} ${path} was not sent`,
        );
      }
      let response: RawResponse;
      try {
        response = await this.send1(method, path, body, conditions);
      } catch (thrown) {
        lastProblem = `${method} ${path}: ${thrown instanceof Error ? thrown.message : String(thrown)}`;
        continue;
      }
      if (response.status === 304 || (response.status >= 200 && response.status < 300)) {
        return response;
      }
      const wait = rateLimitWait(response, this.options.now());
      if (wait !== undefined) {
        lastProblem = `${method} ${path}: rate limited (HTTP ${response.status}); retry in ${Math.ceil(wait / 1000)}s`;
        if (wait > this.options.longestWaitMs) {
          throw new ApiError(lastProblem, response.status);
        }
        await this.options.sleep(wait);
        continue;
      }
      const message = `${method} ${path}: HTTP ${response.status} ${errorMessage(response)}`;
      if (response.status < 500) throw new ApiError(message, response.status);
      lastProblem = message;
    }
    throw new ApiError(`${lastProblem} (after ${this.options.retries + 1} attempts)`);
  }

  private async send1(
    method: string,
    path: string,
    body: unknown,
    conditions: Record<string, string>,
  ) {
    const url = new URL(`${this.options.apiUrl.replace(/\/+$/, "")}${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${this.options.token}`,
      "user-agent": "wasmcloud/status-gate",
      "x-github-api-version": "2022-11-28",
      ...conditions,
    };
    if (payload) headers["content-type"] = "application/json";
    // As CommonJS objects (ES namespaces of them load TLS and undici at once, see network.ts);
    // TLS costs startup time, so node:https is loaded only when the API is https.
    const { request } = process.getBuiltinModule(
      url.protocol === "https:" ? "node:https" : "node:http",
    ) as typeof import("node:http");
    // One keep-alive agent for the run: polls reuse their connection, through the proxy if set.
    this.agent ??= proxiedAgent(url.protocol) as Agent;
    const agent = this.agent;
    return new Promise<RawResponse>((resolve, reject) => {
      this.counts.sent++;
      const outgoing = request(url, { method, headers, agent, timeout: 30_000 }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("error", reject);
        incoming.on("end", () => {
          const status = incoming.statusCode ?? 0;
          if (status === 304) this.counts.notModified++;
          else this.counts.charged++;
          resolve({
            status,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      });
      outgoing.on("timeout", () => outgoing.destroy(new Error("no answer in 30s")));
      outgoing.on("finish", this.markSent);
      outgoing.on("error", (error) => {
        this.markSent();
        reject(error);
      });
      outgoing.end(payload);
    });
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseBody(response: RawResponse): unknown {
  if (response.body === "") return {};
  try {
    return JSON.parse(response.body);
  } catch {
    throw new ApiError(
      `HTTP ${response.status} answered with a body that is not JSON`,
      response.status,
    );
  }
}

function errorMessage(response: RawResponse): string {
  try {
    const { message } = JSON.parse(response.body) as { message?: string };
    return message ? `(${message})` : "";
  } catch {
    return "";
  }
}

/** How long GitHub asks us to wait (retry-after, or x-ratelimit-reset at zero remaining). */
export function rateLimitWait(response: RawResponse, now: number): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = header(response.headers, "retry-after");
  if (retryAfter && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const reset = header(response.headers, "x-ratelimit-reset");
  if (header(response.headers, "x-ratelimit-remaining") === "0" && reset && /^\d+$/.test(reset)) {
    return Math.max(0, Number(reset) * 1000 - now) + 1000;
  }
  // Without either header GitHub asks for at least a minute: on any 429, and on a 403 that
  // says it is a secondary rate limit (another 403 is a refusal, which waiting does not change).
  const secondary = response.status === 403 && /secondary rate limit/i.test(response.body);
  return response.status === 429 || secondary ? 60_000 : undefined;
}

/** Exponential backoff with full jitter on the upper half, so many gates do not retry in step. */
export function backoff(baseMs: number, attempt: number, random: () => number = Math.random) {
  const ceiling = baseMs * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
