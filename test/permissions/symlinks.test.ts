import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diskWorkflowFiles } from "../../src/permissions/files.ts";
import { run } from "../../src/permissions/run.ts";
import { runCli } from "../harness/runner.ts";
import { rulesOf, yaml } from "./helpers.ts";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const OUTSIDE = yaml("on: push", "jobs:", "  a:", "    runs-on: x", "    steps: [{ run: make }]");

/** A repository whose workflow folder holds a link to a file outside it, and one real workflow. */
function repositoryWithLink() {
  const base = mkdtempSync(join(tmpdir(), "sg-permissions-links-"));
  folders.push(base);
  const root = join(base, "repo");
  const outside = join(base, "outside.yml");
  writeFileSync(outside, OUTSIDE);
  mkdirSync(join(root, ".github", "workflows"), { recursive: true });
  symlinkSync(outside, join(root, ".github", "workflows", "linked.yml"));
  writeFileSync(join(root, ".github", "workflows", "ci.yml"), OUTSIDE);
  return { root, outside };
}

const inputs = (paths: string[], fix: boolean) => ({
  paths,
  policyPath: ".github/permissions-policy.yml",
  fix,
  failOn: "error" as const,
});

describe("symlinked workflow files", () => {
  it("are reported, never read, and never written by --fix", async () => {
    const { root, outside } = repositoryWithLink();
    const result = await run(inputs([".github/workflows"], true), {
      files: diskWorkflowFiles(root),
    });
    const linked = result.findings.filter((f) => f.path === ".github/workflows/linked.yml");
    expect(rulesOf(linked)).toEqual(["symlinked-workflow"]);
    expect(linked[0]?.message).toContain("GitHub does not run it");
    expect(readFileSync(outside, "utf8")).toBe(OUTSIDE);
    expect(result.fixes.map((fix) => fix.path)).toEqual([".github/workflows/ci.yml"]);
    expect(result.files).toEqual([".github/workflows/ci.yml"]);
  });

  it("a link named on the command line, or a linked folder, is reported and left alone", async () => {
    const { root, outside } = repositoryWithLink();
    const cli = await runCli(["permissions", "--fix", ".github/workflows/linked.yml"], {
      cwd: root,
    });
    expect(cli.stdout).toContain("warning symlinked-workflow");
    expect(readFileSync(outside, "utf8")).toBe(OUTSIDE);
    symlinkSync(join(root, ".github", "workflows"), join(root, "linked-folder"));
    const files = diskWorkflowFiles(root);
    expect(await files.isSymlink("linked-folder/ci.yml")).toBe(true);
    await expect(files.write("linked-folder/ci.yml", "x")).rejects.toThrow(/symbolic link/);
    await expect(files.read(".github/workflows/linked.yml")).rejects.toThrow(/symbolic link/);
  });

  it("a reusable workflow that is a link is not followed: the call is reported", async () => {
    const { root } = repositoryWithLink();
    writeFileSync(
      join(root, ".github", "workflows", "ci.yml"),
      yaml(
        "on: push",
        "permissions: {}",
        "jobs:",
        "  call:",
        "    permissions: {}",
        "    uses: ./.github/workflows/linked.yml",
      ),
    );
    const result = await run(inputs([".github/workflows/ci.yml"], false), {
      files: diskWorkflowFiles(root),
    });
    expect(rulesOf(result.findings)).toEqual(["reusable-workflow-refused"]);
    expect(result.findings[0]?.message).toContain("is a symbolic link (never followed)");
  });
});
