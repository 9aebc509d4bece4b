import { describe, expect, it } from "vitest";
import {
  closestScope,
  isKnownScope,
  SCOPES,
  SCOPES_VERSION,
  validLevels,
} from "../../src/permissions/scopes.ts";
import { check, rulesOf, yaml } from "./helpers.ts";

describe("the scope table", () => {
  it("lists the current GITHUB_TOKEN scopes and the older repository-projects, under one version", () => {
    expect(SCOPES_VERSION).toMatch(/^\d{4}-\d{2}$/);
    expect(Object.keys(SCOPES).sort()).toEqual(
      [
        "actions",
        "artifact-metadata",
        "attestations",
        "checks",
        "code-quality",
        "contents",
        "deployments",
        "discussions",
        "id-token",
        "issues",
        "models",
        "packages",
        "pages",
        "pull-requests",
        "repository-projects",
        "security-events",
        "statuses",
        "vulnerability-alerts",
      ].sort(),
    );
  });

  it("knows which values each scope takes", () => {
    expect(validLevels("contents")).toEqual(["read", "write", "none"]);
    expect(validLevels("id-token")).toEqual(["write", "none"]);
    expect(validLevels("models")).toEqual(["read", "none"]);
    expect(validLevels("vulnerability-alerts")).toEqual(["read", "none"]);
  });

  it("suggests the scope a typo meant, and nothing for a word far from every scope", () => {
    expect(closestScope("pull-request")).toBe("pull-requests");
    expect(closestScope("content")).toBe("contents");
    expect(closestScope("kubernetes-clusters")).toBeUndefined();
    expect(isKnownScope("toString")).toBe(false);
  });

  it("reports a scope missing from the table as a warning, never a crash", () => {
    for (const scope of ["toString", "__proto__", "constructor", "future-scope"]) {
      const text = yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    runs-on: x",
        "    permissions:",
        `      ${scope}: read`,
      );
      const findings = check(text);
      expect(rulesOf(findings)).toEqual(["unknown-scope"]);
      expect(findings[0]?.severity).toBe("warning");
    }
  });

  it("accepts the shorthands read-all, write-all and {} as values (reporting the blanket ones)", () => {
    for (const [value, rules] of [
      ["{}", []],
      ["read-all", ["blanket-permissions"]],
      ["write-all", ["blanket-permissions"]],
    ] as const) {
      const text = yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    runs-on: x",
        `    permissions: ${value}`,
      );
      expect(rulesOf(check(text))).toEqual(rules);
    }
  });
});
