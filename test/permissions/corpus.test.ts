import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkFile } from "../../src/permissions/check.ts";
import { diskWorkflowFiles } from "../../src/permissions/files.ts";
import { DEFAULT_POLICY_PATH, defaultPolicy } from "../../src/permissions/policy.ts";
import type { Finding } from "../../src/permissions/rules.ts";
import { run } from "../../src/permissions/run.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { CORPUS_WORKFLOWS, HAVE_CORPUS } from "./helpers.ts";

const CORPUS_ROOT = join(CORPUS_WORKFLOWS, "..", "..");

/** The source text a finding's span covers. */
function spanText(text: string, finding: Finding): string {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (finding.line === finding.endLine) {
    return (lines[finding.line - 1] ?? "").slice(finding.column - 1, finding.endColumn - 1);
  }
  return (lines[finding.line - 1] ?? "").slice(finding.column - 1);
}

/** What the span of each rule must hold: the key or value at fault. */
function expectedSpan(finding: Finding): RegExp {
  switch (finding.rule) {
    case "missing-top-level-permissions":
      return /^jobs$/;
    case "job-missing-permissions":
      return new RegExp(`^${finding.job}$`);
    case "blanket-permissions":
      return /^(read-all|write-all)$/;
    case "write-on-untrusted-trigger":
    case "unused-id-token":
    case "grant-exceeds-policy":
      return /^(write|write-all)$/;
    case "top-level-not-empty":
      return /^(read|write|none|\{)/;
    case "reusable-workflow-refused":
      return new RegExp(`^${finding.job}$`);
    default:
      return /./;
  }
}

describe.skipIf(!HAVE_CORPUS)("11: every workflow in shared/corpus/wasmcloud", () => {
  const names = HAVE_CORPUS
    ? readdirSync(CORPUS_WORKFLOWS)
        .filter((name) => /\.ya?ml$/.test(name))
        .sort()
    : [];
  const checked = names.map((name) => {
    const text = readFileSync(join(CORPUS_WORKFLOWS, name), "utf8");
    return { name, text, findings: checkFile(`.github/workflows/${name}`, text, defaultPolicy) };
  });

  it("is checked without a crash, and the findings match the reviewed snapshot", async () => {
    expect(names.length).toBeGreaterThan(0);
    const lines = checked.flatMap(({ findings }) =>
      findings.map(
        (f) =>
          `${f.path}:${f.line}:${f.column} ${f.severity} ${f.rule}${f.job ? ` [${f.job}]` : ""}: ${f.message}`,
      ),
    );
    await expect(`${lines.join("\n")}\n`).toMatchFileSnapshot("__snapshots__/corpus-findings.txt");
  });

  it("points every finding at the exact key or value at fault", () => {
    for (const { name, text, findings } of checked) {
      for (const finding of findings) {
        expect(
          spanText(text, finding),
          `${name}:${finding.line}:${finding.column} ${finding.rule}`,
        ).toMatch(expectedSpan(finding));
      }
    }
  });

  it("accepts the gate jobs that inherit the top-level {}, and reports the read-all in codeql.yml and scorecard.yml", () => {
    const all = checked.flatMap(({ findings }) => findings);
    const blanket = all.filter((f) => f.rule === "blanket-permissions").map((f) => f.path);
    expect(blanket).toEqual([".github/workflows/codeql.yml", ".github/workflows/scorecard.yml"]);
    expect(all.filter((f) => f.job === "gate")).toEqual([]);
  });

  it("finds no startup failure between wasmCloud's callers and the reusable workflows they call", async () => {
    const result = await run(
      {
        paths: [".github/workflows"],
        policyPath: DEFAULT_POLICY_PATH,
        fix: false,
        failOn: "error",
      },
      { files: diskWorkflowFiles(CORPUS_ROOT) },
    );
    expect(result.findings.filter((f) => f.rule === "reusable-workflow-refused")).toEqual([]);
    // The per-file check and the whole-set run agree on everything else.
    expect(result.findings.length).toBe(checked.flatMap(({ findings }) => findings).length);
  });
});

/** wasmCloud's workflows as they were before the hardening: no permissions blocks anywhere. */
function beforeHardening(text: string): string {
  return text
    .replace(/^permissions: \{\}\n\n?/m, "")
    .replace(/^ {4}permissions:\n(?: {6}[^\n]*\n)+/gm, "");
}

/** Its `wash.yml` had a `canary` job calling docker-build-push.yml to push the canary image. */
const CANARY = [
  "",
  "  canary:",
  "    if: github.event_name == 'push' && github.ref == 'refs/heads/main'",
  "    uses: ./.github/workflows/docker-build-push.yml",
  "    with:",
  "      push: true",
  "      image: ghcr.io/wasmcloud/wash",
  "      tags: |",
  "        type=raw,value=canary",
  "",
].join("\n");

function grantsOf(text: string, job: string): Record<string, string> {
  const jobs = (parse(text) as { jobs: Record<string, { permissions?: Record<string, string> }> })
    .jobs;
  return jobs[job]?.permissions ?? {};
}

describe.skipIf(!HAVE_CORPUS)("wasmCloud before its hardening, fixed with --fix", () => {
  async function fixed(calleeText: (corpus: string) => string) {
    const root = mkdtempSync(join(tmpdir(), "sg-permissions-wasmcloud-"));
    try {
      const workflows = join(root, ".github", "workflows");
      mkdirSync(workflows, { recursive: true });
      for (const name of readdirSync(CORPUS_WORKFLOWS).filter((n) => /\.ya?ml$/.test(n))) {
        let text = beforeHardening(readFileSync(join(CORPUS_WORKFLOWS, name), "utf8"));
        if (name === "docker-build-push.yml") {
          text = calleeText(readFileSync(join(CORPUS_WORKFLOWS, name), "utf8"));
        }
        if (name === "wash.yml") text = `${text.trimEnd()}\n${CANARY}`;
        writeFileSync(join(workflows, name), text);
      }
      const inputs = {
        paths: [".github/workflows"],
        policyPath: DEFAULT_POLICY_PATH,
        fix: true,
        failOn: "error" as const,
      };
      const before = await run({ ...inputs, fix: false }, { files: diskWorkflowFiles(root) });
      await run(inputs, { files: diskWorkflowFiles(root) });
      const after = await run({ ...inputs, fix: false }, { files: diskWorkflowFiles(root) });
      const read = (name: string) => readFileSync(join(workflows, name), "utf8");
      return {
        before,
        after,
        wash: read("wash.yml"),
        callee: read("docker-build-push.yml"),
        operator: read("runtime-operator.yml"),
        gateway: read("runtime-gateway.yml"),
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  const HAND_FIX = { contents: "write", packages: "write" };

  it("wash.yml's canary starts: it gets what docker-build-push.yml's jobs request, no more than wasmCloud's own fix", async () => {
    // docker-build-push.yml then asked for id-token: write too, which none of its steps used.
    const result = await fixed((text) =>
      text.replace(/( {4}permissions:\n)( {6}contents: write\n)/g, "$1      id-token: write\n$2"),
    );
    expect(result.after.findings.filter((f) => f.rule === "reusable-workflow-refused")).toEqual([]);
    expect(grantsOf(result.wash, "canary")).toEqual(HAND_FIX);
    expect(result.callee).not.toContain("id-token");
  });

  it("every other caller of docker-build-push.yml starts too, within wasmCloud's own grants", async () => {
    const result = await fixed((text) => text);
    expect(result.after.findings.filter((f) => f.rule === "reusable-workflow-refused")).toEqual([]);
    expect(grantsOf(result.wash, "canary")).toEqual(HAND_FIX);
    for (const [text, job] of [
      [result.operator, callingJob(result.operator)],
      [result.gateway, callingJob(result.gateway)],
    ] as const) {
      expect(job).not.toBe("");
      expect(grantsOf(text, job), job).toEqual(HAND_FIX);
    }
    // Nothing the fixer could settle is left: every job that needs a block has one.
    expect(
      result.after.findings.filter((f) =>
        ["missing-top-level-permissions", "job-missing-permissions"].includes(f.rule),
      ),
    ).toEqual([]);
  });
});

/** The job of a workflow that calls docker-build-push.yml. */
function callingJob(text: string): string {
  const jobs = (parse(text) as { jobs: Record<string, { uses?: string }> }).jobs;
  return Object.keys(jobs).find((id) => jobs[id]?.uses?.endsWith("docker-build-push.yml")) ?? "";
}

describe("this repository's own workflows", () => {
  it("pass the enforcer with the repository's policy (or the default one)", async () => {
    const paths = [".github/workflows", "examples/workflows/permissions.yml"].filter((path) =>
      existsSync(join(PROJECT_ROOT, path)),
    );
    const result = await run(
      { paths, policyPath: DEFAULT_POLICY_PATH, fix: false, failOn: "warning" },
      { files: diskWorkflowFiles(PROJECT_ROOT) },
    );
    expect(result.files).toContain("examples/workflows/permissions.yml");
    expect(
      result.findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.rule}: ${f.message}`),
    ).toEqual([]);
  });
});
