import { describe, expect, it } from "vitest";
import { showControls } from "../../src/core/text.ts";
import { TestRepository } from "../harness/git.ts";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";

// `status-gate gate plan` prints changed file names, globs and revisions, which a pull request
// chooses. Inside Actions its output is the step's log, which the runner scans for commands.

function hostileRepository(): TestRepository {
  const repo = new TestRepository();
  repo.commit({
    message: "rules",
    files: {
      ".github/status-gate.yml": `rules:\n  - check: lint\n    paths: ['**', ${JSON.stringify(`!${HOSTILE}`)}]\n`,
    },
  });
  repo.git("checkout", "-q", "-b", "feature");
  repo.commit({ message: HOSTILE, files: { [`${HOSTILE}.txt`]: "x", "src/a.rs": "x" } });
  return repo;
}

describe("status-gate gate plan inside GitHub Actions, on hostile input", () => {
  it.each([["text"], ["json"]])(
    "--format %s runs no command from a changed file's name or a glob",
    async (format) => {
      using repo = hostileRepository();
      const result = await runCli(["gate", "plan", "--base", "main", "--format", format], {
        cwd: repo.path,
        env: IN_ACTIONS,
      });
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      expect(executedCommands(result)).toEqual([]);
      expect(result.stdout).not.toContain("\u202E");
      if (format === "json") {
        const plan = JSON.parse(result.stdout) as { required: { files: string[] }[] };
        expect(plan.required[0]?.files).toContain(`${HOSTILE}.txt`);
      }
    },
  );

  it("runs no command from a hostile revision named in an error", async () => {
    using repo = hostileRepository();
    const result = await runCli(["gate", "plan", "--base", HOSTILE], {
      cwd: repo.path,
      env: IN_ACTIONS,
    });
    expect(result.exitCode).toBe(2);
    expect(executedCommands(result)).toEqual([]);
    expect(result.stderr).toContain("is not a commit");
  });

  it("prints the same text as it is outside Actions, unfenced, control characters written out", async () => {
    using repo = hostileRepository();
    const result = await runCli(["gate", "plan", "--base", "main"], { cwd: repo.path });
    // A file name's newlines and controls would fake lines or drive a terminal: written out.
    expect(result.stdout).toContain(showControls(`${HOSTILE}.txt`));
    expect(result.stdout).not.toMatch(/^::stop-commands::/m);
  });
});
