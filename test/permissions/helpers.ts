import { existsSync } from "node:fs";
import { join } from "node:path";
import { checkFile } from "../../src/permissions/check.ts";
import { defaultPolicy, loadPolicy, type Policy } from "../../src/permissions/policy.ts";
import type { Finding } from "../../src/permissions/rules.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";

export const SHARED = join(PROJECT_ROOT, "..", "shared");
export const CORPUS_WORKFLOWS = join(SHARED, "corpus", "wasmcloud", ".github", "workflows");
export const HAVE_CORPUS = existsSync(CORPUS_WORKFLOWS);
if (!HAVE_CORPUS) {
  console.warn(
    `skipping corpus tests: ${CORPUS_WORKFLOWS} is absent (../shared is not beside the project)`,
  );
}

/** Lines joined with LF, so a test reads like the file it describes. */
export function yaml(...lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** 1-based line and column of the `nth` occurrence of `needle`, counted by hand. */
export function locate(text: string, needle: string, nth = 0): { line: number; column: number } {
  let offset = -1;
  for (let count = 0; count <= nth; count++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`'${needle}' occurs fewer than ${nth + 1} times`);
  }
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

export function policyOf(...lines: string[]): Policy {
  return loadPolicy(".github/permissions-policy.yml", yaml(...lines));
}

export function check(
  text: string,
  policy: Policy = defaultPolicy,
  path = ".github/workflows/ci.yml",
): Finding[] {
  return checkFile(path, text, policy);
}

export function rulesOf(findings: Finding[]): string[] {
  return findings.map((finding) => finding.rule);
}

/** The finding's line and column, for comparing with `locate`. */
export function where(finding: Finding | undefined): { line: number; column: number } | undefined {
  return finding && { line: finding.line, column: finding.column };
}

/** A GitHub expression as it appears in a workflow: `${{ body }}`. */
export function expression(body: string): string {
  return `\${{ ${body} }}`;
}
