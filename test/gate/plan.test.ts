import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planRules } from "../../src/gate/plan.ts";
import { plan, rules } from "./builders.ts";

const RULES = rules(`rules:
  - id: api
    check: api-tests
    paths: ["crates/api/**"]
  - id: docs
    check: docs
    paths: ["docs/**", ".markdownlint.yml"]
  - id: lint
    check: lint
`);

describe("plan", () => {
  it("applies a rule when a changed path matches, and says which path and glob", () => {
    const [api, docs, lint] = plan(RULES, ["crates/api/src/lib.rs"]);
    expect(api).toMatchObject({
      applies: true,
      reason: "crates/api/src/lib.rs matches crates/api/**",
    });
    expect(docs?.applies).toBe(false);
    expect(docs?.reason).toMatch(/none of 1 changed paths match docs\/\*\*, \.markdownlint\.yml/);
    expect(lint).toMatchObject({ applies: true, reason: "always (the rule has no paths)" });
  });

  it("counts both sides of a rename: a file moved out of crates/api still requires the api checks", () => {
    const [api] = plan(RULES, [
      { path: "crates/core/src/moved.rs", previousPath: "crates/api/src/moved.rs" },
    ]);
    expect(api).toMatchObject({ applies: true, matchedPath: "crates/api/src/moved.rs" });
    const [deleted] = plan(RULES, ["crates/api/src/gone.rs"]);
    expect(deleted?.applies).toBe(true);
  });

  it("matches paths with spaces, unicode and leading dots", () => {
    const file = rules(`rules:
  - check: a
    paths: ["docs/**"]
  - check: b
    paths: ["**/.config/*.toml"]
`);
    expect(plan(file, ["docs/guide/my notes/Überblick.md"])[0]?.applies).toBe(true);
    expect(plan(file, ["crates/x/.config/nextest.toml"])[1]?.applies).toBe(true);
  });

  it("requires every rule when the rules file or a workflow file changes", () => {
    for (const path of [".github/status-gate.yml", ".github/workflows/wash.yml"]) {
      const decisions = plan(RULES, [path]);
      expect(decisions.every((d) => d.applies)).toBe(true);
      expect(decisions[1]?.reason).toContain(path);
    }
    const moved = plan(RULES, [{ path: "old-ci.yml", previousPath: ".github/workflows/ci.yml" }]);
    expect(moved.every((d) => d.applies)).toBe(true);
  });

  it("requires everything when the list of changed files is incomplete", () => {
    const decisions = planRules(RULES, {
      files: [{ path: "README.md" }],
      complete: false,
      source: "GitHub compare",
      everythingBecause: "the compare API lists at most 300 files",
    });
    expect(decisions.every((d) => d.applies && d.reason.includes("at most 300"))).toBe(true);
  });
});

describe("plan's prefix index", () => {
  it("decides exactly as testing every changed path against the rule", () => {
    const part = fc.constantFrom(
      "crates",
      "api",
      "a b",
      ".github",
      "*",
      "**",
      "*.rs",
      "{x,y}",
      "docs",
      "é",
    );
    const glob = fc.array(part, { minLength: 1, maxLength: 3 }).map((p) => p.join("/"));
    const segment = fc.constantFrom(
      "crates",
      "api",
      "a b",
      ".github",
      "x",
      "y",
      "lib.rs",
      "docs",
      "é",
      "README.md",
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((p) => p.join("/"));
    fc.assert(
      fc.property(
        fc.array(glob, { minLength: 1, maxLength: 3 }),
        fc.array(path, { maxLength: 12 }),
        (globs, paths) => {
          const file = rules(`rules:\n  - check: a\n    paths: ${JSON.stringify(globs)}\n`);
          const [decision] = plan(
            file,
            paths.filter((p) => !p.startsWith(".github/")),
          );
          const rule = file.rules[0]!;
          const expected = paths
            .filter((p) => !p.startsWith(".github/"))
            .some((p) => rule.matchesPath.match(p) !== undefined);
          expect(decision?.applies).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
