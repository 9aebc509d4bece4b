import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { getPair, nodePosition, parseYamlFile, type YamlFile } from "../../src/core/yaml-file.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";

/** Our own actions are referenced by tag (`wasmcloud/status-gate/actions/<name>@v1`). */
const OWN_ACTIONS = /^wasmcloud\/status-gate(\/|@)/;
const PINNED = /^[^@\s]+@[0-9a-f]{40}$/;

const where = (file: YamlFile, node: unknown) => {
  const position = nodePosition(file, node as Node);
  return `${file.path}:${position.line}:${position.column}`;
};

/**
 * The repository's rules for workflows it ships or runs: `permissions: {}` on top and explicit
 * permissions per job; third-party actions pinned to a full commit SHA with a version comment;
 * checkout without persisted credentials.
 */
function policyProblems(path: string, text: string): string[] {
  const file = parseYamlFile(path, text);
  const root = file.document.contents;
  const problems: string[] = [];
  const permissions = getPair(root, "permissions");
  if (!permissions || !isMap(permissions.value) || permissions.value.items.length > 0) {
    problems.push(`${where(file, permissions ?? root)}: top-level permissions must be {}`);
  }
  const jobs = getPair(root, "jobs")?.value;
  for (const job of isMap(jobs) ? jobs.items : []) {
    const name = String((job.key as { value?: unknown }).value);
    if (!getPair(job.value, "permissions")) {
      problems.push(`${where(file, job)}: job '${name}' must declare its permissions`);
    }
    const jobUses = getPair(job.value, "uses");
    if (jobUses) problems.push(...referenceProblems(file, jobUses.value as Node));
    const steps = getPair(job.value, "steps")?.value;
    for (const step of isSeq(steps) ? steps.items : []) {
      const uses = getPair(step, "uses")?.value;
      if (!isScalar(uses)) continue;
      problems.push(...referenceProblems(file, uses));
      if (/^actions\/checkout@/.test(String(uses.value))) {
        const persist = getPair(getPair(step, "with")?.value, "persist-credentials")?.value;
        if (!isScalar(persist) || persist.value !== false) {
          problems.push(`${where(file, uses)}: actions/checkout needs persist-credentials: false`);
        }
      }
    }
  }
  return problems;
}

function referenceProblems(file: YamlFile, uses: Node): string[] {
  const reference = isScalar(uses) ? String(uses.value) : "";
  if (
    reference.startsWith("./") ||
    reference.startsWith("docker://") ||
    OWN_ACTIONS.test(reference)
  ) {
    return [];
  }
  if (!PINNED.test(reference)) {
    return [`${where(file, uses)}: '${reference}' must be pinned to a full commit SHA`];
  }
  const line = file.text.split(/\r?\n/)[nodePosition(file, uses).line - 1] ?? "";
  if (!/#\s*v\d/.test(line.slice(line.indexOf(reference) + reference.length))) {
    return [`${where(file, uses)}: '${reference}' needs a version comment such as '# v5.0.0'`];
  }
  return [];
}

const workflowFiles = () =>
  ["examples/workflows", ".github/workflows"].flatMap((folder) => {
    const path = join(PROJECT_ROOT, folder);
    if (!existsSync(path)) return [];
    return readdirSync(path)
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => `${folder}/${name}`);
  });

describe("every workflow the repository ships or runs", () => {
  it.each(workflowFiles())(
    "%s keeps permissions minimal, pins actions and drops credentials",
    (path) => {
      expect(policyProblems(path, readFileSync(join(PROJECT_ROOT, path), "utf8"))).toEqual([]);
    },
  );
});

describe("policyProblems (the rules above are not vacuous)", () => {
  const SHA = "08c6903cd8c0fde910a37f88322edcfb5dd907a8";

  it("accepts a workflow that follows every rule", () => {
    const workflow = `on: push
permissions: {}
jobs:
  build:
    permissions:
      contents: read
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@${SHA} # v5.0.0
        with:
          persist-credentials: false
      - uses: wasmcloud/status-gate/actions/zizmor@v1
      - uses: ./local-action
`;
    expect(policyProblems("ok.yml", workflow)).toEqual([]);
  });

  it("names each broken rule at its line", () => {
    const workflow = `on: push
permissions: read-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-node@${SHA}
  reuse:
    permissions: {}
    uses: octo/workflows/.github/workflows/ci.yml@main
`;
    expect(policyProblems("bad.yml", workflow)).toEqual([
      "bad.yml:2:1: top-level permissions must be {}",
      "bad.yml:4:3: job 'build' must declare its permissions",
      "bad.yml:7:15: 'actions/checkout@v5' must be pinned to a full commit SHA",
      "bad.yml:7:15: actions/checkout needs persist-credentials: false",
      `bad.yml:8:15: 'actions/setup-node@${SHA}' needs a version comment such as '# v5.0.0'`,
      "bad.yml:11:11: 'octo/workflows/.github/workflows/ci.yml@main' must be pinned to a full commit SHA",
    ]);
  });
});
