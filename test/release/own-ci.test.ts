import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cleanup, PROJECT_ROOT, runAction, runCli } from "../harness/runner.ts";
import { fakeZizmorFolder } from "../zizmor/helpers.ts";

// The suite hardens itself with its own actions: CI's harden job runs actions/harden on the
// repository's workflows, actions and examples, and the gate requires that job.

interface Step {
  id?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string>;
}
const CI = parse(readFileSync(join(PROJECT_ROOT, ".github/workflows/ci.yml"), "utf8")) as {
  jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>;
};
const harden = CI.jobs.harden;
const hardenStep = harden?.steps.find((step) => step.uses === "./actions/harden");
const lines = (text = "") => text.split("\n").filter((line) => line.trim() !== "");
const EXAMPLES = readdirSync(join(PROJECT_ROOT, "examples/workflows"))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => `examples/workflows/${name}`)
  .sort();

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("CI's harden job", () => {
  it("runs this commit's harden action on the workflows and every example, failing on medium", () => {
    expect(hardenStep?.with?.["fail-on"]).toBe("medium");
    expect(lines(hardenStep?.with?.["permissions-paths"])).toEqual([
      ".github/workflows",
      "examples/workflows",
    ]);
    // zizmor audits a folder as a repository (its .github/workflows and actions), so each example
    // is named: a new example missing here would never be audited.
    const zizmorInputs = lines(hardenStep?.with?.["zizmor-inputs"]);
    expect(zizmorInputs[0]).toBe(".");
    expect(zizmorInputs.slice(1).sort()).toEqual(EXAMPLES);
  });

  it("uploads both SARIF logs, even after findings, and may write code scanning alerts", () => {
    expect(harden?.permissions).toEqual({ contents: "read", "security-events": "write" });
    const uploads = harden?.steps.filter((step) => step.uses?.includes("/upload-sarif@")) ?? [];
    expect(uploads.map((step) => step.with?.sarif_file).sort()).toEqual(
      [hardenStep?.with?.["permissions-sarif-file"], hardenStep?.with?.["sarif-file"]].sort(),
    );
    for (const upload of uploads) expect(upload.if).toMatch(/^always\(\) && /);
  });

  it("passes on this repository with the job's own inputs (a stand-in zizmor reports nothing)", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "sg-own-ci-"));
    folders.push(workspace);
    for (const path of [".github", "examples", "actions", "action.yml"]) {
      cpSync(join(PROJECT_ROOT, path), join(workspace, path), { recursive: true });
    }
    const zizmor = fakeZizmorFolder({ stdout: "[]" });
    folders.push(zizmor);
    const run = await runAction({
      action: "actions/harden",
      workspace,
      inputs: { ...hardenStep?.with, "zizmor-path": join(zizmor, "zizmor") },
    });
    cleanup(run);
    expect(run.annotations).toEqual([]);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs["permissions-errors"]).toBe("0");
    expect(run.outputs.passed).toBe("true");
    for (const file of ["permissions.sarif", "zizmor.sarif"]) {
      expect(existsSync(join(workspace, file)), file).toBe(true);
    }
  });
});

describe("the README's first command", () => {
  it("checks this repository's workflows and examples with no finding", async () => {
    const run = await runCli(["permissions", ".github/workflows", "examples/workflows"]);
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^\d+ workflow file\(s\) checked: 0 error\(s\), 0 warning\(s\)/m);
  });
});
