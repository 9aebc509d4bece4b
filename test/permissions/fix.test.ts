import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { fixWorkflowText } from "../../src/permissions/fix.ts";
import { KNOWN_ACTIONS } from "../../src/permissions/known-actions.ts";
import { defaultPolicy } from "../../src/permissions/policy.ts";
import { RULE_IDS } from "../../src/permissions/rules.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { CORPUS_WORKFLOWS, check, expression, HAVE_CORPUS, policyOf, yaml } from "./helpers.ts";

const fix = (text: string, policy = defaultPolicy) =>
  fixWorkflowText(".github/workflows/ci.yml", text, policy);

/** The workflow as data without any `permissions` key, to compare a file before and after a fix. */
function withoutPermissions(text: string): unknown {
  const data = parse(text) as Record<string, unknown>;
  delete data.permissions;
  for (const job of Object.values((data.jobs ?? {}) as Record<string, Record<string, unknown>>)) {
    if (job && typeof job === "object") delete job.permissions;
  }
  return data;
}

/** Lines the fix's patch adds, and lines it removes. */
function lineChanges(result: { patch: string }) {
  const diff = result.patch.split("\n").slice(3);
  return {
    added: diff.filter((line) => line.startsWith("+")).map((line) => line.slice(1)),
    removed: diff.filter((line) => line.startsWith("-")).map((line) => line.slice(1)),
  };
}

const MESSY = yaml(
  "# Build and test.",
  "name: 'ci'",
  "on:",
  "  push: { branches: [main] }",
  "",
  "# The jobs below.",
  "jobs:",
  "    # Lints the code.",
  "    lint:",
  '        runs-on: "ubuntu-latest"',
  "        # Steps follow.",
  "        steps:",
  "            - uses: actions/checkout@v5 # pinned later",
  "            - run: make lint",
  "    release:",
  "        runs-on: ubuntu-latest",
  "        steps:",
  "            - uses: actions/checkout@v5",
  "            - uses: softprops/action-gh-release@v2",
  "            - uses: actions/attest-build-provenance@v3",
);

describe("12: the fixer inserts lines and leaves everything else as it was", () => {
  it("adds permissions: {} on top and a block on each job, with only added lines in the diff", () => {
    const result = fix(MESSY);
    const { added, removed } = lineChanges(result);
    expect(removed).toEqual([]);
    expect(added).toEqual([
      "permissions: {}",
      "",
      "        permissions:",
      "            contents: read",
      "        permissions:",
      "            attestations: write",
      "            contents: write",
      "            id-token: write",
    ]);
    expect(result.after.indexOf("permissions: {}")).toBeLessThan(
      result.after.indexOf("# The jobs below."),
    );
    expect(result.after).toContain(
      "            contents: read\n        # Steps follow.\n        steps:",
    );
    expect(check(result.after)).toEqual([]);
  });

  it("never inserts into a block scalar whose lines look like comments", () => {
    const text = yaml(
      "on: push",
      "env:",
      "  SCRIPT: |",
      "    # not a comment",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    permissions: {}",
    );
    expect(fix(text).after).toBe(text.replace("jobs:", "permissions: {}\n\njobs:"));
  });

  it("keeps CRLF line endings and a byte order mark", () => {
    const text = `\uFEFF${MESSY.replace(/\n/g, "\r\n")}`;
    const { after } = fix(text);
    expect(after.startsWith("\uFEFF")).toBe(true);
    expect(after.replace(/\r\n/g, "")).not.toContain("\n");
    expect(after.replace(/\uFEFF/, "").replace(/\r\n/g, "\n")).toBe(fix(MESSY).after);
  });

  it("empties a top-level block once every job has its own, and never while a job relies on it", () => {
    const text = yaml(
      "on: push",
      "permissions:",
      "  contents: read",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: actions/checkout@v5",
    );
    const { after } = fix(text);
    expect(after).toBe(
      yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    runs-on: x",
        "    permissions:",
        "      contents: read",
        "    steps:",
        "      - uses: actions/checkout@v5",
      ),
    );
    const flow = yaml(
      "on: push",
      "permissions: { contents: read }",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps: [{ uses: actions/checkout@v5 }]",
    );
    const aliased = yaml(
      "on: push",
      "permissions: read-all",
      "jobs:",
      "  a: &job",
      "    runs-on: x",
      "  b: *job",
    );
    expect(fix(flow).after).toContain("permissions: {}\njobs:");
    expect(fix(aliased).after).toContain("permissions: {}\njobs:");
    expect(
      fix(
        yaml(
          "on: push",
          "permissions: read-all",
          "jobs:",
          "  a: { runs-on: x, steps: [{ uses: actions/checkout@v5 }] }",
        ),
      ).after,
    ).toContain("read-all");
    // A job that runs nothing needing the token settles under the emptied block as it is.
    expect(
      fix(yaml("on: push", "permissions: read-all", "jobs:", "  a: { runs-on: x }")).after,
    ).toContain("permissions: {}");
  });

  it("never widens a job that runs under {} today, and gives more than today only for a step that needs it", () => {
    const empty = yaml(
      "on: push",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: actions/checkout@v5",
    );
    // By default such a job is compliant and left alone; a stricter policy gets an explicit {}.
    expect(fix(empty).after).toBe(empty);
    expect(fix(empty, policyOf("require-job-blocks: true")).after).toBe(
      empty.replace("    steps:", "    permissions: {}\n    steps:"),
    );
    const readOnly = yaml(
      "on: push",
      "permissions:",
      "  contents: read",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - name: Release",
      "        uses: softprops/action-gh-release@v2",
    );
    const result = fix(readOnly);
    expect(result.after).toContain("    permissions:\n      contents: write\n");
    expect(result.changes.find((change) => change.job === "a")?.description).toBe(
      "added 'permissions: { contents: write }' to job 'a' (contents: write for step 'Release')",
    );
  });

  /** The fix of a top-level release block whose two comments it moves above the key. */
  const COMMENTS_MOVED_ABOVE = yaml(
    "on: push",
    "# the release job tags commits",
    "# and comments on pull requests",
    "permissions: {}",
    "jobs:",
    "  a:",
    "    runs-on: x",
    "    permissions:",
    "      contents: write",
    "    steps:",
    "      - uses: softprops/action-gh-release@v2",
  );

  it("keeps the comments of a top-level block it replaces", () => {
    const text = yaml(
      "on: push",
      "permissions:",
      "  # the release job tags commits",
      "  contents: write",
      "  # and comments on pull requests",
      "  pull-requests: write",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: softprops/action-gh-release@v2",
    );
    expect(fix(text).after).toBe(COMMENTS_MOVED_ABOVE);
  });

  it("keeps the comments at the end of the lines of a top-level block it replaces", () => {
    const text = yaml(
      "on: push",
      "permissions:",
      "  contents: write # the release job tags commits",
      "  pull-requests: write   # and comments on pull requests",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: softprops/action-gh-release@v2",
    );
    expect(fix(text).after).toBe(COMMENTS_MOVED_ABOVE);
  });

  it("keeps a read-only top level that the policy accepts", () => {
    const text = yaml(
      "on: push",
      "permissions:",
      "  contents: read",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    permissions: {}",
    );
    expect(fix(text, policyOf("top-level: read-only")).after).toBe(text);
  });
});

describe("13: job blocks come from the table of well-known actions", () => {
  it.each([
    ["actions/checkout@v5", "contents: read"],
    ["github/codeql-action/upload-sarif@v3", "security-events: write"],
    ["actions/attest-build-provenance@v3", "id-token: write"],
    ["softprops/action-gh-release@v2", "contents: write"],
  ])("%s needs %s", (uses, grant) => {
    const text = yaml(
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      `      - uses: ${uses}`,
    );
    const result = fix(text);
    expect(result.after).toContain(`      ${grant}\n`);
    const change = result.changes.find((c) => c.job === "a");
    expect(change?.review).toEqual([]);
    expect(change?.description).toContain(`${grant} for step 1 (${uses.split("@")[0]})`);
  });

  it("reads docker/login-action's registry: ghcr.io needs packages: write", () => {
    const text = yaml(
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: docker/login-action@v3",
      "        with: { registry: ghcr.io }",
    );
    expect(fix(text).after).toContain("packages: write");
  });

  it.each([
    [
      "a run step uses the token",
      [
        "      - run: gh pr list",
        "        env:",
        `          GH_TOKEN: ${expression("github.token")}`,
      ],
    ],
    [
      "the token is in the job's env",
      [
        "      - run: make",
        "    env:",
        `      GITHUB_TOKEN: ${expression("secrets.GITHUB_TOKEN")}`,
      ],
    ],
    ["an unknown action", ["      - uses: someone/something@v1"]],
    ["a local action", ["      - uses: ./.github/actions/setup"]],
  ])("writes the safest block and marks it for review when %s", (_case, lines) => {
    const text = yaml(
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: x",
      "    steps:",
      "      - uses: actions/checkout@v5",
      ...lines,
    );
    const result = fix(text);
    expect(result.changes.find((c) => c.job === "a")?.review.length).toBeGreaterThan(0);
    expect(result.after).toMatch(
      / {4}permissions: {2}# status-gate: review: .+\n {6}contents: read\n/,
    );
  });

  it("marks a call of a remote reusable workflow for review, saying why", () => {
    const text = yaml(
      "on: push",
      "jobs:",
      "  call:",
      "    uses: org/repo/.github/workflows/x.yml@v1",
    );
    const result = fix(text);
    expect(result.changes.find((c) => c.job === "call")?.review[0]).toBe(
      "it calls the remote reusable workflow org/repo/.github/workflows/x.yml@v1, which cannot be read offline: grant what its jobs request, or GitHub refuses to start the run",
    );
    expect(result.after).toContain("    permissions:  # status-gate: review");
  });

  it("documents every entry of the table, and every rule, in the README", () => {
    const readme = readFileSync(join(PROJECT_ROOT, "actions", "permissions", "README.md"), "utf8");
    for (const entry of KNOWN_ACTIONS) expect(readme).toContain(`\`${entry.action}\``);
    for (const rule of RULE_IDS) expect(readme).toContain(`<a id="${rule}"></a>\`${rule}\``);
  });

  it("has no duplicate entries in the table", () => {
    const names = KNOWN_ACTIONS.map((entry) => entry.action.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("14: fixing twice changes nothing the second time", () => {
  it("is idempotent and keeps the workflow's data, for samples and for every corpus workflow", () => {
    const samples = [MESSY, yaml("on: push", "jobs:", "  a:", "    runs-on: x")];
    if (HAVE_CORPUS) {
      for (const name of readdirSync(CORPUS_WORKFLOWS))
        samples.push(readFileSync(join(CORPUS_WORKFLOWS, name), "utf8"));
    }
    for (const text of samples) {
      const once = fix(text);
      expect(fix(once.after).after).toBe(once.after);
      expect(withoutPermissions(once.after)).toEqual(withoutPermissions(text));
      expect(
        check(once.after).filter((f) =>
          ["missing-top-level-permissions", "job-missing-permissions"].includes(f.rule),
        ),
      ).toEqual([]);
    }
  });
});
