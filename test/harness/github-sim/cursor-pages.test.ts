import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { QueryValue } from "./openapi-validator.ts";
import { cursorPaginate, GitHubApiError, type RouteContext } from "./routes/route-kit.ts";

const API = "http://127.0.0.1:1";
const PATH = "/repos/o/r/attestations/sha256:ab";

/** Only what pagination reads: the query, the URL as received and the API root for links. */
function contextFor(href: string): RouteContext {
  const url = new URL(href, API);
  const query: Record<string, QueryValue> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = name === "per_page" ? Number(value) : value;
  }
  return { query, url, links: { api: API, web: "https://github.com" } } as RouteContext;
}

function linkOf(headers: Record<string, string>, rel: string): string | undefined {
  return new RegExp(`<([^>]+)>; rel="${rel}"`).exec(headers.link ?? "")?.[1];
}

/** Follows `rel` links from `start`: each page's items, and the address it was read from. */
function walk(items: readonly number[], start: string, rel: "next" | "prev") {
  const visited: { href: string; items: number[] }[] = [];
  let href: string | undefined = start;
  while (href !== undefined && visited.length <= items.length + 1) {
    expect(href).not.toMatch(/[?&]page=/);
    const page = cursorPaginate(contextFor(href), items, String);
    visited.push({ href, items: page.items });
    href = linkOf(page.headers, rel);
  }
  return visited;
}

describe("cursor pagination (before/after, as GitHub pages attestations)", () => {
  test("following next links visits every item once in order, and prev links walk back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (size, perPage) => {
          const items = Array.from({ length: size }, (_, index) => 1000 + index);
          const forward = walk(items, `${PATH}?per_page=${perPage}`, "next");
          expect(forward.flatMap((page) => page.items)).toEqual(items);
          expect(forward.every((page) => page.items.length > 0)).toBe(true);
          expect(forward.every((page) => page.items.length <= perPage)).toBe(true);

          const last = forward[forward.length - 1]?.href ?? "";
          const prev = linkOf(cursorPaginate(contextFor(last), items, String).headers, "prev");
          if (forward.length === 1) {
            expect(prev).toBeUndefined();
            return;
          }
          const backward = walk(items, prev ?? "", "prev").reverse();
          const beforeLast = forward.slice(0, -1).flatMap((page) => page.items);
          expect(backward.flatMap((page) => page.items)).toEqual(beforeLast);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("refuses a cursor it did not hand out", () => {
    expect(() => cursorPaginate(contextFor(`${PATH}?after=bm9wZQ`), [1, 2], String)).toThrow(
      GitHubApiError,
    );
  });
});
