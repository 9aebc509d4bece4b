import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fixWorkflowText } from "../../src/permissions/fix.ts";
import { defaultPolicy } from "../../src/permissions/policy.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import {
  check,
  expression,
  locate,
  policyOf,
  removeRepositories,
  repository,
  rulesOf,
  runIn,
  yaml,
} from "./helpers.ts";

afterAll(removeRepositories);

/** A job without a block in a workflow without a top level, so the fixer writes its block. */
function job(...steps: string[]): string {
  return yaml("on: push", "jobs:", "  a:", "    runs-on: x", "    steps:", ...steps);
}

function blockOf(text: string, policy = defaultPolicy) {
  const fixed = fixWorkflowText(".github/workflows/ci.yml", text, policy);
  return fixed.changes.find((change) => change.job === "a");
}

describe("the inference table: this suite's own actions and artifact-metadata", () => {
  it.each([
    [["      - uses: wasmcloud/status-gate/actions/permissions@v1"], "{ contents: read }"],
    [["      - uses: ./actions/harden"], "{ contents: read }"],
    [
      [
        "      - uses: wasmcloud/status-gate/actions/attest-oci@0123456789abcdef0123456789abcdef01234567 # v1",
        "        with: { subjects: ghcr.io/o/r:1 }",
      ],
      "{ attestations: write, id-token: write, packages: write }",
    ],
    [["      - uses: ./actions/attest-oci", "        with: { mode: verify, subjects: x }"], "{}"],
    [
      [
        "      - uses: wasmcloud/status-gate/actions/zizmor@v1",
        "        with: { check-run: 'true' }",
      ],
      "{ checks: write, contents: read }",
    ],
    [
      ["      - uses: wasmcloud/status-gate@v1", "        with: { verdict-check: status-gate }"],
      "{ actions: read, checks: write, contents: read, pull-requests: read, statuses: read }",
    ],
    [
      ["      - uses: ./", "        with: { mode: plan }"],
      "{ contents: read, pull-requests: read }",
    ],
    [
      ["      - uses: wasmcloud/status-gate/actions/train-release@v1"],
      "{ actions: read, contents: write, pull-requests: write }",
    ],
    [
      ["      - uses: wasmcloud/status-gate/actions/bench@v1", "        with: { results: out }"],
      "{ contents: write, pull-requests: write }",
    ],
    [
      [
        "      - uses: ./actions/bench",
        "        with: { comment-on-alert: 'false', comment: 'false', storage: 's3://b' }",
      ],
      "{ contents: read }",
    ],
    [
      [
        "      - uses: actions/attest-build-provenance@v4",
        "        with: { subject-name: ghcr.io/o/r, push-to-registry: true }",
      ],
      "{ artifact-metadata: write, attestations: write, id-token: write }",
    ],
  ])("%j gives %s", (steps, block) => {
    const change = blockOf(job(...steps));
    // A job that needs nothing is left to inherit the 'permissions: {}' added on top.
    if (block === "{}") expect(change).toBeUndefined();
    else expect(change?.description).toContain(`'permissions: ${block}'`);
  });

  it("never calls a grant unused that an action may need under configuration the step does not show", () => {
    const workflow = [
      "on: push",
      "permissions: {}",
      "jobs:",
      "  train:",
      "    runs-on: ubuntu-latest",
      "    permissions: { contents: write, pull-requests: write, actions: write }",
      "    steps:",
      "      - uses: wasmcloud/status-gate/actions/train-release@v1",
      "  bench:",
      "    runs-on: ubuntu-latest",
      "    permissions: { contents: write, pull-requests: write }",
      "    steps:",
      "      - uses: wasmcloud/status-gate/actions/bench@v1",
      "        with: { results: out, storage: git-branch }",
      "  idle:",
      "    runs-on: ubuntu-latest",
      "    permissions: { actions: write }",
      "    steps:",
      "      - run: echo hi",
      "",
    ].join("\n");
    const unused = check(workflow).filter((finding) => finding.rule === "unused-permissions");
    expect(unused.map((finding) => finding.message)).toEqual([
      expect.stringContaining("job 'idle' grants 'actions: write'"),
    ]);
  });

  it("covers the attest example of this repository: id-token and attestations, and 0 findings after the fix", () => {
    const example = readFileSync(
      join(PROJECT_ROOT, "examples", "workflows", "attest-oci-images.yml"),
      "utf8",
    );
    const withoutBlocks = example
      .replace(/^permissions: \{\}\n/m, "")
      .replace(/^ {4}permissions:\n(?: {6}[^\n]*\n)+/gm, "");
    expect(withoutBlocks).not.toContain("permissions:");
    const fixed = fixWorkflowText(".github/workflows/attest.yml", withoutBlocks, defaultPolicy);
    expect(fixed.after).toMatch(/id-token: write/);
    expect(fixed.after).toMatch(/attestations: write/);
    expect(check(fixed.after).filter((f) => f.severity === "error")).toEqual([]);
  });

  it("reads entries for other actions from the policy, with their reason, ahead of the table", () => {
    const policy = policyOf(
      "actions:",
      "  - uses: my-org/deploy-*",
      "    permissions: { deployments: write }",
      "    reason: creates a deployment",
      "  - uses: actions/checkout",
      "    permissions: {}",
      "    reason: this repository is public",
    );
    const change = blockOf(
      job("      - uses: actions/checkout@v5", "      - uses: My-Org/deploy-prod@v2"),
      policy,
    );
    expect(change?.description).toBe(
      "added 'permissions: { deployments: write }' to job 'a' (deployments: write for step 2 (My-Org/deploy-prod) (policy: creates a deployment))",
    );
    expect(change?.review).toEqual([]);
  });

  it("refuses a policy action entry without a reason, or with '*'", () => {
    expect(() =>
      policyOf("actions:", "  - uses: a/b", "    permissions: { '*': write }", "    reason: ' '"),
    ).toThrow(/(?=[\s\S]*every action entry needs a reason)(?=[\s\S]*'\*' is only for max-grants)/);
  });

  it("leaves a review warning after --fix for an action the table does not know, at the written block", async () => {
    const text = job("      - uses: actions/checkout@v5", "      - uses: someone/tool@v1");
    const root = repository({ ".github/workflows/ci.yml": text });
    const result = await runIn(root, { fix: true, failOn: "warning" });
    const after = readFileSync(join(root, ".github", "workflows", "ci.yml"), "utf8");
    expect(rulesOf(result.findings)).toEqual(["needs-review"]);
    expect(result.findings[0]).toMatchObject({
      severity: "warning",
      job: "a",
      ...locate(after, "permissions:  # status-gate: review"),
    });
    expect(result.findings[0]?.message).toContain(
      "someone/tool@v1 is an action the inference table does not know",
    );
    expect(result.failed).toBe(true);
  });
});

describe("over-grants: write scopes no step can use", () => {
  const ECHO = yaml(
    "on: push",
    "permissions: {}",
    "jobs:",
    "  hello:",
    "    runs-on: x",
    "    permissions:",
    "      contents: write",
    "      packages: write",
    "      actions: write",
    "      pull-requests: write",
    "    steps:",
    "      - run: echo hi",
  );

  it("names the unused scopes of a job that runs `echo hi` with four write grants", () => {
    const findings = check(ECHO);
    expect(rulesOf(findings)).toEqual(["unused-permissions"]);
    expect(findings[0]?.message).toBe(
      "job 'hello' grants 'contents: write, packages: write, actions: write, pull-requests: write' that nothing it runs can use: no action it runs needs them and no step can reach the token",
    );
    expect(findings[0]).toMatchObject(locate(ECHO, "write"));
    expect(findings[0]?.fix).toBe("lower the block to 'permissions: {}'");
  });

  it("keeps what the table says a step needs, and says nothing when a step can reach the token", () => {
    const release = ECHO.replace(
      "      - run: echo hi",
      "      - uses: softprops/action-gh-release@v2",
    );
    const [finding] = check(release);
    expect(finding?.message).toContain("'packages: write, actions: write, pull-requests: write'");
    expect(finding?.fix).toBe("lower the block to 'permissions: { contents: write }'");
    for (const step of [
      `      - run: gh release create v1\n        env:\n          GH_TOKEN: ${expression("github.token")}`,
      "      - run: git push origin main",
      `      - run: curl -sf https://api.github.com/repos/o/r\n        env:\n          TOKEN: ${expression("secrets.GITHUB_TOKEN")}`,
      "      - uses: someone/unknown@v1",
      // The whole secrets or github context holds the token too.
      `      - run: echo '${expression("toJSON(secrets)")}' > secrets.json`,
      `      - run: echo '${expression("toJSON(github)")}' > github.json`,
      `      - run: echo "${expression("secrets['GITHUB_TOKEN']")}"`,
    ]) {
      expect(rulesOf(check(ECHO.replace("      - run: echo hi", step))), step).toEqual([]);
    }
  });

  it("counts contents: write as usable after a checkout that keeps the token for git", () => {
    // actions/checkout keeps the token in .git/config by default: a later script can push.
    for (const checkout of [
      "      - uses: actions/checkout@v5",
      "      - uses: actions/checkout@v5\n        with: { persist-credentials: true }",
    ]) {
      const job = ECHO.replace("      - run: echo hi", `${checkout}\n      - run: ./release.sh`);
      const [finding, ...more] = check(job);
      expect(more).toEqual([]);
      expect(finding?.message).toContain("'packages: write, actions: write, pull-requests: write'");
      expect(finding?.fix).toBe("lower the block to 'permissions: { contents: write }'");
    }
    // Without persisted credentials, or with no command after the checkout, nothing can push.
    for (const steps of [
      "      - uses: actions/checkout@v5\n        with: { persist-credentials: false }\n      - run: ./release.sh",
      "      - run: ./release.sh\n      - uses: actions/checkout@v5",
    ]) {
      const [finding] = check(ECHO.replace("      - run: echo hi", steps));
      expect(finding?.fix, steps).toBe("lower the block to 'permissions: { contents: read }'");
    }
  });

  it("finds write grants of a calling job that its called workflow asks for nowhere", async () => {
    const root = repository({
      ".github/workflows/called.yml": yaml(
        "on: workflow_call",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    runs-on: x",
        "    permissions: { contents: read }",
        "    steps: [{ run: make }]",
      ),
      ".github/workflows/ci.yml": yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  call:",
        "    permissions: { contents: write, issues: write }",
        "    uses: ./.github/workflows/called.yml",
      ),
    });
    const result = await runIn(root, { paths: [".github/workflows/ci.yml"] });
    expect(rulesOf(result.findings)).toEqual(["unused-permissions"]);
    expect(result.findings[0]?.message).toContain("'contents: write, issues: write'");
    expect(result.findings[0]?.fix).toBe("lower the block to 'permissions: { contents: read }'");
  });
});
