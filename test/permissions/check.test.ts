import { describe, expect, it } from "vitest";
import { check, locate, policyOf, rulesOf, where, yaml } from "./helpers.ts";

const GOOD = yaml(
  "name: ci",
  "on: push",
  "permissions: {}",
  "jobs:",
  "  build:",
  "    runs-on: ubuntu-latest",
  "    permissions:",
  "      contents: read",
  "    steps:",
  "      - uses: actions/checkout@v5",
);

/** GOOD with a step that reaches the token, so any grant may be used. */
const WRITER = `${GOOD}      - run: gh pr comment "$PR" --body done\n`;

describe("permissions findings", () => {
  it("accepts a workflow with 'permissions: {}' on top and an explicit block on every job", () => {
    expect(check(GOOD)).toEqual([]);
  });

  it("1: reports a workflow without top-level permissions at its jobs key", () => {
    const text = yaml("on: push", "jobs:", "  build:", "    permissions: {}", "    runs-on: x");
    const findings = check(text);
    expect(rulesOf(findings)).toEqual(["missing-top-level-permissions"]);
    expect(where(findings[0])).toEqual(locate(text, "jobs:"));
    expect(findings[0]?.fix).toContain("permissions: {}");
  });

  it("2: reports a top-level block that is not {} at the grant at fault: the first write, else the first grant", () => {
    const text = GOOD.replace("permissions: {}", "permissions:\n  contents: read");
    const findings = check(text);
    expect(rulesOf(findings)).toEqual(["top-level-not-empty"]);
    expect(where(findings[0])).toEqual(locate(text, "read"));
    const writing = GOOD.replace(
      "permissions: {}",
      "permissions:\n  contents: read\n  issues: write",
    );
    expect(where(check(writing)[0])).toEqual(locate(writing, "write"));
  });

  it("2: accepts a read-only top level when the policy allows it, and still refuses writes there", () => {
    const policy = policyOf("top-level: read-only");
    const readOnly = GOOD.replace("permissions: {}", "permissions:\n  contents: read");
    expect(check(readOnly, policy)).toEqual([]);
    const writing = GOOD.replace("permissions: {}", "permissions:\n  contents: write");
    expect(rulesOf(check(writing, policy))).toEqual(["top-level-not-empty"]);
  });

  it("3: accepts a job inheriting an explicit top-level {} (require-job-blocks: true restores the finding at the job's key)", () => {
    const text = yaml(
      "on: push",
      "permissions: {}",
      "jobs:",
      "  lint:",
      "    runs-on: x",
      "    steps:",
      "      - run: make lint",
    );
    expect(check(text)).toEqual([]);
    const findings = check(text, policyOf("require-job-blocks: true"));
    expect(rulesOf(findings)).toEqual(["job-missing-permissions"]);
    expect(findings[0]?.job).toBe("lint");
    expect(where(findings[0])).toEqual(locate(text, "lint:"));
    expect(findings[0]?.message).toContain("require-job-blocks");
    const withoutTop = text.replace("permissions: {}\n", "");
    expect(rulesOf(check(withoutTop))).toEqual([
      "missing-top-level-permissions",
      "job-missing-permissions",
    ]);
  });

  it("3: says what a blockless job gets: the repository default, or in a called-only workflow the caller's grant", () => {
    const text = yaml("on: push", "jobs:", "  call:", "    uses: ./.github/workflows/build.yml");
    const findings = check(text);
    expect(findings[0]?.message).toContain(
      "jobs without their own block get the repository's default token",
    );
    expect(findings[1]?.message).toBe(
      "job 'call' calls ./.github/workflows/build.yml and has no 'permissions:'; without a top-level block it gets the repository's default token",
    );
    const called = yaml("on: workflow_call", "jobs:", "  build:", "    runs-on: x");
    const calledFindings = check(called);
    expect(calledFindings[0]?.message).toContain(
      "jobs without their own block get whatever the calling job grants",
    );
    expect(calledFindings[0]?.message).not.toContain("default");
    expect(calledFindings[1]?.message).toContain("gets whatever the calling job grants");
  });

  it("3: marks a call of a remote reusable workflow for review and says why", () => {
    const text = yaml(
      "on: push",
      "jobs:",
      "  call:",
      "    uses: octo/shared/.github/workflows/b.yml@v1",
    );
    const finding = check(text).find((f) => f.rule === "job-missing-permissions");
    expect(finding?.fix).toContain(
      "cannot be read offline: grant what its jobs request, or GitHub refuses to start the run",
    );
  });

  it("4: reports read-all and write-all wherever they appear, at the shorthand", () => {
    const text = yaml(
      "on: push",
      "permissions: read-all",
      "jobs:",
      "  build:",
      "    runs-on: x",
      "    permissions: write-all",
      "    steps: [{ uses: actions/checkout@v5 }]",
    );
    const findings = check(text).filter((finding) => finding.rule === "blanket-permissions");
    expect(findings.map(where)).toEqual([locate(text, "read-all"), locate(text, "write-all")]);
    expect(findings[1]?.fix).toContain("contents: read");
  });

  it("5: refuses an unknown scope (a typo) as an error at its key, as GitHub does, and suggests the real one", () => {
    const text = WRITER.replace("contents: read", "contents: read\n      pull-request: write");
    const findings = check(text);
    expect(rulesOf(findings)).toEqual(["unknown-scope"]);
    expect(findings[0]?.severity).toBe("error");
    expect(findings[0]?.message).toContain("GitHub refuses the workflow");
    expect(where(findings[0])).toEqual(locate(text, "pull-request:"));
    expect(findings[0]?.fix).toContain("pull-requests");
  });

  it.each([
    ["id-token: read", "read"],
    ["models: write", "write"],
    ["vulnerability-alerts: write", "write"],
    ["contents: admin", "admin"],
  ])("5: refuses '%s', a value the scope does not take, at the value", (grant, value) => {
    const text = GOOD.replace("contents: read", grant);
    const findings = check(text);
    expect(rulesOf(findings)).toEqual(["invalid-permission-value"]);
    const at = text.indexOf(grant) + grant.indexOf(value);
    expect(findings[0]?.column).toBe(at - text.lastIndexOf("\n", at));
  });

  it("5: refuses a permissions value that is neither a map nor a shorthand", () => {
    const text = GOOD.replace("permissions:\n      contents: read", "permissions: read");
    expect(rulesOf(check(text))).toEqual(["invalid-permission-value"]);
  });

  it.each(["pull_request_target", "workflow_run"])(
    "6: reports every write grant on %s",
    (event) => {
      const text = WRITER.replace("on: push", `on:\n  ${event}:\n    types: [opened]`).replace(
        "contents: read",
        "contents: read\n      pull-requests: write",
      );
      const findings = check(text);
      expect(rulesOf(findings)).toEqual(["write-on-untrusted-trigger"]);
      expect(where(findings[0])).toEqual(locate(text, "write"));
    },
  );

  it("6: leaves write grants alone on pull_request, whose fork token is read-only", () => {
    const text = WRITER.replace("on: push", "on: [pull_request]").replace(
      "contents: read",
      "contents: write",
    );
    expect(check(text)).toEqual([]);
  });

  it("7: reports a grant wider than the policy's allow-list for that workflow and job", () => {
    const policy = policyOf(
      "max-grants:",
      "  - workflow: '*'",
      "    permissions: { '*': read }",
      "  - workflow: release.yml",
      "    job: publish",
      "    permissions: { contents: write }",
    );
    const text = WRITER.replace("contents: read", "contents: write");
    const findings = check(text, policy, ".github/workflows/ci.yml");
    expect(rulesOf(findings)).toEqual(["grant-exceeds-policy"]);
    expect(findings[0]?.message).toContain("contents: read");
    expect(where(findings[0])).toEqual(locate(text, "write"));
    const release = WRITER.replace("contents: read", "contents: write").replace(
      "build:",
      "publish:",
    );
    expect(check(release, policy, ".github/workflows/release.yml")).toEqual([]);
  });

  it("7: holds read-all and write-all to the allow-list too, not only to blanket-permissions", () => {
    // Its own finding, so that an exception for blanket-permissions does not lift the allow-list.
    const policy = policyOf(
      "max-grants:",
      "  - workflow: '*'",
      "    permissions: { contents: read, models: read }",
    );
    const write = GOOD.replace("permissions:\n      contents: read", "permissions: write-all");
    const wide = check(write, policy, ".github/workflows/ci.yml");
    expect(rulesOf(wide)).toEqual(["blanket-permissions", "grant-exceeds-policy"]);
    expect(wide[1]?.message).toContain(
      "'write-all' at job 'build' is wider than the policy allows",
    );
    expect(wide[1]?.message).toContain("contents: write");
    expect(where(wide[1])).toEqual(locate(write, "write-all"));
    const read = GOOD.replace("permissions:\n      contents: read", "permissions: read-all");
    const readFindings = check(read, policy, ".github/workflows/ci.yml");
    expect(rulesOf(readFindings)).toEqual(["blanket-permissions", "grant-exceeds-policy"]);
    expect(readFindings[1]?.message).toContain("actions: read");
    expect(readFindings[1]?.message).not.toContain("contents");
    // Within the allow-list, the shorthand is only a blanket-permissions finding.
    const all = policyOf("max-grants:", "  - workflow: '*'", "    permissions: { '*': write }");
    expect(rulesOf(check(write, all, ".github/workflows/ci.yml"))).toEqual(["blanket-permissions"]);
  });

  it("8: warns about id-token: write in a job with no OIDC consumer, not in one that attests", () => {
    const unused = GOOD.replace("contents: read", "contents: read\n      id-token: write");
    const findings = check(unused);
    expect(rulesOf(findings)).toEqual(["unused-id-token"]);
    expect(findings[0]?.severity).toBe("warning");
    expect(where(findings[0])).toEqual(locate(unused, "write"));
    const attesting = `${unused.replace("id-token: write", "id-token: write\n      attestations: write")}      - uses: actions/attest-build-provenance@v3\n`;
    expect(check(attesting)).toEqual([]);
  });

  it("8: warns about a top-level id-token: write that no inheriting job uses", () => {
    const text = yaml(
      "on: push",
      "permissions:",
      "  id-token: write",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps: [{ run: make }]",
    );
    const findings = check(text).filter((finding) => finding.rule === "unused-id-token");
    expect(findings.map(where)).toEqual([locate(text, "write")]);
    const signing = text.replace("run: make", "uses: actions/attest@v3");
    expect(rulesOf(check(signing))).not.toContain("unused-id-token");
  });

  it("8: counts a run step that fetches the OIDC token itself as a consumer", () => {
    const text = `${GOOD.replace("contents: read", "contents: read\n      id-token: write")}      - run: curl "$ACTIONS_ID_TOKEN_REQUEST_URL"\n`;
    expect(check(text)).toEqual([]);
  });

  it("9: a comment never silences a finding", () => {
    const text = yaml(
      "on: push",
      "permissions: {}",
      "jobs:",
      "  lint: # permissions: ignore",
      "    runs-on: x # zizmor: ignore[excessive-permissions]",
    );
    expect(rulesOf(check(text, policyOf("require-job-blocks: true")))).toEqual([
      "job-missing-permissions",
    ]);
  });

  it("names the workflow by its name, or by its file when it has none", () => {
    const text = yaml("on: push", "jobs: {}");
    expect(check(text, undefined, ".github/workflows/x.yml")[0]?.workflow).toBe("x.yml");
    expect(check(`name: Build\n${text}`)[0]?.workflow).toBe("Build");
  });
});

describe("messages say what is there (issue 14, item 6)", () => {
  it("says which job uses no OIDC consumer, in plain words", () => {
    const text = GOOD.replace("contents: read", "contents: read\n      id-token: write");
    expect(check(text)[0]?.message).toBe(
      "'id-token: write' is granted but no step of job 'build' uses an OIDC consumer (attestation, cloud login, a step requesting the token)",
    );
  });

  it("quotes a value that is not a scalar as written", () => {
    const text = GOOD.replace("contents: read", "issues: [read, write]");
    const [finding] = check(text);
    expect(finding?.rule).toBe("invalid-permission-value");
    expect(finding?.message).toBe(
      "'issues: [read, write]' is not valid; issues takes read, write, none, and GitHub refuses any other value",
    );
  });

  it("gives each review reason once, naming the action or the step, never 'a action'", () => {
    const text = yaml(
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: someone/tool@v1",
      "      - uses: someone/tool@v1",
      "      - uses: someone/tool@v1",
      "      - name: Comment",
      `        run: gh pr comment 1 --body ok`,
    );
    const finding = check(text).find((f) => f.rule === "job-missing-permissions");
    expect(finding?.fix).toBe(
      "add 'permissions: {}' to job 'a' (review: someone/tool@v1 is an action the inference table does not know; step 'Comment' uses the token)",
    );
    expect(finding?.fix).not.toContain("a action");
  });
});
