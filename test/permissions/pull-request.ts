import { join } from "node:path";
import { expect } from "vitest";
import type { ActionRun } from "../harness/runner.ts";
import type { ContentsDouble } from "../zizmor/contents-double.ts";
import { writeFile } from "../zizmor/helpers.ts";

/** Exceptions for exactly the workflow that {@link writeSelfExcusingChange} adds. */
export const SELF_EXCUSING_POLICY = [
  "exceptions:",
  "  - rule: missing-top-level-permissions",
  "    workflow: new.yml",
  "    reason: trust me",
  "  - rule: job-missing-permissions",
  "    workflow: new.yml",
  "    reason: trust me",
  "",
].join("\n");

/**
 * A pull request's checkout that tries to excuse itself: it adds a workflow without permissions
 * and, in the same change, a permissions policy with exceptions for exactly that workflow.
 */
export function writeSelfExcusingChange(root: string): void {
  writeFile(
    join(root, ".github/workflows/new.yml"),
    "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo\n",
  );
  writeFile(join(root, ".github/permissions-policy.yml"), SELF_EXCUSING_POLICY);
}

/** The run read the policy from the base revision, and warned that the pull request adds one. */
export function expectPolicyFromBase(run: ActionRun, github: ContentsDouble): void {
  const note = run.annotations.find((a) => a.title === "permissions policy from the base revision");
  expect(note?.message).toContain("this pull request adds .github/permissions-policy.yml");
  expect(github.requests).toContain(
    `GET /repos/wasmcloud/app/contents/.github%2Fpermissions-policy.yml?ref=${github.baseSha}`,
  );
}
