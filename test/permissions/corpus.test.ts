import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkFile } from "../../src/permissions/check.ts";
import { diskWorkflowFiles } from "../../src/permissions/files.ts";
import { DEFAULT_POLICY_PATH, defaultPolicy } from "../../src/permissions/policy.ts";
import type { Finding } from "../../src/permissions/rules.ts";
import { run } from "../../src/permissions/run.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { CORPUS_WORKFLOWS, HAVE_CORPUS } from "./helpers.ts";

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
      return /^(\{|[a-z-]+: (read|write|none))/;
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

  it("reports the gate jobs without permissions and the read-all in codeql.yml and scorecard.yml", () => {
    const all = checked.flatMap(({ findings }) => findings);
    const blanket = all.filter((f) => f.rule === "blanket-permissions").map((f) => f.path);
    expect(blanket).toEqual([".github/workflows/codeql.yml", ".github/workflows/scorecard.yml"]);
    const gates = all.filter((f) => f.rule === "job-missing-permissions" && f.job === "gate");
    expect(gates.length).toBeGreaterThan(5);
  });
});

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
