import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../src/permissions/check.ts";
import { defaultPolicy } from "../../src/permissions/policy.ts";
import { jsonReport, toSarif, toSummary, toText } from "../../src/permissions/report.ts";
import { RULE_IDS, reaches } from "../../src/permissions/rules.ts";
import type { PermissionsResult } from "../../src/permissions/run.ts";
import { yaml } from "./helpers.ts";

const CI = yaml(
  "name: CI <b>",
  "on: pull_request_target",
  "jobs:",
  "  build:",
  "    runs-on: x",
  "  publish:",
  "    runs-on: x",
  "    permissions:",
  "      contents: write",
  "      pull-request: read",
);

function resultOf(...files: [string, string][]): PermissionsResult {
  const findings = files.flatMap(([path, text]) => checkFile(path, text, defaultPolicy));
  return {
    files: files.map(([path]) => path),
    findings,
    silenced: [],
    fixes: [],
    patch: "",
    policyPath: undefined,
    failed: findings.length > 0,
  };
}

const RESULT = resultOf([".github/workflows/ci.yml", CI], [".github/workflows/empty.yml", ""]);

describe("15: output for machines and people", () => {
  it("writes JSON findings with rule, severity, path, line, column, workflow, job, message and fix", () => {
    const { findings } = jsonReport(RESULT) as { findings: Record<string, unknown>[] };
    expect(findings.length).toBe(RESULT.findings.length);
    expect(findings[0]).toEqual({
      rule: "missing-top-level-permissions",
      severity: "error",
      path: ".github/workflows/ci.yml",
      line: 3,
      column: 1,
      workflow: "CI <b>",
      message: expect.any(String),
      fix: expect.stringContaining("permissions: {}"),
    });
    expect(findings.find((f) => f.rule === "job-missing-permissions")).toMatchObject({
      job: "build",
      line: 4,
      column: 3,
    });
    for (const finding of findings) {
      expect(Object.keys(finding)).toEqual(
        ["rule", "severity", "path", "line", "column", "workflow", "job", "message", "fix"].filter(
          (key) => key in finding,
        ),
      );
    }
  });

  it("writes SARIF 2.1.0 that the SARIF schema accepts, with a region per finding and every rule", () => {
    const schema = JSON.parse(
      readFileSync(join(import.meta.dirname, "fixtures", "sarif-2.1.0-rtm.5.json"), "utf8"),
    );
    const validate = new AjvDraft04.default({
      allErrors: true,
      strict: false,
      unicodeRegExp: false,
    }).compile(schema);
    const sarif = JSON.parse(toSarif(RESULT));
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(sarif.version).toBe("2.1.0");
    expect(validate({ ...sarif, version: "2.0.0" }), "the schema must refuse a wrong version").toBe(
      false,
    );
    const [run] = sarif.runs;
    expect(run.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual(RULE_IDS);
    expect(run.results.length).toBe(RESULT.findings.length);
    const typo = run.results.find((r: { ruleId: string }) => r.ruleId === "unknown-scope");
    expect(typo.level).toBe("warning");
    expect(typo.locations[0].physicalLocation.region).toMatchObject({
      startLine: 10,
      startColumn: 7,
    });
    expect(validate(JSON.parse(toSarif(resultOf())))).toBe(true);
  });

  it("prints readable text with path:line:column, the rule, the job and the fix", () => {
    const text = toText(RESULT);
    expect(text).toContain(
      ".github/workflows/ci.yml:4:3: error job-missing-permissions [job build]:",
    );
    expect(text).toContain("    fix: add 'permissions: {}' to job 'build'");
    expect(text).toContain("2 workflow file(s) checked:");
  });

  it("groups the job summary by workflow, each finding with its fix, escaping names from files", () => {
    const summary = toSummary(RESULT).toString();
    const ci = summary.indexOf("### CI &lt;b&gt; \\(\\.github/workflows/ci\\.yml\\)");
    const empty = summary.indexOf("empty\\.yml \\(\\.github/workflows/empty\\.yml\\)");
    expect(ci).toBeGreaterThan(0);
    expect(empty).toBeGreaterThan(ci);
    expect(summary).not.toContain("<b>");
    expect(summary).toContain("did you mean &#39;pull\\-requests&#39;?");
  });

  it("fails at or above the threshold, and never with 'never'", () => {
    expect(reaches("error", "error")).toBe(true);
    expect(reaches("warning", "error")).toBe(false);
    expect(reaches("warning", "warning")).toBe(true);
    expect(reaches("note", "warning")).toBe(false);
    expect(reaches("note", "note")).toBe(true);
    expect(reaches("error", "never")).toBe(false);
  });
});
