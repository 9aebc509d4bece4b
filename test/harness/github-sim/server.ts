import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { type FaultSpec, secondaryRateLimitBody } from "./faults.ts";
import type { GraphQLEndpoint } from "./graphql.ts";
import {
  checkRequest,
  checkResponse,
  isRawBody,
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
  /** The tokens it accepts: its own, then any `moreTokens`. */
  readonly tokens: readonly string[];
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

/** One request in flight: what the phases below read and the log entry they fill in. */
interface Exchange {
  sim: SimulatorInternals;
  request: IncomingMessage;
  url: URL;
  body: ParsedBody;
  entry: RecordedRequest;
  violate(kind: Violation["kind"], message: string): void;
}

/**
 * The whole life of a request: fault injection, authentication, the primary rate limit, then
 * GraphQL or REST. The log entry is recorded, and the `onRequest` hooks run, before the reply is
 * written, so the next request sees whatever a hook changes.
 */
export async function handleRequest(
  sim: SimulatorInternals,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const exchange = await receive(sim, request);
  const { entry } = exchange;
  const reply = await answer(exchange);
  entry.durationMs = Date.now() - entry.timestamp;
  if (reply === "reset") {
    sim.record(entry);
    request.socket.destroy();
    return;
  }
  entry.status = reply.status;
  sim.record(entry);
  write(response, reply);
}

async function receive(sim: SimulatorInternals, request: IncomingMessage): Promise<Exchange> {
  const timestamp = Date.now();
  const method = request.method ?? "GET";
  const url = new URL(request.url ?? "/", sim.links.api);
  const bytes = await readBody(request);
  const isGraphQL = url.pathname === "/graphql" && method === "POST";
  const match = isGraphQL ? undefined : matchOperation(method, url.pathname);
  const operation = match && "operation" in match ? match.operation : undefined;
  const raw = bytes.toString("utf8");
  // A release asset upload sends the file itself; everything else sends JSON.
  const body: ParsedBody =
    operation && isRawBody(operation)
      ? { present: bytes.length > 0, value: bytes }
      : parseBody(raw);
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
  return {
    sim,
    request,
    url,
    body,
    entry,
    violate: (kind, message) =>
      sim.violate({
        kind,
        request: `${method} ${entry.url}`,
        operationId: entry.operationId,
        message,
      }),
  };
}

async function answer(exchange: Exchange): Promise<Reply | "reset"> {
  const { sim, entry } = exchange;
  const fault = entry.route === undefined ? undefined : sim.takeFault(entry.route);
  if (fault) {
    entry.fault = fault.kind;
    if (fault.kind === "connection-reset") return "reset";
    if (fault.kind === "short-page") return shortPage(await respond(exchange), fault.drop ?? 1);
    if (fault.kind !== "latency") return faultReply(fault);
    await sleep(fault.latencyMs ?? 1000);
  }
  return respond(exchange);
}

/** Authentication, the primary rate limit, then GraphQL or REST. */
async function respond(exchange: Exchange): Promise<Reply> {
  const { sim, request, entry } = exchange;
  if (!authenticated(request, sim.tokens)) {
    const message = request.headers.authorization ? "Bad credentials" : "Requires authentication";
    return errorReply(401, message);
  }
  const resource: RateLimitResource = entry.route === "POST /graphql" ? "graphql" : "core";
  if (sim.rateLimit.isExhausted(resource)) {
    return {
      status: 403,
      headers: sim.rateLimit.headers(resource),
      body: {
        message: `API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID ${requestId()}.`,
        documentation_url:
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
        status: "403",
      },
    };
  }
  return resource === "graphql" ? graphqlReply(exchange) : restReply(exchange);
}

async function graphqlReply({ sim, body, entry, violate }: Exchange): Promise<Reply> {
  sim.rateLimit.consume("graphql");
  const result = await sim.graphql.handle(body.value, {
    state: sim.state,
    links: sim.links,
    rateLimits: sim.rateLimit,
  });
  entry.graphqlOperationName = result.operationName;
  if (result.problem) violate("invalid-graphql", result.problem);
  return { status: result.status, headers: sim.rateLimit.headers("graphql"), body: result.body };
}

/** Match and check against the description, run the handler, check what it answers. */
function restReply(exchange: Exchange): Reply {
  const { sim, url, body, entry, violate } = exchange;
  const rateHeaders = () => sim.rateLimit.headers("core");
  const match = matchOperation(entry.method, url.pathname);
  if (!("operation" in match)) {
    violate(match.kind, match.message);
    sim.rateLimit.consume("core");
    return rejection(sim, match.kind, match.message, rateHeaders());
  }
  const { operation } = match;
  const checked = checkRequest(match, url.searchParams, body);
  for (const problem of checked.problems) violate(problem.kind, problem.message);
  const refusal = checked.problems.find((problem) => REJECTING[problem.kind] !== undefined);
  if (refusal) {
    sim.rateLimit.consume("core");
    if (body.parseError !== undefined) {
      return { ...errorReply(400, "Problems parsing JSON"), headers: rateHeaders() };
    }
    return rejection(sim, refusal.kind, refusal.message, rateHeaders());
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
  if (entry.method === "GET" && routed.status === 200) {
    headers.etag = `W/"${createHash("sha256").update(JSON.stringify(routed.body)).digest("hex")}"`;
    if (
      matchesEtag(exchange.request.headers["if-none-match"], headers.etag) ||
      notModifiedSince(exchange.request.headers, headers["last-modified"])
    ) {
      // GitHub does not count a 304 against the primary rate limit.
      entry.conditional = true;
      return { status: 304, headers: { ...headers, ...rateHeaders() } };
    }
  }
  // rate_limit is free on GitHub, so that clients can check without spending.
  if (operation.operationId !== "rate-limit/get") sim.rateLimit.consume("core");
  return { status: routed.status, headers: { ...headers, ...rateHeaders() }, body: routed.body };
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
    headers: { ...headers, "x-github-sim-violation": headerSafe(reason) },
  };
}

/** Header values may not carry newlines or anything outside Latin-1. */
function headerSafe(text: string): string {
  return text
    .replace(/\s+/g, " ")
    .replace(/[^\x20-\x7e]/g, "?")
    .slice(0, 500);
}

/** A list's page with its last items left out; its total count still counts them. */
function shortPage(reply: Reply, drop: number): Reply {
  if (reply.status !== 200 || typeof reply.body !== "object") return reply;
  const body = { ...(reply.body as Record<string, unknown>) };
  const list = Object.keys(body).find((key) => Array.isArray(body[key]));
  if (list === undefined) return reply;
  body[list] = (body[list] as unknown[]).slice(0, -drop);
  const etag = `W/"${createHash("sha256").update(JSON.stringify(body)).digest("hex")}"`;
  return { ...reply, headers: { ...reply.headers, etag }, body };
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

function authenticated(request: IncomingMessage, tokens: readonly string[]): boolean {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(request.headers.authorization ?? "");
  return match?.[1] !== undefined && tokens.includes(match[1]);
}

/**
 * `If-Modified-Since` against a resource's `Last-Modified` (whole seconds, as HTTP dates are);
 * GitHub ignores it when `If-None-Match` is also sent.
 */
function notModifiedSince(
  headers: IncomingMessage["headers"],
  lastModified: string | undefined,
): boolean {
  const since = headers["if-modified-since"];
  if (!since || !lastModified || headers["if-none-match"]) return false;
  const sinceTime = Date.parse(since);
  const modified = Date.parse(lastModified);
  return !Number.isNaN(sinceTime) && !Number.isNaN(modified) && modified <= sinceTime;
}

/** `If-None-Match` may list several tags, weak or strong; GitHub compares them weakly. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header
    .split(",")
    .some((candidate) => bare(candidate) === bare(etag) || candidate.trim() === "*");
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface ParsedBody {
  present: boolean;
  value: unknown;
  parseError?: string;
}

function parseBody(raw: string): ParsedBody {
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
