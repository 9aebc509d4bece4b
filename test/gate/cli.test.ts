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
