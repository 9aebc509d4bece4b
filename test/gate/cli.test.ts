import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";

const RULES = `rules:
  - id: api
    check: api-tests
    paths: ["crates/api/**"]
  - id: docs
    check: docs
    paths: ["docs/**"]
  - id: lint
    check: lint
`;

describe("status-gate gate plan", () => {
  let repo: TestRepository;
  let base: string;

  beforeAll(() => {
    repo = createRepository();
    base = repo.commit({
      message: "base",
      files: {
        ".github/status-gate.yml": RULES,
        "crates/api/src/lib.rs": "fn a() {}\n",
        "README.md": "x\n",
      },
    });
    repo.checkout("feature", { create: true });
    repo.git("mv", "crates/api/src/lib.rs", "crates/core.rs");
    repo.commit({ message: "move out of api", files: { "docs/my guide.md": "# Über\n" } });
  });
  afterAll(() => repo[Symbol.dispose]());

  it("prints which rules a local diff requires and why, as JSON", async () => {
    const run = await runCli(
      [
        "gate",
        "plan",
        "--rules",
        ".github/status-gate.yml",
        "--base",
        base,
        "--head",
        "HEAD",
        "--format",
        "json",
      ],
      { cwd: repo.path },
    );
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      base,
      head: repo.head(),
      changedFiles: 3,
      source: `git diff ${base.slice(0, 7)}...${repo.head().slice(0, 7)}`,
      required: [
        {
          rule: "api",
          reason: "crates/api/src/lib.rs matches crates/api/**",
          files: ["crates/api/src/lib.rs"],
          fileCount: 1,
        },
        {
          rule: "docs",
          reason: "docs/my guide.md matches docs/**",
          files: ["docs/my guide.md"],
          fileCount: 1,
        },
        {
          rule: "lint",
          reason: "always (the rule has no paths)",
          files: ["crates/api/src/lib.rs", "crates/core.rs", "docs/my guide.md"],
          fileCount: 3,
        },
      ],
      notRequired: [],
    });
  });

  it("explains rules that do not apply in text, from another directory with --repo", async () => {
    const run = await runCli([
      "gate",
      "plan",
      "--repo",
      repo.path,
      "--base",
      "HEAD~1",
      "--head",
      "HEAD~1",
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/Required \(1\):\n {2}lint +always/);
    expect(run.stdout).toMatch(/Not required \(2\):\n {2}api +no files changed/);
  });

  it("exits 2 with the line for a broken rules file or an unknown revision", async () => {
    repo.write({ "bad.yml": "rules:\n  - check: a\n    when: always\n" });
    const bad = await runCli(["gate", "plan", "--rules", "bad.yml", "--base", base], {
      cwd: repo.path,
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^status-gate gate: bad\.yml:3:5: rules\[0\]: unknown key 'when'/);
    const unknown = await runCli(["gate", "plan", "--base", "no-such-branch"], { cwd: repo.path });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/--base 'no-such-branch' is not a commit/);
  });
});

/** A repository whose first commit holds `rules`, and its SHA. */
function withRules(rules: string) {
  const repo = createRepository();
  const base = repo.commit({ message: "base", files: { ".github/status-gate.yml": rules } });
  return { repo, base };
}

describe("status-gate gate plan reads the rules as the action does", () => {
  it("sees an edit of the rules file and plans with the base's rules, not the edited ones", async () => {
    const { repo, base } = withRules(
      'rules:\n  - id: docs\n    check: docs\n    paths: ["docs/**"]\n',
    );
    using _ = repo;
    repo.checkout("feature", { create: true });
    // The change drops the docs rule's paths filter and adds a rule of its own.
    repo.commit({
      message: "loosen",
      files: { ".github/status-gate.yml": "rules:\n  - id: mine\n    check: mine\n" },
    });
    const run = await runCli(["gate", "plan", "--base", base, "--format", "json"], {
      cwd: repo.path,
    });
    expect(run.exitCode).toBe(0);
    const plan = JSON.parse(run.stdout) as { required: { rule: string; reason: string }[] };
    expect(plan.required).toEqual([
      expect.objectContaining({
        rule: "docs",
        reason: "the rules file .github/status-gate.yml changed, so every rule applies",
      }),
    ]);
  });

  it("plans for another event and for labels, and names a bad flag value as a flag", async () => {
    const { repo, base } = withRules(
      "rules:\n  - id: canary\n    check: canary\n    events: [push]\n    labels: [canary]\n",
    );
    using _ = repo;
    repo.commit({ message: "change", files: { "a.txt": "x\n" } });
    const plan = (...flags: string[]) =>
      runCli(["gate", "plan", "--base", base, "--format", "json", ...flags], { cwd: repo.path });
    const required = async (...flags: string[]) =>
      (JSON.parse((await plan(...flags)).stdout) as { required: { rule: string }[] }).required.map(
        (entry) => entry.rule,
      );
    expect(await required()).toEqual([]);
    expect(await required("--event", "push")).toEqual(["canary"]);
    expect(await required("--label", "canary")).toEqual(["canary"]);
    const bad = await plan("--event", "pul_request");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(
      /^status-gate gate: --event is 'pul_request'; valid values are .*did you mean 'pull_request'\?\n$/,
    );
    const format = await runCli(["gate", "plan", "--format", "yaml"], { cwd: repo.path });
    expect(format.stderr).toMatch(
      /^status-gate gate: --format is 'yaml'; valid values are text, json\n$/,
    );
  });

  it("lists in text the files that made each rule apply, capped with a count", async () => {
    const { repo, base } = withRules(
      'rules:\n  - id: src\n    check: src\n    paths: ["src/**"]\n',
    );
    using _ = repo;
    const files: Record<string, string> = {};
    for (let index = 0; index < 12; index++)
      files[`src/f${String(index).padStart(2, "0")}.rs`] = "x\n";
    repo.commit({ message: "change", files });
    const run = await runCli(["gate", "plan", "--base", base], { cwd: repo.path });
    expect(run.stdout).toMatch(/src +src\/f00\.rs matches src\/\*\*\n +src\/f00\.rs\n/);
    expect(run.stdout).toContain("src/f09.rs\n");
    expect(run.stdout).toMatch(/ +and 2 more\n/);
    expect(run.stdout).not.toContain("src/f10.rs");
  });
});
