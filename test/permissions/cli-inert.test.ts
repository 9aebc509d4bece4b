import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";
import { locate, yaml } from "./helpers.ts";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "sg-permissions-cli-"));
  folders.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const HOSTILE_KEY = JSON.stringify(HOSTILE);

describe("status-gate permissions on hostile input inside Actions", () => {
  it("--fix with --format json prints the patch (hostile job ids and comments) without running a command", async () => {
    const cwd = workspace({
      [".github/workflows/ci.yml"]: yaml(
        "on: push",
        "jobs:",
        `  ${HOSTILE_KEY}:`,
        "    runs-on: ubuntu-latest",
        `    # ${HOSTILE.replace(/\n/g, " ")}`,
        "    steps:",
        "      - run: echo",
      ),
    });
    const result = await runCli(["permissions", "--fix", "--format", "json"], {
      cwd,
      env: IN_ACTIONS,
    });
    expect(result.stderr).toContain("+permissions: {}");
    expect(executedCommands(result)).toEqual([]);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
  });

  it("a policy file with hostile keys and values is refused, exit 2, without running a command", async () => {
    const cwd = workspace({
      ".github/workflows/ci.yml": "on: push\npermissions: {}\njobs: {}\n",
      ".github/permissions-policy.yml": yaml(
        `${HOSTILE_KEY}: 1`,
        `top-level: ${HOSTILE_KEY}`,
        "max-grants:",
        `  - permissions: { ${HOSTILE_KEY}: write }`,
      ),
    });
    const result = await runCli(["permissions"], { cwd, env: IN_ACTIONS });
    expect(result.exitCode).toBe(2);
    expect(executedCommands(result)).toEqual([]);
    expect(result.stderr).toContain("has 3 problems");
  });
});

describe("status-gate permissions for people (issue 11)", () => {
  const GOOD = yaml("on: push", "permissions: {}", "jobs: {}");

  it("names flags as flags, with one prefix and a did-you-mean", async () => {
    const cwd = workspace({ ".github/workflows/ci.yml": GOOD });
    const failOn = await runCli(["permissions", "--fail-on", "warnings"], { cwd });
    expect(failOn.exitCode).toBe(2);
    expect(failOn.stderr).toBe(
      "status-gate permissions: --fail-on is 'warnings'; valid values are 'error', 'warning', 'note', 'never'; did you mean 'warning'?\n",
    );
    const unknown = await runCli(["permissions", "--frob"], { cwd });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^status-gate permissions: unknown option '--frob'/);
    expect(unknown.stderr).not.toContain("permissions: permissions:");
    const fix = await runCli(["permissions", "--fix=yes"], { cwd });
    expect(fix.exitCode).toBe(2);
    expect(fix.stderr).toContain("option '--fix' takes no value");
  });

  it("reports every mistake in the policy file at file:line:column, exit 2", async () => {
    const policy = yaml("top-level: open", "exceptions:", "  - rule: unused-id-token");
    const cwd = workspace({
      ".github/workflows/ci.yml": GOOD,
      ".github/permissions-policy.yml": policy,
    });
    const result = await runCli(["permissions", "--format", "json"], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    const open = locate(policy, "open");
    expect(result.stderr).toContain(
      `.github/permissions-policy.yml:${open.line}:${open.column}: top-level: is 'open'`,
    );
    expect(result.stderr).toContain(
      ".github/permissions-policy.yml:3:5: exceptions[0]: 'workflow'",
    );
    expect(result.stderr).toContain(".github/permissions-policy.yml:3:5: exceptions[0]: 'reason'");
  });

  it("says so and exits 2 when there is nothing to check", async () => {
    const cwd = workspace({ ".github/workflows/README.md": "not a workflow" });
    const result = await runCli(["permissions"], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("no .yml or .yaml workflow files under '.github/workflows'");
  });
});
