import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diskWorkflowFiles } from "../../src/permissions/files.ts";
import { defaultPolicy, loadPolicy } from "../../src/permissions/policy.ts";
import { type PermissionsInputs, run } from "../../src/permissions/run.ts";
import { locate, yaml } from "./helpers.ts";

const PATH = ".github/permissions-policy.yml";

async function runIn(files: Record<string, string>, inputs: Partial<PermissionsInputs> = {}) {
  const root = mkdtempSync(join(tmpdir(), "sg-permissions-policy-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    const all = {
      paths: [".github/workflows"],
      policyPath: PATH,
      fix: false,
      failOn: "error" as const,
      ...inputs,
    };
    return await run(all, { files: diskWorkflowFiles(root) });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const LEGACY = yaml(
  "on: push",
  "permissions: {}",
  "jobs:",
  "  build:",
  "    runs-on: x",
  "    steps: [{ run: make }]",
);

describe("the policy file", () => {
  it("is optional: without it the default policy ({} on top, no allow-list, no exceptions) applies", async () => {
    const result = await runIn({ ".github/workflows/ci.yml": LEGACY });
    expect(result.policyPath).toBeUndefined();
    expect(result.findings.map((f) => f.rule)).toEqual(["job-missing-permissions"]);
    expect(defaultPolicy).toEqual({ topLevel: "empty", maxGrants: undefined, exceptions: [] });
  });

  it("reads the accepted top-level form, the maximum grants and the exceptions", () => {
    const { policy, problems } = loadPolicy(
      PATH,
      yaml(
        "top-level: read-only",
        "max-grants:",
        "  - workflow: '*'",
        "    permissions: { '*': read }",
        "  - workflow: release.yml",
        "    job: publish",
        "    permissions: { contents: write, id-token: write }",
        "exceptions:",
        "  - rule: unused-id-token",
        "    workflow: bench.yml",
        "    job: bench",
        "    reason: the bench script fetches an OIDC token through the AWS CLI",
      ),
    );
    expect(problems).toEqual([]);
    expect(policy.topLevel).toBe("read-only");
    expect(policy.maxGrants).toEqual([
      { workflow: "*", job: undefined, permissions: { "*": "read" } },
      {
        workflow: "release.yml",
        job: "publish",
        permissions: { contents: "write", "id-token": "write" },
      },
    ]);
    expect(policy.exceptions[0]).toMatchObject({ rule: "unused-id-token", job: "bench" });
  });

  it("reports every mistake at its line and column", () => {
    const text = yaml(
      "top-level: write",
      "colour: blue",
      "max-grants:",
      "  - workflow: '*'",
      "    permissions: { contents: admin, pull-request: read }",
      "exceptions:",
      "  - rule: no-such-rule",
      "    workflow: '*'",
      "    reason: x",
      "  - rule: job-missing-permissions",
      "    workflow: ci.yml",
    );
    const { problems } = loadPolicy(PATH, text);
    const at = problems.map((p) => ({ line: p.position.line, column: p.position.column }));
    expect(at).toEqual([
      locate(text, "colour"),
      locate(text, "write"),
      locate(text, "admin"),
      locate(text, "pull-request"),
      locate(text, "rule: no"),
      locate(text, "rule: job-missing-permissions"),
    ]);
    expect(problems[0]?.message).toContain("valid keys are top-level, max-grants, exceptions");
    expect(problems[5]?.message).toContain("needs a reason");
  });

  it("reports invalid YAML in the policy with its position and fails the run", async () => {
    const result = await runIn({ ".github/workflows/ci.yml": LEGACY, [PATH]: "exceptions: [\n" });
    expect(result.policyProblems[0]?.position.line).toBeGreaterThanOrEqual(1);
    expect(result.failed).toBe(true);
  });

  it("9: silences a finding only through an exception with a reason, and says which", async () => {
    const policy = yaml(
      "exceptions:",
      "  - rule: job-missing-permissions",
      "    workflow: ci.yml",
      "    job: build",
      "    reason: build runs only make, with no token",
    );
    const result = await runIn({ ".github/workflows/ci.yml": LEGACY, [PATH]: policy });
    expect(result.findings).toEqual([]);
    expect(result.silenced.map((s) => s.exception.reason)).toEqual([
      "build runs only make, with no token",
    ]);
    expect(result.failed).toBe(false);
    const other = await runIn({ ".github/workflows/other.yml": LEGACY, [PATH]: policy });
    expect(other.findings.map((f) => f.rule)).toEqual(["job-missing-permissions"]);
  });

  it("refuses an exception without a reason instead of silencing", async () => {
    const policy = yaml(
      "exceptions:",
      "  - rule: job-missing-permissions",
      "    workflow: '*'",
      "    reason: '  '",
    );
    const result = await runIn({ ".github/workflows/ci.yml": LEGACY, [PATH]: policy });
    expect(result.policyProblems.map((p) => p.message)).toEqual([
      `${PATH}: every exception needs a reason`,
    ]);
    expect(result.findings.map((f) => f.rule)).toEqual(["job-missing-permissions"]);
  });

  it("fails when a named policy file is missing, naming the input", async () => {
    await expect(
      runIn({ ".github/workflows/ci.yml": LEGACY }, { policyPath: "policy.yml" }),
    ).rejects.toThrow(/policy file 'policy.yml' does not exist \(input 'policy'\)/);
  });
});
