import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  durationProblem,
  formatDuration,
  MAX_DURATION_MS,
  parseDuration,
} from "../../src/core/duration.ts";

const UNITS = [
  ["w", 604_800_000],
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
] as const;

describe("the one duration grammar", () => {
  it("adds up any units written in descending order, each once", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(99), { minLength: 6, maxLength: 6 }),
        fc.integer({ min: 1, max: 63 }),
        (amounts, present) => {
          const chosen = UNITS.filter((_, index) => present & (1 << index));
          const text = chosen
            .map(([unit]) => `${amounts[UNITS.findIndex(([u]) => u === unit)]}${unit}`)
            .join("");
          const expected = chosen.reduce(
            (total, [unit, ms]) =>
              total + (amounts[UNITS.findIndex(([u]) => u === unit)] as number) * ms,
            0,
          );
          expect(parseDuration(text)).toBe(expected);
        },
      ),
    );
  });

  it("refuses units out of order or repeated", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), (a, b) => {
        fc.pre(a >= b);
        const text = `1${UNITS[a]?.[0]}1${UNITS[b]?.[0]}`;
        expect(parseDuration(text)).toBeUndefined();
      }),
    );
  });

  it("never accepts more than ten years, and says why", () => {
    expect(parseDuration("520w")).toBe(520 * 604_800_000);
    expect(parseDuration("3651d")).toBeUndefined();
    expect(durationProblem("3651d")).toBe(
      "'3651d', longer than ten years; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
    );
    expect(parseDuration(String(MAX_DURATION_MS))).toBeUndefined();
  });

  it("formats what it reads back in its own words", () => {
    expect([42_000, 90_000, 7_500_000, 97_200_000, 3 * 86_400_000].map(formatDuration)).toEqual([
      "42s",
      "1m30s",
      "2h5m",
      "27h",
      "3d",
    ]);
  });
});
