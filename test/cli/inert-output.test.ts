import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";

// Each command prints text that comes from users: a file name, a job id, a commit subject. Inside
// Actions its output is the step's log, which the runner scans for workflow commands.

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function workflowsWithHostileNames(): string {
  const root = mkdtempSync(join(tmpdir(), "sg-inert-"));
  folders.push(root);
  const workflows = join(root, ".github", "workflows");
  mkdirSync(workflows, { recursive: true });
  // A hostile job id (a quoted YAML key) and a hostile file name.
  writeFileSync(
    join(workflows, "##[add-mask]leak.yml"),
    `on: push\njobs:\n  ${JSON.stringify(HOSTILE)}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`,
  );
  return root;
}

describe("CLI output inside GitHub Actions", () => {
  it.each([["text"], ["json"], ["sarif"]])(
    "permissions --format %s runs no command from a job id or file name",
    async (format) => {
      const root = workflowsWithHostileNames();
      const result = await runCli(["permissions", "--format", format], {
        cwd: root,
        env: IN_ACTIONS,
      });
      expect(result.exitCode).toBe(1);
      expect(executedCommands(result)).toEqual([]);
      expect(result.stdout).not.toContain("\u202E");
      if (format !== "text") {
        // Still valid JSON, with the same text once parsed.
        expect(JSON.stringify(JSON.parse(result.stdout))).toContain("::error file=a.yml");
      }
    },
  );

  it("permissions prints text as it is outside Actions, unfenced", async () => {
    const root = workflowsWithHostileNames();
    const result = await runCli(["permissions"], { cwd: root });
    expect(result.stdout).toContain(`job '${HOSTILE}'`);
  });
});
