import { describe, expect, it } from "vitest";
import { checkFile } from "../../src/permissions/check.ts";
import { defaultPolicy } from "../../src/permissions/policy.ts";
import { parserErrors } from "../repo/validators.ts";
import { expression } from "./helpers.ts";

/**
 * Whether a permissions block makes GitHub refuse the workflow, as its own parser
 * (@actions/workflow-parser) says, against whether the enforcer reports it as an error: the two
 * must agree, at the top level and in a job, for shorthands, casing, quoting, empty and odd values.
 */

const BLOCKS = [
  "permissions: {}",
  "permissions: read-all",
  "permissions: write-all",
  "permissions: READ-ALL",
  "permissions: read",
  "permissions: none",
  "permissions: []",
  "permissions: 1",
  "permissions:",
  "permissions: ~",
  "permissions: ''",
  "permissions: 'write-all' # quoted",
  "permissions: { contents: read, }",
  "permissions:\n  contents: Read",
  "permissions:\n  Contents: read",
  "permissions:\n  contents: true",
  "permissions:\n  contents:",
  "permissions:\n  contents: 'none'",
  "permissions:\n  contents: !!str read",
  'permissions:\n  contents: "read "',
  "permissions:\n  contents: [read]",
  "permissions:\n  contents: 1",
  "permissions:\n  1: read",
  "permissions:\n  id-token: read",
  "permissions:\n  models: write",
  "permissions:\n  vulnerability-alerts: write",
  "permissions:\n  copilot-requests: read",
  "permissions:\n  copilot-requests: write",
  "permissions:\n  pull-request: write",
  "permissions:\n  metadata: read",
  "permissions:\n  drives: write",
  "permissions:\n  code-quality: write",
  "permissions:\n  artifact-metadata: write",
  "permissions:\n  <<: { contents: read }",
];

function workflow(block: string, where: "top" | "job"): string {
  if (where === "top") {
    return `on: push\n${block}\njobs:\n  a:\n    runs-on: x\n    permissions: {}\n    steps:\n      - run: echo\n`;
  }
  const indented = block
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
  return `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n${indented}\n    steps:\n      - run: echo\n`;
}

const REFUSALS = ["unknown-scope", "invalid-permission-value", "invalid-yaml"];

function enforcerRefuses(text: string): boolean {
  return checkFile(".github/workflows/ci.yml", text, defaultPolicy).some(
    (finding) => finding.severity === "error" && REFUSALS.includes(finding.rule),
  );
}

describe("unknown scopes and values are errors exactly where GitHub's parser refuses them", () => {
  for (const where of ["top", "job"] as const) {
    for (const block of BLOCKS) {
      it(`${where}: ${JSON.stringify(block)}`, async () => {
        const text = workflow(block, where);
        const refused = (await parserErrors("ci.yml", text)).length > 0;
        expect(enforcerRefuses(text)).toBe(refused);
      });
    }
  }

  it("refuses an expression as a block or a level, which the parser leaves to GitHub's service", async () => {
    // The TypeScript parser accepts `${{ }}` here and does not convert permissions at all; GitHub's
    // service reads the block as a map of literal levels (its converter asserts a string per
    // level), so an expression never becomes a grant there.
    for (const block of [
      `permissions: ${expression("'read-all'")}`,
      `permissions:\n  contents: ${expression("'write'")}`,
    ]) {
      const text = workflow(block, "job");
      expect(await parserErrors("ci.yml", text)).toEqual([]);
      expect(enforcerRefuses(text)).toBe(true);
    }
  });
});
