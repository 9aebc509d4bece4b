import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";

// `gate init` writes into a repository someone else may have written: a clone can hold symbolic
// links (git checks them out as links) that point out of it. The rules file init writes must
// land in the repository, never through a link onto a file elsewhere.

const CI = "on: pull_request\njobs:\n  lint:\n    runs-on: ubuntu-latest\n";

const repositories: TestRepository[] = [];
const folders: string[] = [];
afterAll(() => {
  for (const repo of repositories) repo[Symbol.dispose]();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function setting() {
  const outside = mkdtempSync(join(tmpdir(), "sg-outside-"));
  folders.push(outside);
  const repo = createRepository();
  repositories.push(repo);
  repo.commit({ message: "workflows", files: { ".github/workflows/ci.yml": CI } });
  return { repo, outside };
}

describe("gate init and doctor never go through a symbolic link", () => {
  it("refuses a rules path that is a link to a file not there yet (a dangling link)", async () => {
    const { repo, outside } = setting();
    const target = join(outside, "authorized_keys");
    symlinkSync(target, join(repo.path, ".github/status-gate.yml"));
    const init = await runCli(["gate", "init"], { cwd: repo.path });
    expect(existsSync(target)).toBe(false);
    expect(init.exitCode).toBe(2);
    expect(init.stderr).toMatch(/\.github\/status-gate\.yml is a symbolic link/);
  });

  it("--force does not replace the file a link points at", async () => {
    const { repo, outside } = setting();
    const target = join(outside, ".bashrc");
    writeFileSync(target, "export KEEP=1\n");
    symlinkSync(target, join(repo.path, ".github/status-gate.yml"));
    const init = await runCli(["gate", "init", "--force"], { cwd: repo.path });
    expect(readFileSync(target, "utf8")).toBe("export KEEP=1\n");
    expect(init.exitCode).toBe(2);
  });

  it("refuses a folder on the way that links out of the repository", async () => {
    const { repo, outside } = setting();
    symlinkSync(outside, join(repo.path, "config"));
    const init = await runCli(["gate", "init", "--rules", "config/status-gate.yml"], {
      cwd: repo.path,
    });
    expect(existsSync(join(outside, "status-gate.yml"))).toBe(false);
    expect(init.exitCode).toBe(2);
    expect(init.stderr).toMatch(/is a symbolic link; the rules file must be a regular file/);
  });

  it("doctor and init --check do not read a rules file through a link, which the gate reads as the link", async () => {
    const { repo, outside } = setting();
    const target = join(outside, "rules.yml");
    writeFileSync(target, "rules:\n  - check: lint\n");
    symlinkSync(target, join(repo.path, ".github/status-gate.yml"));
    for (const command of [
      ["gate", "doctor"],
      ["gate", "init", "--check"],
    ]) {
      const run = await runCli(command, { cwd: repo.path });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/\.github\/status-gate\.yml is a symbolic link/);
    }
  });

  it("doctor does not read workflows through a linked .github/workflows, which GitHub does not run", async () => {
    const { outside } = setting();
    const repo = createRepository();
    repositories.push(repo);
    writeFileSync(join(outside, "ci.yml"), CI);
    repo.commit({
      message: "rules",
      files: { ".github/status-gate.yml": "rules:\n  - check: lint\n" },
    });
    symlinkSync(outside, join(repo.path, ".github/workflows"));
    const doctor = await runCli(["gate", "doctor"], { cwd: repo.path });
    expect(doctor.exitCode).toBe(2);
    expect(doctor.stderr).toMatch(/\.github\/workflows is a symbolic link/);
  });

  it("still writes a new rules file, and replaces its own with --force", async () => {
    const { repo } = setting();
    const first = await runCli(["gate", "init"], { cwd: repo.path });
    expect(first.exitCode).toBe(0);
    const path = join(repo.path, ".github/status-gate.yml");
    writeFileSync(path, "rules: []\n");
    const forced = await runCli(["gate", "init", "--force"], { cwd: repo.path });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(path, "utf8")).toMatch(/job: lint/);
  });
});
