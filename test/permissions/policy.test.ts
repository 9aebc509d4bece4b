import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileProblems } from "../../src/core/yaml-file.ts";
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

/** The problems a policy text has, each with its line and column. */
function policyProblems(text: string) {
  try {
    loadPolicy(PATH, text);
    return [];
  } catch (thrown) {
    if (!(thrown instanceof FileProblems)) throw thrown;
    return thrown.problems.map((p) => ({ message: p.message, ...p.position }));
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
    const policy = loadPolicy(
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

  it("reports every mistake at once, each at its line and column", () => {
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
    const problems = policyProblems(text);
    expect(problems.map(({ line, column }) => ({ line, column }))).toEqual([
      locate(text, "write"),
      locate(text, "colour"),
      locate(text, "admin"),
      locate(text, "pull-request"),
      locate(text, "no-such-rule"),
      locate(text, "rule: job-missing-permissions"),
    ]);
    expect(problems[1]?.message).toContain(
      "unknown key 'colour'; valid keys: top-level, max-grants, exceptions",
    );
    expect(problems[3]?.message).toContain(
      "unknown key 'pull-request'; did you mean 'pull-requests'?",
    );
    expect(problems[5]?.message).toContain("'reason' is required");
  });

  it("refuses invalid YAML in the policy with its position", async () => {
    await expect(
      runIn({ ".github/workflows/ci.yml": LEGACY, [PATH]: "exceptions: [\n" }),
    ).rejects.toThrow(/permissions-policy\.yml:\d+:\d+: /);
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
    expect(policyProblems(policy).map((p) => p.message)).toEqual([
      "every exception needs a reason",
    ]);
    await expect(runIn({ ".github/workflows/ci.yml": LEGACY, [PATH]: policy })).rejects.toThrow(
      FileProblems,
    );
  });

  it("fails when a named policy file is missing", async () => {
    await expect(
      runIn({ ".github/workflows/ci.yml": LEGACY }, { policyPath: "policy.yml" }),
    ).rejects.toThrow(/the policy file 'policy.yml' does not exist/);
  });
});
