import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { FileProblems } from "../../src/core/yaml-file.ts";
import { checkFile } from "../../src/permissions/check.ts";
import { diskWorkflowFiles } from "../../src/permissions/files.ts";
import { fixWorkflowText } from "../../src/permissions/fix.ts";
import { defaultPolicy, loadPolicy } from "../../src/permissions/policy.ts";
import { run } from "../../src/permissions/run.ts";
import { check, expression, locate, rulesOf, where, yaml } from "./helpers.ts";

describe("10: files of every shape", () => {
  it("follows anchors and aliases: an aliased block is checked and reported where it is used", () => {
    const text = yaml(
      "on: push",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    permissions: &grants",
      "      contents: read",
      "      pull-request: read",
      "  b:",
      "    runs-on: x",
      "    permissions: *grants",
    );
    const findings = check(text);
    expect(rulesOf(findings)).toEqual(["unknown-scope", "unknown-scope"]);
    expect(findings.map((finding) => finding.job)).toEqual(["a", "b"]);
  });

  it("reads multi-line flow maps with exact positions", () => {
    const text = yaml(
      "on: push",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    permissions: {",
      "      contents: read,",
      "      issues: admin",
      "    }",
    );
    const findings = check(text);
    expect(rulesOf(findings)).toEqual(["invalid-permission-value"]);
    expect(where(findings[0])).toEqual(locate(text, "admin"));
  });

  it("keeps positions right with comments, CRLF line endings and a byte order mark", () => {
    const lf = yaml(
      "# ci",
      "on: push # trigger",
      "jobs:",
      "  # the build",
      "  build:",
      "    runs-on: x",
    );
    const crlf = `\uFEFF${lf.replace(/\n/g, "\r\n")}`;
    for (const text of [lf, crlf]) {
      const findings = check(text);
      expect(rulesOf(findings)).toEqual([
        "missing-top-level-permissions",
        "job-missing-permissions",
      ]);
      expect(findings.map(where)).toEqual([
        { line: 3, column: 1 },
        { line: 5, column: 3 },
      ]);
    }
  });

  it("reports tabs used as indentation as invalid YAML at the tab", () => {
    const text = "on: push\njobs:\n\tbuild:\n\t\truns-on: x\n";
    const [finding, ...rest] = check(text);
    expect(rest).toEqual([]);
    expect(finding?.rule).toBe("invalid-yaml");
    expect(finding?.line).toBe(3);
    expect(finding?.message).toMatch(/tab/i);
  });

  it("reports invalid YAML with the position of the first error", () => {
    const text = yaml("on: push", "jobs:", "  build:", "    runs-on: [x", "    steps: []");
    const [finding] = check(text);
    expect(finding?.rule).toBe("invalid-yaml");
    expect(finding?.severity).toBe("error");
    expect(finding?.line).toBeGreaterThanOrEqual(4);
  });

  it("reports an empty file, a list and a YAML file that is not a workflow as not-a-workflow", () => {
    for (const text of [
      "",
      "\n# only a comment\n",
      "- a\n- b\n",
      "name: just a config\nkey: value\n",
      "plain text",
    ]) {
      const findings = check(text);
      expect(rulesOf(findings)).toEqual(["not-a-workflow"]);
      expect(where(findings[0])).toEqual({ line: 1, column: expect.any(Number) });
    }
  });

  it("reports a duplicate key as invalid YAML rather than silently picking one", () => {
    const text = yaml("on: push", "permissions: {}", "permissions: write-all", "jobs: {}");
    expect(rulesOf(check(text))).toEqual(["invalid-yaml"]);
  });

  it("checks every .yml and .yaml file of .github/workflows and each path given", async () => {
    const root = mkdtempSync(join(tmpdir(), "sg-permissions-files-"));
    try {
      mkdirSync(join(root, ".github", "workflows"), { recursive: true });
      writeFileSync(join(root, ".github", "workflows", "a.yml"), "on: push\njobs: {}\n");
      writeFileSync(join(root, ".github", "workflows", "b.yaml"), "");
      writeFileSync(join(root, ".github", "workflows", "notes.md"), "# not yaml");
      writeFileSync(join(root, "extra.yml"), "on: push\npermissions: {}\njobs: {}\n");
      const inputs = {
        paths: [".github/workflows", "extra.yml"],
        policyPath: ".github/permissions-policy.yml",
        fix: false,
        failOn: "error" as const,
      };
      const result = await run(inputs, { files: diskWorkflowFiles(root) });
      expect(result.files).toEqual([
        ".github/workflows/a.yml",
        ".github/workflows/b.yaml",
        "extra.yml",
      ]);
      expect(result.findings.map((f) => `${f.path} ${f.rule}`)).toEqual([
        ".github/workflows/a.yml missing-top-level-permissions",
        ".github/workflows/b.yaml not-a-workflow",
      ]);
      await expect(
        run({ ...inputs, paths: ["missing"] }, { files: diskWorkflowFiles(root) }),
      ).rejects.toThrow(/'missing' does not exist/);
      mkdirSync(join(root, "empty"));
      await expect(
        run({ ...inputs, paths: ["empty"] }, { files: diskWorkflowFiles(root) }),
      ).rejects.toThrow(/no \.yml or \.yaml workflow files under 'empty'/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("10: nothing a file holds makes the enforcer throw", () => {
  const tokens = [
    "on:",
    "jobs:",
    "permissions:",
    "  ",
    "    ",
    "\t",
    "\n",
    "\r\n",
    "- ",
    "&a ",
    "*a",
    "<<: ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "read",
    "write-all",
    "contents: write",
    "id-token: read",
    "#",
    "'",
    '"',
    "? ",
    "|",
    ">",
    "---",
    "...",
    "\uFEFF",
    "uses: actions/checkout@v5",
    `run: echo ${expression("github.token")}`,
    "pull_request_target",
    "steps:",
  ];
  const workflowish = fc
    .array(fc.constantFrom(...tokens), { maxLength: 60 })
    .map((parts) => parts.join(""));

  it("arbitrary text, checked, fixed and read as a policy", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), workflowish), (text) => {
        checkFile(".github/workflows/x.yml", text, defaultPolicy);
        try {
          loadPolicy(".github/permissions-policy.yml", text);
        } catch (thrown) {
          // Every mistake is a report at a position, never a crash.
          expect(thrown).toBeInstanceOf(FileProblems);
        }
        const fix = fixWorkflowText(".github/workflows/x.yml", text, defaultPolicy);
        expect(fixWorkflowText(fix.path, fix.after, defaultPolicy).after).toBe(fix.after);
      }),
      { numRuns: 400 },
    );
  });

  it("arbitrary YAML documents, checked and fixed", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.boolean(), (value, asWorkflow) => {
        const data = asWorkflow ? { on: "push", jobs: value, permissions: value } : value;
        const text = stringify(data);
        checkFile(".github/workflows/x.yml", text, defaultPolicy);
        fixWorkflowText(".github/workflows/x.yml", text, defaultPolicy);
      }),
      { numRuns: 300 },
    );
  });
});
