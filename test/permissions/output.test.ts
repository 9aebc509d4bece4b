import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../src/permissions/check.ts";
import { fixWorkflowText } from "../../src/permissions/fix.ts";
import { defaultPolicy } from "../../src/permissions/policy.ts";
import {
  jsonReport,
  SARIF_MAX_RESULTS,
  toSarif,
  toSummary,
  toText,
} from "../../src/permissions/report.ts";
import { RULE_IDS, reaches } from "../../src/permissions/rules.ts";
import type { PermissionsResult } from "../../src/permissions/run.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
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
    expect(typo.level).toBe("error");
    expect(typo.locations[0].physicalLocation.region).toMatchObject({
      startLine: 10,
      startColumn: 7,
    });
    expect(validate(JSON.parse(toSarif(resultOf())))).toBe(true);
  });

  it("gives code scanning a security-severity, tags, help and the tool's version, within upload-sarif's limits", () => {
    const sarif = JSON.parse(toSarif(RESULT));
    const [run] = sarif.runs;
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));
    expect(run.tool.driver.version).toBe(manifest.version);
    expect(run.tool.driver.semanticVersion).toBe(manifest.version);
    for (const rule of run.tool.driver.rules) {
      const severity = Number(rule.properties["security-severity"]);
      expect(severity, rule.id).toBeGreaterThanOrEqual(0);
      expect(severity, rule.id).toBeLessThanOrEqual(10);
      expect(rule.properties["security-severity"]).toMatch(/^\d+\.\d$/);
      // upload-sarif: at most 20 tags per rule, and help as text and markdown.
      expect(rule.properties.tags.length).toBeGreaterThan(0);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
      expect(rule.help.text.length).toBeGreaterThan(20);
      expect(rule.help.markdown).toContain(rule.help.text);
    }
    // A write on an untrusted trigger ranks high; a symlink low.
    const byId = Object.fromEntries(
      run.tool.driver.rules.map((rule: { id: string; properties: Record<string, string> }) => [
        rule.id,
        Number(rule.properties["security-severity"]),
      ]),
    );
    expect(byId["write-on-untrusted-trigger"]).toBeGreaterThanOrEqual(7);
    expect(byId["symlinked-workflow"]).toBeLessThan(4);
    // upload-sarif keeps 25,000 results of a run: more are left out and counted, not sent.
    const many = {
      ...RESULT,
      findings: Array.from(
        { length: SARIF_MAX_RESULTS + 5 },
        () => RESULT.findings[0] as (typeof RESULT.findings)[number],
      ),
    };
    const capped = JSON.parse(toSarif(many)).runs[0];
    expect(capped.results).toHaveLength(SARIF_MAX_RESULTS);
    expect(capped.properties.omittedResults).toBe(5);
    expect(RULE_IDS.length).toBeLessThan(25_000);
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
    const summary = toSummary(RESULT, { failOn: "error" }).toString();
    expect(summary.split("\n")[0]).toMatch(
      /^❌ \*\*Failed\*\*: findings at or above fail-on 'error'/,
    );
    const ci = summary.indexOf("### CI &lt;b&gt; \\(\\.github/workflows/ci\\.yml\\)");
    const empty = summary.indexOf("empty\\.yml \\(\\.github/workflows/empty\\.yml\\)");
    expect(ci).toBeGreaterThan(0);
    expect(empty).toBeGreaterThan(ci);
    expect(summary).not.toContain("<b>");
    expect(summary).toContain("did you mean &#39;pull\\-requests&#39;?");
  });

  it("puts the verdict first, one table per workflow, one row per finding however often an alias repeats it, and the diff after --fix", () => {
    const aliased = yaml(
      "on: workflow_run",
      "permissions: {}",
      "jobs:",
      "  a: &job",
      "    runs-on: x",
      "    permissions: { contents: write }",
      "    steps: [{ run: git push }]",
      "  b: *job",
    );
    const result = resultOf([".github/workflows/a.yml", aliased], [".github/workflows/b.yml", CI]);
    const fixed = fixWorkflowText(
      ".github/workflows/c.yml",
      "on: push\njobs:\n  c:\n    runs-on: x\n    steps: [{ uses: actions/checkout@v5 }]\n",
      defaultPolicy,
    );
    const summary = toSummary(
      { ...result, fixes: [fixed], patch: fixed.patch },
      { failOn: "error" },
    ).toString();
    expect(summary.match(/^### /gm)).toHaveLength(3); // a.yml, b.yml, Fixed
    const rows = summary
      .split("\n")
      .filter((line) => line.includes("write\\-on\\-untrusted\\-trigger") && line.startsWith("|"));
    expect(rows).toHaveLength(2); // one for both jobs of a.yml, one for b.yml
    expect(rows[0]).toContain("<code>a</code>, <code>b</code>");
    const untrusted = result.findings.filter((f) => f.rule === "write-on-untrusted-trigger");
    expect(untrusted.filter((f) => f.path.endsWith("a.yml"))).toHaveLength(2);
    expect(summary).toContain("<details><summary>The patch (git apply)</summary>");
    expect(summary).toContain(
      "```diff\ndiff --git a/.github/workflows/c.yml b/.github/workflows/c.yml",
    );
    const passing = toSummary(resultOf(), { failOn: "warning" }).toString();
    expect(passing.split("\n")[0]).toBe(
      "✅ **Passed**: no finding at or above fail-on 'warning'. 0 workflow file\\(s\\) checked\\: 0 error\\(s\\), 0 warning\\(s\\), 0 note\\(s\\), 0 silenced by policy, 0 file\\(s\\) fixed.",
    );
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
