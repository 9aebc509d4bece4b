import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { diskWorkflowFiles } from "../../src/permissions/files.ts";
import { runAction, runCli } from "../harness/runner.ts";
import { removeRepositories, repository, rulesOf, runIn, yaml } from "./helpers.ts";

afterAll(removeRepositories);

const OUTSIDE = yaml("on: push", "jobs:", "  a:", "    runs-on: x", "    steps: [{ run: make }]");

/** A repository whose workflow folder holds a link to a file outside it, and one real workflow. */
function repositoryWithLink() {
  const base = repository({ "outside.yml": OUTSIDE, "repo/.github/workflows/ci.yml": OUTSIDE });
  const root = join(base, "repo");
  const outside = join(base, "outside.yml");
  symlinkSync(outside, join(root, ".github", "workflows", "linked.yml"));
  return { root, outside };
}

describe("symlinked workflow files", () => {
  it("are reported, never read, and never written by --fix", async () => {
    const { root, outside } = repositoryWithLink();
    const result = await runIn(root, { fix: true });
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
    const result = await runIn(root, { paths: [".github/workflows/ci.yml"] });
    expect(rulesOf(result.findings)).toEqual(["reusable-workflow-refused"]);
    expect(result.findings[0]?.message).toContain("is a symbolic link (never followed)");
  });
});

describe("reports written by the action", () => {
  it("never go through a link in the checkout: the step fails and the target stays untouched", async () => {
    const { root } = repositoryWithLink();
    const target = join(root, "..", "target.sarif");
    writeFileSync(target, "keep\n");
    symlinkSync(target, join(root, "permissions.sarif"));
    const run = await runAction({
      action: "actions/permissions",
      workspace: root,
      inputs: { "sarif-file": "permissions.sarif", paths: ".github/workflows/ci.yml" },
    });
    expect(readFileSync(target, "utf8")).toBe("keep\n");
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message).join("\n")).toContain("symbolic link");
  });
});
