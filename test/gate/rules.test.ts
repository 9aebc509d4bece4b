import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/core/errors.ts";
import { parseRules } from "../../src/gate/rules.ts";

function errorOf(text: string): ConfigurationError {
  try {
    parseRules(".github/status-gate.yml", text);
  } catch (thrown) {
    if (thrown instanceof ConfigurationError) return thrown;
    throw thrown;
  }
  throw new Error("expected a configuration error");
}

describe("rules file", () => {
  it("reads rules with defaults: id from job or check, no paths means always", () => {
    const file = parseRules(
      "r.yml",
      `rules:
  - check: "test (*)"
    workflow: .github/workflows/wash.yml
    paths: ["crates/**", "!crates/docs/**"]
    allow: [skipped]
    timeout: 30m
  - job: lint
    advisory: true
`,
    );
    expect(file.rules.map((rule) => rule.id)).toEqual(["test (*)", "lint"]);
    const [test, lint] = file.rules;
    expect(test?.timeoutMs).toBe(30 * 60_000);
    expect(test?.allow).toEqual(["skipped"]);
    expect(test?.matchesName("test (ubuntu, 1.80)")).toBe(true);
    expect(lint?.paths).toEqual([]);
    expect(lint?.advisory).toBe(true);
    expect(lint?.matchesName("lint")).toBe(true);
  });

  it("annotates an unknown key at its line and lists the valid keys", () => {
    const error = errorOf("rules:\n  - check: lint\n    path: [src/**]\n");
    expect(error.position?.line).toBe(3);
    expect(error.message).toMatch(/unknown key 'path'; valid keys: id, check, job, workflow/);
  });

  it("refuses a conclusion outside the allow-list, naming the valid ones", () => {
    const error = errorOf("rules:\n  - check: lint\n    allow: [failure]\n");
    expect(error.position?.line).toBe(3);
    expect(error.message).toMatch(/rules\.0\.allow\.0: must be one of neutral, skipped/);
  });

  it("needs check or job in every rule", () => {
    const error = errorOf("rules:\n  - paths: [src/**]\n");
    expect(error.message).toMatch(/needs 'check'.*or 'job'/);
    expect(error.position?.line).toBe(2);
  });

  it("refuses a malformed glob, a bad timeout, a duplicate id and an output name as id", () => {
    expect(errorOf("rules:\n  - check: a\n    paths: ['src/[a']\n").message).toMatch(
      /unclosed '\['/,
    );
    expect(errorOf("rules:\n  - check: a\n    timeout: soon\n").message).toMatch(/not a duration/);
    const duplicate = errorOf("rules:\n  - check: a\n  - check: a\n");
    expect(duplicate.message).toMatch(/used twice/);
    expect(duplicate.position?.line).toBe(3);
    expect(errorOf("rules:\n  - check: result\n").message).toMatch(/output name/);
  });

  it("reports YAML syntax errors at their line", () => {
    const error = errorOf("rules:\n  - check: [unclosed\n");
    expect(error.position?.file).toBe(".github/status-gate.yml");
    expect(error.position?.line).toBeGreaterThanOrEqual(2);
  });

  it("requires a workflow pin to be a file under .github/workflows", () => {
    expect(errorOf("rules:\n  - check: a\n    workflow: ci.yml\n").message).toMatch(
      /a file under \.github\/workflows/,
    );
  });
});
