import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { checkFile } from "../../src/permissions/check.ts";
import { diskWorkflowFiles } from "../../src/permissions/files.ts";
import {
  DEFAULT_POLICY_PATH,
  defaultPolicy,
  loadPolicy,
  type Policy,
} from "../../src/permissions/policy.ts";
import type { Finding } from "../../src/permissions/rules.ts";
import { type PermissionsInputs, run } from "../../src/permissions/run.ts";
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

const repositories: string[] = [];

/** A temporary repository holding `files` (paths relative to its root); see removeRepositories. */
export function repository(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "sg-permissions-"));
  repositories.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** Removes every repository made so far: `afterAll(removeRepositories)`. */
export function removeRepositories(): void {
  for (const root of repositories.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** `run` over a repository on disk, as the action runs it. */
export function runIn(
  root: string,
  {
    fix = false,
    paths = [".github/workflows"],
    failOn = "error",
  }: Partial<Pick<PermissionsInputs, "fix" | "paths" | "failOn">> = {},
) {
  return run(
    { paths, policyPath: DEFAULT_POLICY_PATH, fix, failOn },
    { files: diskWorkflowFiles(root) },
  );
}

/**
 * A job's `permissions:` block as lines at job level, or none: up to three of a few scopes at any
 * level (`id-token` only write or none, as GitHub takes it), `{}` when empty.
 */
export const jobBlockLines = fc.option(
  fc
    .dictionary(
      fc.constantFrom("contents", "packages", "id-token", "issues"),
      fc.constantFrom("read", "write", "none"),
      { maxKeys: 3 },
    )
    .map((grants) =>
      Object.keys(grants).length === 0
        ? ["    permissions: {}"]
        : [
            "    permissions:",
            ...Object.entries(grants).map(
              ([scope, level]) =>
                `      ${scope}: ${scope === "id-token" && level === "read" ? "write" : level}`,
            ),
          ],
    ),
  { nil: undefined },
);
