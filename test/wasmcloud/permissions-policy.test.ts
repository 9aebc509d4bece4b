import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";
import { CORPUS, EXAMPLE, exampleWorkflow, repositoryWithCorpus } from "./example.ts";

// Issue 19: harden comes "with the policy file that wasmCloud's current permissions satisfy", and
// the policy's header promises that no job is granted more than it is granted today. Here the
// policy meets wasmCloud's .github before the migration: every finding must be in a file or job
// the migration replaced or removed, and no job the corpus has gets a write scope it lacked.

interface PolicyEntry {
  workflow: string;
  job?: string;
  permissions: Record<string, string>;
}

const POLICY = join(EXAMPLE, "permissions-policy.yml");
const policy = parse(readFileSync(POLICY, "utf8")) as { "max-grants": PolicyEntry[] };

/** A job's `permissions:` in a workflow of the corpus, or undefined when it has no such job. */
function corpusGrants(workflow: string, job: string): Record<string, string> | undefined {
  const path = join(CORPUS, "workflows", workflow);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, "utf8");
  const jobs = (parse(text) as { jobs: Record<string, { permissions?: unknown }> }).jobs;
  const found = jobs[job];
  if (!found) return undefined;
  return typeof found.permissions === "object" && found.permissions !== null
    ? (found.permissions as Record<string, string>)
    : {};
}

let corpus: TestRepository;
beforeAll(() => {
  corpus = repositoryWithCorpus();
});
afterAll(() => corpus?.[Symbol.dispose]());

describe("examples/wasmcloud/.github/permissions-policy.yml against wasmCloud's permissions before the migration", () => {
  it("is met by every job the migration kept: the corpus's findings are all in what it replaced", async () => {
    const run = await runCli(
      ["permissions", "--policy", POLICY, "--fail-on", "note", "--format", "json"],
      { cwd: corpus.path },
    );
    const report = JSON.parse(run.stdout) as {
      findings: { path: string; job?: string; rule: string }[];
    };
    const where = [
      ...new Set(report.findings.map(({ path, job }) => `${path} ${job ?? "(top level)"}`)),
    ].sort();
    expect(where).toEqual([
      // deleted: bench.yml compares at the merge base on every pull request
      ".github/workflows/bench-compare.yml (top level)",
      // replaced by the bench action's two jobs (measuring without credentials, storing with OIDC)
      ".github/workflows/bench.yml bench",
      // `read-all` became `permissions: {}`
      ".github/workflows/codeql.yml (top level)",
      // the pull request build no longer holds packages: write; `publish` on main does
      ".github/workflows/examples.yml build",
      // the zizmor job became harden
      ".github/workflows/lint-workflows.yml zizmor",
      // deleted: release.yml with train.yml replaces both
      ".github/workflows/release-tag.yml (top level)",
      ".github/workflows/release-tag.yml promote",
      ".github/workflows/release-train.yml (top level)",
      ".github/workflows/release-train.yml release",
      // `read-all` became `permissions: {}`
      ".github/workflows/scorecard.yml (top level)",
    ]);
    expect(run.exitCode).toBe(1);
  });

  it("grants no job that existed before a write scope it did not have", () => {
    const widened: string[] = [];
    for (const entry of policy["max-grants"]) {
      if (!entry.job) continue;
      const before = corpusGrants(entry.workflow, entry.job);
      if (!before) continue;
      for (const [scope, level] of Object.entries(entry.permissions)) {
        if (level === "write" && before[scope] !== "write") {
          widened.push(
            `${entry.workflow} ${entry.job}: ${scope}: write (before: ${before[scope] ?? "none"})`,
          );
        }
      }
    }
    expect(widened).toEqual([]);
  });

  it("names only jobs the example has, each once", () => {
    const named = policy["max-grants"].flatMap((entry) =>
      entry.job ? [`${entry.workflow} ${entry.job}`] : [],
    );
    expect(new Set(named).size).toBe(named.length);
    const missing = named.filter((name) => {
      const [workflow, job] = name.split(" ") as [string, string];
      return !exampleWorkflow(workflow).jobs[job];
    });
    expect(missing).toEqual([]);
  });
});
