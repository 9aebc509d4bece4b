import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAction } from "../harness/runner.ts";
import { fakeZizmorFolder, writeFile } from "../zizmor/helpers.ts";

// harden's verdict and its outputs must agree with what each half did, whichever half could not
// run or said nothing.

const COMPLIANT = [
  "on: push",
  "permissions: {}",
  "jobs:",
  "  build:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - run: echo hi",
  "",
].join("\n");

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), "sg-harden-verdict-"));
  writeFile(join(root, ".github/workflows/ok.yml"), COMPLIANT);
  return root;
}

async function harden(zizmor: { stdout: string; exitCode?: number }, inputs = {}) {
  const fake = fakeZizmorFolder(zizmor);
  return runAction({
    action: "actions/harden",
    workspace: workspace(),
    inputs: { "zizmor-path": join(fake, "zizmor"), ...inputs },
  });
}

describe("harden's verdict when a half cannot run or says nothing", () => {
  for (const [what, zizmor] of [
    ["zizmor fails (exit 1)", { stdout: "", exitCode: 1 }],
    ["zizmor prints nothing and exits 0", { stdout: "", exitCode: 0 }],
    ["zizmor promises a high finding and prints none", { stdout: "[]", exitCode: 14 }],
    ["zizmor prints something that is not its report", { stdout: "{}", exitCode: 0 }],
  ] as const) {
    it(`fails, with zizmor-passed false, when ${what}`, async () => {
      const run = await harden(zizmor);
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ passed: "false", "zizmor-passed": "false" });
      expect(run.summary.split("\n")[0]).toContain("zizmor failed");
    });
  }

  it("fails when the zizmor binary cannot be started, and still reports the permissions check", async () => {
    const run = await runAction({
      action: "actions/harden",
      workspace: workspace(),
      inputs: { "zizmor-path": join(tmpdir(), "no-such-zizmor") },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ passed: "false", "permissions-findings": "0" });
    expect(run.outputs["zizmor-passed"] ?? "false").toBe("false");
  });

  it("fails when the permissions half cannot run (a named policy file that is missing)", async () => {
    const run = await harden({ stdout: "[]" }, { "permissions-policy": "missing-policy.yml" });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ passed: "false", "zizmor-passed": "true" });
    expect(run.summary.split("\n")[0]).toContain("Permissions enforcer failed");
  });
});
