import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/core/errors.ts";
import { FileProblems } from "../../src/core/yaml-file.ts";
import { allowedOn, parseRules } from "../../src/gate/rules.ts";

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
    expect(error.message).toMatch(
      /rules\[0\]: unknown key 'path'; did you mean 'paths'\?; valid keys: id, check, job, workflow/,
    );
  });

  it("refuses a conclusion outside the allow-list, naming the valid ones", () => {
    const error = errorOf("rules:\n  - check: lint\n    allow: [failure]\n");
    expect(error.position?.line).toBe(3);
    expect(error.message).toMatch(
      /rules\[0\]\.allow\[0\]: is 'failure'; valid values: "neutral", "skipped"/,
    );
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
    expect(errorOf("rules:\n  - check: a\n    timeout: soon\n").message).toMatch(
      /timeout: is 'soon'; use a duration such as 90s/,
    );
    const duplicate = errorOf("rules:\n  - check: a\n  - check: a\n");
    expect(duplicate.message).toMatch(/rule id 'a' is also the id of rule 1; give one an 'id:'/);
    expect(duplicate.position?.line).toBe(3);
    expect(errorOf("rules:\n  - check: result\n").message).toMatch(/output name/);
  });

  it("refuses ids that differ only in case, as output names do not (GitHub reads outputs case-insensitively)", () => {
    const twins = errorOf("rules:\n  - id: lint\n    check: a\n  - id: Lint\n    check: b\n");
    expect(twins.message).toMatch(
      /rule id 'Lint' is also the id of rule 1 \('lint'\), which outputs do not tell apart from it/,
    );
    expect(twins.position?.line).toBe(4);
    expect(errorOf("rules:\n  - check: Result\n").message).toMatch(/'Result' is an output name/);
    expect(
      errorOf("rules:\n  - id: a\n    check: a\n  - id: A_Files\n    check: b\n").message,
    ).toMatch(/rule id 'A_Files' is the output listing the files of rule 'a'/);
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

describe("rules file: every problem at once, at file:line:column", () => {
  it("reports YAML, glob, name-pattern, event and id problems together", () => {
    const error = errorOf(`rules:
  - check: "test [z-a]"
    paths: ["[z-a]/**", "docs/", "{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"]
  - check: lint
    events: [pul_request]
    allow: { merge_gruop: [skipped] }
  - check: lint
`);
    expect(error).toBeInstanceOf(FileProblems);
    const problems = (error as FileProblems).problems.map(
      (p) => `${p.position.line}:${p.position.column} ${p.message}`,
    );
    expect(problems).toEqual([
      "2:12 the range 'z-a' is backwards; write 'a-z'",
      "3:13 path glob '[z-a]/**': the range 'z-a' is backwards and matches nothing; write 'a-z'",
      "3:25 path glob 'docs/': a trailing '/' never matches a changed file, which is always a file; write 'docs/**' for everything under it",
      expect.stringMatching(/^3:34 path glob '\{a,b\}.*': its braces expand to 2,048 patterns/),
      "5:14 'pul_request' is not an event a workflow runs on; did you mean 'pull_request'? (such as push, pull_request, merge_group)",
      "6:14 'merge_gruop' is not an event a workflow runs on; did you mean 'merge_group'? (such as push, pull_request, merge_group)",
      "7:12 rule id 'lint' is also the id of rule 2; give one an 'id:'",
    ]);
  });

  it("refuses a YAML alias bomb at its position instead of expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const name of ["b", "c", "d", "e", "f", "g"]) {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const error = errorOf(`${levels.join("\n")}\nrules: []\n`);
    expect(error.position).toMatchObject({ line: 1, column: 1 });
    expect(error.message).toMatch(/resource exhaustion.*write the values out/);
  });

  it("refuses a rule id that another rule's files output already takes", () => {
    const error = errorOf("rules:\n  - check: wash\n  - check: wash_files\n");
    expect(error.position?.line).toBe(3);
    expect(error.message).toMatch(/'wash_files' is the output listing the files of rule 'wash'/);
  });

  it("reads per-event conditions, labels and durations in the suite's one grammar", () => {
    const file = parseRules(
      "r.yml",
      `rules:
  - id: canary
    check: canary-publish
    events: [push, merge_group]
    labels: [canary]
    timeout: 2d
  - id: wit
    check: publish
    allow: { pull_request: [skipped] }
`,
    );
    const [canary, wit] = file.rules;
    expect(canary).toMatchObject({ events: ["push", "merge_group"], labels: ["canary"] });
    expect(canary?.timeoutMs).toBe(2 * 86_400_000);
    expect(wit && allowedOn(wit, "pull_request")).toEqual(["skipped"]);
    expect(wit && allowedOn(wit, "push")).toEqual([]);
  });
});
