import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { changedLines } from "../../src/zizmor/line-diff.ts";

/** The longest common subsequence's length, the slow and obvious way. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const below = table[i + 1] as number[];
      (table[i] as number[])[j] =
        a[i] === b[j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, (table[i] as number[])[j + 1] as number);
    }
  }
  return (table[0] as number[])[0] as number;
}

function isSubsequence(small: readonly string[], large: readonly string[]): boolean {
  let at = 0;
  for (const line of large) if (at < small.length && small[at] === line) at++;
  return at === small.length;
}

describe("lines a new version changed", () => {
  it("keeps a longest common subsequence of the old lines, in order, and calls the rest changed", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "run: x # zizmor: ignore[y]"), {
      maxLength: 14,
    });
    fc.assert(
      fc.property(lines, lines, (before, after) => {
        const changed = changedLines(before, after);
        if (changed === "whole-file") return false;
        const kept = after.filter((_, index) => !changed.has(index + 1));
        return isSubsequence(kept, before) && kept.length === lcsLength(before, after);
      }),
      { numRuns: 500 },
    );
  });

  it("sees a copied ignore comment as added, and an untouched one as kept", () => {
    const before = ["jobs:", "  a:", "    run: | # zizmor: ignore[x]", "      echo a"];
    const after = [...before, "  b:", "    run: | # zizmor: ignore[x]", "      echo b"];
    expect(changedLines(before, after)).toEqual(new Set([5, 6, 7]));
    expect(changedLines(before, before)).toEqual(new Set());
    expect(changedLines([], ["x", "y"])).toEqual(new Set([1, 2]));
  });

  it("gives up past the edit budget, so a huge rewrite counts as changed throughout", () => {
    const before = Array.from({ length: 100 }, (_, i) => `old ${i}`);
    const after = Array.from({ length: 100 }, (_, i) => `new ${i}`);
    expect(changedLines(before, after, 50)).toBe("whole-file");
    expect(changedLines(before, after, 200)).toEqual(new Set(after.map((_, i) => i + 1)));
  });
});
