import type { QueryValue } from "../openapi-validator.ts";
import type { RateLimiter } from "../rate-limit.ts";
import type { RepositoryState } from "../repository-state.ts";
import type { Links } from "../shapes/common.ts";
import type { SimulatorState } from "../state.ts";

/** What a route handler gets: a request already matched to, and checked against, its operation. */
export interface RouteContext {
  state: SimulatorState;
  links: Links;
  rateLimits: RateLimiter;
  params: Record<string, string>;
  /** Only the query parameters the operation declares, typed by their schemas. */
  query: Record<string, QueryValue>;
  /** Already validated against the operation's request body schema. */
  body: unknown;
  /** The request URL as received, for pagination links. */
  url: URL;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (context: RouteContext) => RouteResponse;

/** A refusal in GitHub's words; the server turns it into GitHub's error body. */
export class GitHubApiError extends Error {
  readonly status: number;
  readonly errors: Array<Record<string, unknown>> | undefined;

  constructor(status: number, message: string, errors?: Array<Record<string, unknown>>) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

export function notFound(): never {
  throw new GitHubApiError(404, "Not Found");
}

/** 422 "Validation Failed" with one entry in `errors`, the way GitHub reports field problems. */
export function validationFailed(error: Record<string, unknown>): never {
  throw new GitHubApiError(422, "Validation Failed", [error]);
}

export function unprocessable(message: string): never {
  throw new GitHubApiError(422, message);
}

/** The repository named by `{owner}/{repo}`; 404 like GitHub when it does not exist. */
export function repositoryOf(context: RouteContext): RepositoryState {
  const { owner = "", repo = "" } = context.params;
  return context.state.findRepository(owner, repo) ?? notFound();
}

/** The request body as the handler's operation declares it; the validator has checked it. */
export function bodyOf<T>(context: RouteContext): T {
  return (context.body ?? {}) as T;
}

export function queryString(context: RouteContext, name: string): string | undefined {
  const value = context.query[name];
  return value === undefined ? undefined : String(value);
}

export function queryNumber(context: RouteContext, name: string): number | undefined {
  const value = context.query[name];
  return typeof value === "number" ? value : undefined;
}

export function integerParam(context: RouteContext, name: string): number {
  return Number(context.params[name]);
}

export interface Page<T> {
  items: T[];
  headers: Record<string, string>;
}

/**
 * One page of a list, with GitHub's `Link` header. `per_page` above the operation's maximum is
 * clamped rather than refused, as GitHub does.
 */
export function paginate<T>(
  context: RouteContext,
  items: readonly T[],
  options: { defaultPerPage?: number; maxPerPage?: number } = {},
): Page<T> {
  const maxPerPage = options.maxPerPage ?? 100;
  const requested = queryNumber(context, "per_page") ?? options.defaultPerPage ?? 30;
  const perPage = Math.max(1, Math.min(requested, maxPerPage));
  const page = Math.max(1, queryNumber(context, "page") ?? 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const pageItems = items.slice((page - 1) * perPage, page * perPage);
  const relations: string[] = [];
  const link = (target: number, rel: string) => {
    const url = new URL(context.url.pathname + context.url.search, context.links.api);
    url.searchParams.set("page", String(target));
    relations.push(`<${url.href}>; rel="${rel}"`);
  };
  if (page > 1) link(Math.min(page - 1, lastPage), "prev");
  if (page < lastPage) link(page + 1, "next");
  if (page < lastPage) link(lastPage, "last");
  if (page > 1) link(1, "first");
  return { items: pageItems, headers: relations.length > 0 ? { link: relations.join(", ") } : {} };
}

/**
 * One page of a list GitHub pages by cursor (`before`/`after`, as the attestation lists do): the
 * `Link` header carries `next`/`prev` links with opaque cursors and never a `page` number, which
 * those operations do not accept. An unknown cursor is refused with 422.
 */
export function cursorPaginate<T>(
  context: RouteContext,
  items: readonly T[],
  keyOf: (item: T) => string,
  options: { defaultPerPage?: number; maxPerPage?: number } = {},
): Page<T> {
  const maxPerPage = options.maxPerPage ?? 100;
  const requested = queryNumber(context, "per_page") ?? options.defaultPerPage ?? 30;
  const perPage = Math.max(1, Math.min(requested, maxPerPage));
  const after = queryString(context, "after");
  const before = queryString(context, "before");
  if (after !== undefined && before !== undefined) {
    unprocessable("Pass either 'before' or 'after', not both.");
  }
  const positionOf = (field: "before" | "after", cursor: string) => {
    const key = decodeCursor(cursor);
    const index = key === undefined ? -1 : items.findIndex((item) => keyOf(item) === key);
    if (index < 0) validationFailed({ resource: "Search", field, code: "invalid" });
    return index;
  };
  // A page ends just before a `before` cursor, or starts just after an `after` cursor.
  const end = before === undefined ? undefined : positionOf("before", before);
  const start =
    end !== undefined
      ? Math.max(0, end - perPage)
      : after === undefined
        ? 0
        : positionOf("after", after) + 1;
  const stop = end ?? Math.min(items.length, start + perPage);
  const pageItems = items.slice(start, stop);
  const relations: string[] = [];
  const link = (field: "before" | "after", item: T, rel: string) => {
    const url = new URL(context.url.pathname + context.url.search, context.links.api);
    for (const name of ["page", "before", "after"]) url.searchParams.delete(name);
    url.searchParams.set(field, encodeCursor(keyOf(item)));
    relations.push(`<${url.href}>; rel="${rel}"`);
  };
  const last = pageItems[pageItems.length - 1];
  const first = pageItems[0];
  if (last !== undefined && stop < items.length) link("after", last, "next");
  if (first !== undefined && start > 0) link("before", first, "prev");
  return { items: pageItems, headers: relations.length > 0 ? { link: relations.join(", ") } : {} };
}

function encodeCursor(key: string): string {
  return Buffer.from(`cursor:v2:${key}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): string | undefined {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return text.startsWith("cursor:v2:") ? text.slice("cursor:v2:".length) : undefined;
}

/** Newest first, GitHub's usual order for things it lists by creation. */
export function newestFirst<T extends { id: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => b.id - a.id);
}
