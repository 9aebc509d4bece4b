import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction } from "../harness/runner.ts";
import { ContentsDouble } from "../zizmor/contents-double.ts";
import {
  expectPolicyFromBase,
  SELF_EXCUSING_POLICY,
  writeSelfExcusingChange,
} from "./pull-request.ts";

// The permissions action on a pull request: the policy that excuses findings is the base's, so a
// pull request cannot add an exception for what it adds itself (as harden and zizmor already do).

describe("a pull request cannot pass the permissions action through the policy file", () => {
  const github = new ContentsDouble();
  beforeAll(() => github.start());
  afterAll(() => github.close());

  async function pullRequest(
    inputs: Record<string, string> = {},
    event: { name: string; payload: unknown } = github.pullRequestEvent("c".repeat(40)),
  ) {
    const root = mkdtempSync(join(tmpdir(), "sg-permissions-base-"));
    writeSelfExcusingChange(root);
    return runAction({
      action: "actions/permissions",
      workspace: root,
      repository: "wasmcloud/app",
      inputs,
      event,
      apiUrl: github.url,
      token: "ghs_double",
    });
  }

  it("reads the policy from the base revision, so exceptions the pull request adds do not count", async () => {
    github.files.clear();
    github.requests.length = 0;
    const run = await pullRequest();
    expect(run.exitCode, run.log).toBe(1);
    expect(Number(run.outputs.errors)).toBeGreaterThan(0);
    expectPolicyFromBase(run, github);
  });

  it("applies the base's exceptions when the pull request leaves the policy as it is", async () => {
    github.files.clear();
    github.files.set(".github/permissions-policy.yml", SELF_EXCUSING_POLICY);
    const run = await pullRequest();
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.errors).toBe("0");
  });

  it("finds the base's policy when the input names it as ./path", async () => {
    github.files.clear();
    github.files.set(".github/permissions-policy.yml", SELF_EXCUSING_POLICY);
    const run = await pullRequest({ policy: "./.github/permissions-policy.yml" });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.errors).toBe("0");
  });

  it("fails closed, naming the way out, when the base revision cannot be read", async () => {
    const run = await pullRequest({ token: "" });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/policy-from-base: false/);
  });

  it("reads the pull request's own policy with policy-from-base: false", async () => {
    const run = await pullRequest({ "policy-from-base": "false" });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs.errors).toBe("0");
  });

  it("fails closed when the pull request event names no base commit", async () => {
    const event = github.pullRequestEvent("c".repeat(40));
    delete (event.payload.pull_request.base as { sha?: string }).sha;
    const run = await pullRequest({}, event);
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/names no base commit.*policy-from-base/);
  });
});
