import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction } from "../harness/runner.ts";
import { expectPolicyFromBase, writeSelfExcusingChange } from "../permissions/pull-request.ts";
import { ContentsDouble } from "../zizmor/contents-double.ts";
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

describe("a pull request cannot pass harden's permissions half through the policy file", () => {
  const github = new ContentsDouble();
  beforeAll(() => github.start());
  afterAll(() => github.close());

  /** A pull request adding a workflow without permissions, and a policy excusing it. */
  async function pullRequest(
    inputs: Record<string, string> = {},
    event: { name: string; payload: unknown } = github.pullRequestEvent("c".repeat(40)),
  ) {
    const root = workspace();
    writeSelfExcusingChange(root);
    const fake = fakeZizmorFolder({ stdout: "[]" });
    return runAction({
      action: "actions/harden",
      workspace: root,
      repository: "wasmcloud/app",
      inputs: { "zizmor-path": join(fake, "zizmor"), "ignores-from-base": "false", ...inputs },
      event,
      apiUrl: github.url,
      token: "ghs_double",
    });
  }

  it("reads the policy from the base revision, so exceptions the pull request adds do not count", async () => {
    github.files.clear();
    const run = await pullRequest();
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ passed: "false", "zizmor-passed": "true" });
    expect(Number(run.outputs["permissions-errors"])).toBeGreaterThan(0);
    expectPolicyFromBase(run, github);
  });

  it("reads the pull request's own policy with permissions-policy-from-base: false", async () => {
    const run = await pullRequest({ "permissions-policy-from-base": "false" });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs).toMatchObject({ passed: "true", "permissions-errors": "0" });
  });

  it("fails closed when the pull request event names no base commit", async () => {
    const event = github.pullRequestEvent("c".repeat(40));
    delete (event.payload.pull_request.base as { sha?: string }).sha;
    const run = await pullRequest({}, event);
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/names no base commit.*permissions-policy-from-base/);
  });
});
