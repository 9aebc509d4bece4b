import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoff, rateLimitWait } from "../../src/gate/api.ts";

describe("waiting politely", () => {
  it("backs off exponentially with jitter in the upper half of each step", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (base, attempt, random) => {
          const ceiling = base * 2 ** (attempt - 1);
          const wait = backoff(base, attempt, () => random);
          expect(wait).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(wait).toBeLessThanOrEqual(Math.ceil(ceiling));
        },
      ),
    );
  });

  it("honours retry-after, then x-ratelimit-reset when nothing remains", () => {
    const now = Date.parse("2026-03-02T10:00:00Z");
    const response = (status: number, headers: Record<string, string>) => ({
      status,
      headers,
      body: "",
    });
    expect(rateLimitWait(response(403, { "retry-after": "30" }), now)).toBe(30_000);
    expect(
      rateLimitWait(
        response(403, {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": String(now / 1000 + 60),
        }),
        now,
      ),
    ).toBe(61_000);
    expect(rateLimitWait(response(429, {}), now)).toBe(60_000);
    expect(rateLimitWait(response(403, { "x-ratelimit-remaining": "12" }), now)).toBeUndefined();
    expect(rateLimitWait(response(500, { "retry-after": "5" }), now)).toBeUndefined();
  });

  it("waits a minute on a secondary rate limit that names no time, as GitHub asks", () => {
    const now = Date.parse("2026-03-02T10:00:00Z");
    const secondary = {
      status: 403,
      headers: { "x-ratelimit-remaining": "4000" },
      body: JSON.stringify({
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      }),
    };
    expect(rateLimitWait(secondary, now)).toBe(60_000);
    const forbidden = {
      ...secondary,
      body: '{"message":"Resource not accessible by integration"}',
    };
    expect(rateLimitWait(forbidden, now)).toBeUndefined();
  });
});
