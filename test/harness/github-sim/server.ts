import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { type FaultSpec, secondaryRateLimitBody } from "./faults.ts";
import type { GraphQLEndpoint } from "./graphql.ts";
import {
  checkRequest,
  checkResponse,
  matchOperation,
  type SpecProblem,
} from "./openapi-validator.ts";
import type { RateLimiter, RateLimitResource } from "./rate-limit.ts";
import type { RecordedRequest, Violation } from "./request-log.ts";
import { ROUTE_HANDLERS } from "./routes/index.ts";
import { GitHubApiError, type RouteResponse } from "./routes/route-kit.ts";
import type { Links } from "./shapes/common.ts";
import type { SimulatorState } from "./state.ts";

/** What the request pipeline needs from the simulator that owns it. */
export interface SimulatorInternals {
  readonly token: string;
  readonly links: Links;
  readonly state: SimulatorState;
  readonly rateLimit: RateLimiter;
  readonly graphql: GraphQLEndpoint;
  readonly invalidRequests: "like-github" | "bad-request";
  takeFault(route: string): Readonly<FaultSpec> | undefined;
  record(entry: RecordedRequest): void;
  violate(violation: Violation): void;
}

const DOCS = "https://docs.github.com/rest";

/** Problems a client must fix, and the status GitHub answers each with. */
const REJECTING: Partial<Record<SpecProblem["kind"], number>> = {
  "unknown-route": 404,
  "wrong-method": 404,
  "invalid-path-parameter": 404,
  "missing-parameter": 422,
  "invalid-parameter": 422,
  "invalid-body": 422,
};

interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * The whole life of a request: fault injection, authentication, matching and checking against
 * GitHub's description, the primary rate limit, the handler, conditional GETs, response checks,
 * the log, and the `onRequest` hooks (which run before the reply is written, so the next
 * request sees whatever they change).
 */
export async function handleRequest(
  sim: SimulatorInternals,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const timestamp = Date.now();
  const method = request.method ?? "GET";
  const url = new URL(request.url ?? "/", sim.links.api);
  const raw = await readBody(request);
  const body = parseBody(raw);
  const isGraphQL = url.pathname === "/graphql" && method === "POST";
  const match = isGraphQL ? undefined : matchOperation(method, url.pathname);
  const operation = match && "operation" in match ? match.operation : undefined;
  const entry: RecordedRequest = {
    index: 0,
    method,
    path: url.pathname,
    url: url.pathname + url.search,
    route: isGraphQL ? "POST /graphql" : operation && `${operation.method} ${operation.template}`,
    operationId: isGraphQL ? "graphql" : operation?.operationId,
    graphqlOperationName: undefined,
    status: 0,
    requestHeaders: flattenHeaders(request),
    body: body.parseError === undefined ? body.value : raw,
    conditional: false,
    fault: undefined,
    timestamp,
    durationMs: 0,
  };
  const violate = (kind: Violation["kind"], message: string) =>
    sim.violate({
      kind,
      request: `${method} ${entry.url}`,
      operationId: entry.operationId,
      message,
    });
  const finish = (reply: Reply) => {
    entry.status = reply.status;
    entry.durationMs = Date.now() - timestamp;
    sim.record(entry);
    write(response, reply);
  };

  const fault = entry.route === undefined ? undefined : sim.takeFault(entry.route);
  if (fault) {
    entry.fault = fault.kind;
    if (fault.kind === "latency") {
      await sleep(fault.latencyMs ?? 1000);
    } else if (fault.kind === "connection-reset") {
      entry.durationMs = Date.now() - timestamp;
      sim.record(entry);
      request.socket.destroy();
      return;
    } else {
      return finish(faultReply(fault));
    }
  }

  if (!authenticated(request, sim.token)) {
    const message = request.headers.authorization ? "Bad credentials" : "Requires authentication";
    return finish(errorReply(401, message));
  }

  const resource: RateLimitResource = isGraphQL ? "graphql" : "core";
  const rateHeaders = () => sim.rateLimit.headers(resource);
  if (sim.rateLimit.isExhausted(resource)) {
    return finish({
      status: 403,
      headers: rateHeaders(),
      body: {
        message: `API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID ${requestId()}.`,
        documentation_url:
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
        status: "403",
      },
    });
  }

  if (isGraphQL) {
    sim.rateLimit.consume("graphql");
    const result = sim.graphql.handle(body.value, {
      state: sim.state,
      links: sim.links,
      rateLimits: sim.rateLimit,
    });
    entry.graphqlOperationName = result.operationName;
    if (result.problem) violate("invalid-graphql", result.problem);
    return finish({ status: result.status, headers: rateHeaders(), body: result.body });
  }

  if (!match || !("operation" in match) || !operation) {
    const problem = match && !("operation" in match) ? match : undefined;
    if (problem) violate(problem.kind, problem.message);
    sim.rateLimit.consume("core");
    return finish(
      rejection(sim, problem?.kind ?? "unknown-route", problem?.message ?? "", rateHeaders()),
    );
  }

  const checked = checkRequest(match, url.searchParams, body);
  for (const problem of checked.problems) violate(problem.kind, problem.message);
  const refusal = checked.problems.find((problem) => REJECTING[problem.kind] !== undefined);
  if (refusal) {
    sim.rateLimit.consume("core");
    if (body.parseError !== undefined) {
      return finish({ ...errorReply(400, "Problems parsing JSON"), headers: rateHeaders() });
    }
    return finish(rejection(sim, refusal.kind, refusal.message, rateHeaders()));
  }

  let routed: RouteResponse;
  try {
    routed = ROUTE_HANDLERS[operation.operationId]({
      state: sim.state,
      links: sim.links,
      rateLimits: sim.rateLimit,
      params: match.params,
      query: checked.query,
      body: body.value,
      url,
    });
  } catch (error) {
    routed = handlerFailure(error, (message) => violate("simulator-error", message));
  }

  for (const problem of checkResponse(operation, routed.status, routed.body)) {
    violate(problem.kind, problem.message);
  }

  const headers: Record<string, string> = { ...routed.headers };
  if (method === "GET" && routed.status === 200) {
    const etag = `W/"${createHash("sha256").update(JSON.stringify(routed.body)).digest("hex")}"`;
    headers.etag = etag;
    if (matchesEtag(request.headers["if-none-match"], etag)) {
      // GitHub does not count a 304 against the primary rate limit.
      entry.conditional = true;
      return finish({ status: 304, headers: { ...headers, ...rateHeaders() } });
    }
  }
  // rate_limit is free on GitHub, so that clients can check without spending.
  if (operation.operationId !== "rate-limit/get") sim.rateLimit.consume("core");
  return finish({
    status: routed.status,
    headers: { ...headers, ...rateHeaders() },
    body: routed.body,
  });
}

function handlerFailure(error: unknown, report: (message: string) => void): RouteResponse {
  if (error instanceof GitHubApiError) {
    const body: Record<string, unknown> = {
      message: error.message,
      documentation_url: DOCS,
      status: String(error.status),
    };
    if (error.errors) body.errors = error.errors;
    return { status: error.status, body };
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  report(`handler threw: ${message}`);
  return { status: 500, body: { message: "Server Error", documentation_url: DOCS, status: "500" } };
}

function rejection(
  sim: SimulatorInternals,
  kind: SpecProblem["kind"],
  reason: string,
  headers: Record<string, string>,
): Reply {
  if (sim.invalidRequests === "bad-request") {
    return { ...errorReply(400, `github-sim: ${reason}`), headers };
  }
  const status = REJECTING[kind] ?? 404;
  const message = status === 404 ? "Not Found" : `Invalid request.\n\n${reason}`;
  // The reason also travels in a header GitHub does not send, for whoever reads raw traffic.
  return {
    ...errorReply(status, message),
    headers: { ...headers, "x-github-sim-violation": reason.slice(0, 500) },
  };
}

function faultReply(fault: Readonly<FaultSpec>): Reply {
  if (fault.kind === "secondary-rate-limit") {
    return {
      status: 403,
      headers: { "retry-after": String(fault.retryAfterSeconds ?? 1) },
      body: secondaryRateLimitBody(requestId()),
    };
  }
  const status = fault.status ?? 502;
  return errorReply(status, status === 503 ? "Service Unavailable" : "Server Error");
}

function errorReply(status: number, message: string): Reply {
  return {
    status,
    headers: {},
    body: { message, documentation_url: DOCS, status: String(status) },
  };
}

function write(response: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = {
    "x-github-api-version-selected": "2022-11-28",
    "x-github-media-type": "github.v3; format=json",
    "x-github-request-id": requestId(),
    ...reply.headers,
  };
  if (reply.status === 204 || reply.status === 304 || reply.body === undefined) {
    response.writeHead(reply.status, headers).end();
    return;
  }
  headers["content-type"] = "application/json; charset=utf-8";
  response.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
}

function authenticated(request: IncomingMessage, token: string): boolean {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  return match?.[1] === token;
}

/** `If-None-Match` may list several tags, weak or strong; GitHub compares them weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header
    .split(",")
    .some((candidate) => bare(candidate) === bare(etag) || candidate.trim() === "*");
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string): { present: boolean; value: unknown; parseError?: string } {
  if (raw.trim() === "") return { present: false, value: undefined };
  try {
    return { present: true, value: JSON.parse(raw) };
  } catch (error) {
    return { present: true, value: undefined, parseError: (error as Error).message };
  }
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function requestId(): string {
  const hex = randomBytes(10).toString("hex").toUpperCase();
  return `${hex.slice(0, 4)}:${hex.slice(4, 9)}:${hex.slice(9, 15)}:${hex.slice(15, 20)}`;
}
