import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  closestScope,
  isKnownScope,
  SCOPES,
  SCOPES_VERSION,
  validLevels,
} from "../../src/permissions/scopes.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { check, rulesOf, yaml } from "./helpers.ts";

const PARSER = join(PROJECT_ROOT, "node_modules", "@actions", "workflow-parser");

/** `permissions-mapping` of the parser's workflow schema: each scope and the values it takes. */
function parserScopes(): Record<string, string[]> {
  const schema = JSON.parse(
    readFileSync(join(PARSER, "dist", "workflow-v1.0.min.json"), "utf8"),
  ) as {
    definitions: Record<
      string,
      {
        mapping?: { properties: Record<string, { type: string }> };
        "one-of"?: string[];
        string?: { constant: string };
      }
    >;
  };
  const levels = (type: string): string[] => {
    const definition = schema.definitions[type];
    if (definition?.string) return [definition.string.constant];
    return (definition?.["one-of"] ?? []).flatMap(levels);
  };
  const mapping = schema.definitions["permissions-mapping"]?.mapping?.properties ?? {};
  return Object.fromEntries(
    Object.entries(mapping).map(([scope, { type }]) => [scope, levels(type)]),
  );
}

describe("the scope table", () => {
  it("is GitHub's own: the scopes and values of @actions/workflow-parser's schema, with its version", () => {
    const manifest = JSON.parse(readFileSync(join(PARSER, "package.json"), "utf8")) as {
      version: string;
    };
    expect(SCOPES_VERSION).toBe(`@actions/workflow-parser ${manifest.version}`);
    expect(SCOPES).toEqual(parserScopes());
    // The table as the scenario names it: the current scopes and the older repository-projects.
    for (const scope of [
      "artifact-metadata",
      "code-quality",
      "copilot-requests",
      "drives",
      "repository-projects",
    ]) {
      expect(isKnownScope(scope), scope).toBe(true);
    }
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

  it("reports a scope missing from the table as an error, as GitHub refuses it, never a crash", () => {
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
      expect(findings[0]?.severity).toBe("error");
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
