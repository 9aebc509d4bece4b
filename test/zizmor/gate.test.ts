import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addedLines, decide, fingerprint } from "../../src/zizmor/gate.ts";
import { syntheticFinding } from "./helpers.ts";

describe("fail-on threshold", () => {
  const findings = [syntheticFinding("medium", 4), syntheticFinding("low", 9)];

  it("fails on findings at or above the threshold and passes below it", () => {
    expect(decide(findings, "high", { mode: "off" }).passed).toBe(true);
    const medium = decide(findings, "medium", { mode: "off" });
    expect(medium.passed).toBe(false);
    expect(medium.failing.map((finding) => finding.severity)).toEqual(["medium"]);
    expect(decide(findings, "low", { mode: "off" }).failing).toHaveLength(2);
  });

  it("never fails with fail-on never, and reports the highest severity anyway", () => {
    const verdict = decide(findings, "never", { mode: "off" });
    expect(verdict).toMatchObject({ passed: true, highest: "medium", failing: [] });
    expect(decide([], "informational", { mode: "off" }).highest).toBe("none");
  });

  it("does not count findings zizmor marks as ignored", () => {
    const ignored = syntheticFinding("high", 2, { ignored: true });
    expect(decide([ignored], "low", { mode: "off" })).toMatchObject({
      passed: true,
      highest: "none",
    });
  });
});

describe("new findings only", () => {
  const onLine4 = syntheticFinding("high", 4);
  const onLine9 = syntheticFinding("high", 9);

  it("fails only on findings in lines the pull request changed and reports the rest", () => {
    const changed = new Map([[".github/workflows/ci.yml", new Set([4, 5])]]);
    const verdict = decide([onLine4, onLine9], "high", { mode: "changed-lines", changed });
    expect(verdict.failing).toEqual([onLine4]);
    expect(verdict.preexisting).toEqual([onLine9]);
    expect(verdict.passed).toBe(false);
  });

  it("counts every line of a file GitHub sent no patch for", () => {
    const changed = new Map([[".github/workflows/ci.yml", "whole-file" as const]]);
    expect(decide([onLine9], "high", { mode: "changed-lines", changed }).failing).toHaveLength(1);
    expect(decide([onLine9], "high", { mode: "changed-lines", changed: new Map() }).passed).toBe(
      true,
    );
  });

  it("fails only on findings absent from the baseline, even when their lines moved", () => {
    const moved = syntheticFinding("high", 40, {
      primary: { ...onLine4.primary, line: 40, endLine: 40 },
    });
    const known = new Set([fingerprint(onLine4)]);
    const verdict = decide([moved, onLine9], "high", { mode: "baseline", known });
    expect(verdict.failing).toEqual([onLine9]);
    expect(verdict.preexisting).toEqual([moved]);
  });
});

describe("added lines of a unified diff", () => {
  it("numbers added lines by the new file", () => {
    const patch =
      "@@ -1,3 +1,4 @@\n context\n-removed\n+added one\n+added two\n context\n@@ -10 +11,2 @@\n+x\n \\ No newline at end of file";
    expect([...addedLines(patch)]).toEqual([2, 3, 11]);
  });

  it("only ever reports lines inside the hunks it was given", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.constantFrom("+", "-", " "), { maxLength: 40 }),
        (start, kinds) => {
          const body = kinds.map((kind, at) => `${kind}line ${at}`).join("\n");
          const added = addedLines(`@@ -${start} +${start} @@\n${body}`);
          const newLines = kinds.filter((kind) => kind !== "-").length;
          expect(added.size).toBe(kinds.filter((kind) => kind === "+").length);
          for (const line of added) {
            expect(line).toBeGreaterThanOrEqual(start);
            expect(line).toBeLessThan(start + newLines);
          }
        },
      ),
    );
  });
});
