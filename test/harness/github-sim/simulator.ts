import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FaultInjector } from "./faults.ts";
import { GraphQLEndpoint } from "./graphql.ts";
import { loadSpec } from "./openapi-spec.ts";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.ts";
import { describeViolations, type RecordedRequest, type Violation } from "./request-log.ts";
import { handleRequest, type SimulatorInternals } from "./server.ts";
import type { Links } from "./shapes/common.ts";
import { SimulatorState, type SimulatorStateOptions } from "./state.ts";

export interface GitHubSimulatorOptions extends SimulatorStateOptions {
  /** The token the simulator accepts (default: a random `ghs_` installation token). */
  token?: string;
  /**
   * Further tokens it accepts, as the same user (a personal access token beside the workflow's
   * GITHUB_TOKEN): a request's `requestHeaders.authorization` tells which one it came with.
   */
  moreTokens?: readonly string[];
  /** The primary rate limit (default 1000 requests per hour, a `GITHUB_TOKEN`'s budget). */
  rateLimit?: RateLimitOptions;
  /**
   * How requests GitHub would refuse are answered: `like-github` (404 or 422 as GitHub does,
   * the default) or `bad-request` (400 with the reason as the message). Both record a violation.
   */
  invalidRequests?: "like-github" | "bad-request";
  /** `close()` throws when violations were recorded and not taken (default true). */
  failOnViolations?: boolean;
  /** Base of `html_url` fields (default https://github.com). */
  webUrl?: string;
}

export type RequestHook = (request: RecordedRequest, simulator: GitHubSimulator) => void;

/**
 * A stateful GitHub on loopback. Seed `state`, point the code under test at `url`/`graphqlUrl`
 * with `token`, then assert on `requests` and on `assertNoViolations()`.
 */
export class GitHubSimulator implements AsyncDisposable {
  readonly url: string;
  readonly graphqlUrl: string;
  readonly token: string;
  readonly state: SimulatorState;
  readonly rateLimit: RateLimiter;
  readonly faults: FaultInjector;
  /** `sim.graphql.addResolvers({ Type: { field: (source, args, context) => ... } })`. */
  readonly graphql = new GraphQLEndpoint();
  readonly requests: RecordedRequest[] = [];
  private readonly recordedViolations: Violation[] = [];
  private readonly hooks: RequestHook[] = [];
  private readonly failOnViolations: boolean;
  private readonly server: Server;
  private closed = false;

  /** @internal Use `startGitHubSimulator`. */
  constructor(server: Server, port: number, options: GitHubSimulatorOptions) {
    this.server = server;
    this.url = `http://127.0.0.1:${port}`;
    this.graphqlUrl = `${this.url}/graphql`;
    this.token = options.token ?? `ghs_${randomBytes(18).toString("hex")}`;
    this.state = new SimulatorState(options);
    const now = options.now;
    this.rateLimit = new RateLimiter(options.rateLimit, now ? () => now().getTime() : Date.now);
    this.faults = new FaultInjector((route) => this.routeKey(route));
    this.failOnViolations = options.failOnViolations ?? true;
    const links: Links = {
      api: this.url,
      web: (options.webUrl ?? "https://github.com").replace(/\/+$/, ""),
    };
    const internals: SimulatorInternals = {
      tokens: [this.token, ...(options.moreTokens ?? [])],
      links,
      state: this.state,
      rateLimit: this.rateLimit,
      graphql: this.graphql,
      invalidRequests: options.invalidRequests ?? "like-github",
      takeFault: (route) => this.faults.take(route),
      record: (entry) => this.record(entry),
      violate: (violation) => this.recordedViolations.push(violation),
    };
    server.on("request", (request, response) => {
      handleRequest(internals, request, response).catch((error: unknown) => {
        this.recordedViolations.push({
          kind: "simulator-error",
          request: `${request.method} ${request.url}`,
          operationId: undefined,
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  }

  /** Violations recorded so far and not yet taken. */
  get violations(): readonly Violation[] {
    return this.recordedViolations;
  }

  /** Returns and forgets the recorded violations, for tests that provoke them on purpose. */
  takeViolations(): Violation[] {
    return this.recordedViolations.splice(0);
  }

  /** Throws one error listing every request GitHub would not have accepted as sent. */
  assertNoViolations(): void {
    if (this.recordedViolations.length > 0) {
      throw new Error(describeViolations(this.recordedViolations));
    }
  }

  /**
   * Runs after each request is answered but before the reply is written, so a change made here
   * is what the next request sees: "the check appears after the 3rd poll". Returns an
   * unsubscribe function.
   */
  onRequest(hook: RequestHook): () => void {
    this.hooks.push(hook);
    return () => {
      const index = this.hooks.indexOf(hook);
      if (index >= 0) this.hooks.splice(index, 1);
    };
  }

  /** Requests for a route (`"GET /repos/{owner}/{repo}/pulls"`, an operation id, or `"POST /graphql"`). */
  requestsFor(route: string): RecordedRequest[] {
    const key = this.routeKey(route);
    return this.requests.filter((request) => request.route === key);
  }

  count(route: string): number {
    return this.requestsFor(route).length;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
    if (this.failOnViolations) this.assertNoViolations();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** `"METHOD /template"` for any way a test may name a route; throws for one not served. */
  private routeKey(route: string): string {
    if (route === "POST /graphql") return route;
    const operations = loadSpec().operations;
    const found = operations.find(
      (operation) =>
        operation.operationId === route || `${operation.method} ${operation.template}` === route,
    );
    if (!found) {
      throw new Error(
        `github-sim: no route '${route}'; name one as GitHub documents it ('GET /repos/{owner}/{repo}/pulls'), by operation id ('pulls/list'), or 'POST /graphql'`,
      );
    }
    return `${found.method} ${found.template}`;
  }

  private record(entry: RecordedRequest): void {
    entry.index = this.requests.length + 1;
    this.requests.push(entry);
    for (const hook of [...this.hooks]) {
      try {
        hook(entry, this);
      } catch (error) {
        this.recordedViolations.push({
          kind: "simulator-error",
          request: `${entry.method} ${entry.url}`,
          operationId: entry.operationId,
          message: `onRequest hook threw: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    }
  }
}

/** Starts a simulator on 127.0.0.1 and a random port. */
export async function startGitHubSimulator(
  options: GitHubSimulatorOptions = {},
): Promise<GitHubSimulator> {
  const server = createServer({ keepAliveTimeout: 1000 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return new GitHubSimulator(server, port, options);
}
