import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cutName } from "../../src/gate/doctor/names.ts";
import { parseRules } from "../../src/gate/rules.ts";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";

// Job ids, job names and check names come from the repository's files: inside Actions, doctor's
// and init's output is a step's log, which the runner scans for workflow commands.

const repositories: TestRepository[] = [];
afterAll(() => {
  for (const repo of repositories) repo[Symbol.dispose]();
});

function hostileRepository(rules?: string): TestRepository {
  const repo = createRepository();
  repositories.push(repo);
  const quoted = JSON.stringify(HOSTILE);
  const files: Record<string, string> = {
    ".github/workflows/ci.yml": [
      "on: pull_request",
      "jobs:",
      `  ${quoted}:`,
      `    name: ${quoted}`,
      "    runs-on: ubuntu-latest",
      "  gate:",
      `    needs: [${quoted}]`,
      "    if: always()",
      "    runs-on: ubuntu-latest",
      "    steps:",
      '      - run: echo "$R"',
      "        env:",
      `          R: ${["$", "{{ toJSON(needs) }}"].join("")}`,
    ].join("\n"),
  };
  if (rules) files[".github/status-gate.yml"] = rules;
  repo.commit({ message: "workflows", files });
  return repo;
}

describe("gate doctor and gate init inside GitHub Actions", () => {
  it.each([["text"], ["json"]])(
    "doctor --format %s runs no command from job names or the rules",
    async (format) => {
      // Under 100 characters, so that GitHub's cut cannot make it the job's name.
      // Pinned, so that no job of that name is an error (not a warning) and names the job's checks.
      const rules = `rules:\n  - check: ${JSON.stringify(`${HOSTILE.slice(0, 70)}!`)}\n    workflow: .github/workflows/ci.yml\n  - check: ${JSON.stringify(HOSTILE)}\n    workflow: .github/workflows/ci.yml\n    paths: ["src/**"]\n`;
      const repo = hostileRepository(rules);
      const run = await runCli(["gate", "doctor", "--format", format], {
        cwd: repo.path,
        env: IN_ACTIONS,
      });
      expect(run.stderr).toBe("");
      expect(run.exitCode).toBe(1);
      expect(executedCommands(run)).toEqual([]);
      expect(run.stdout).not.toContain("\u202E");
      if (format === "json") {
        const report = JSON.parse(run.stdout);
        expect(report.findings[0].message).toContain("::error file=a.yml");
      } else expect(run.stdout).toContain("::stop-commands::");
    },
  );

  it.each([["text"], ["json"]])(
    "init --format %s runs no command from job names, and writes a file they cannot break",
    async (format) => {
      const repo = hostileRepository();
      const run = await runCli(["gate", "init", "--format", format], {
        cwd: repo.path,
        env: IN_ACTIONS,
      });
      expect(run.stderr).toBe("");
      expect(run.exitCode).toBe(0);
      expect(executedCommands(run)).toEqual([]);
      const text = readFileSync(join(repo.path, ".github/status-gate.yml"), "utf8");
      const [rule] = parseRules(".github/status-gate.yml", text).rules;
      // The name is matched as GitHub shows it (cut at 100 characters) and as written: its `*`,
      // `?` and `[` would be pattern syntax otherwise.
      expect(HOSTILE.length).toBeGreaterThan(100);
      expect(rule?.matchesName(cutName(HOSTILE))).toBe(true);
      expect(rule?.job).toBeUndefined();
      const doctor = await runCli(["gate", "doctor"], { cwd: repo.path, env: IN_ACTIONS });
      expect(executedCommands(doctor)).toEqual([]);
      expect(doctor.exitCode).toBe(0);
    },
  );

  it("init --stdout prints the rules inert", async () => {
    const repo = hostileRepository();
    const run = await runCli(["gate", "init", "--stdout"], { cwd: repo.path, env: IN_ACTIONS });
    expect(run.exitCode).toBe(0);
    expect(executedCommands(run)).toEqual([]);
  });
});
