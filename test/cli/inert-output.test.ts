import { spawnSync } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.ts";
import { runCliHere } from "../harness/cli-io.ts";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { PROJECT_ROOT, runCli } from "../harness/runner.ts";

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

  it("writes a file the step redirects standard output to exactly as outside Actions", async () => {
    // `status-gate ... > report.txt`: the runner never reads the file, so nothing is fenced there.
    const root = workflowsWithHostileNames();
    const outside = await runCli(["permissions"], { cwd: root });
    const file = join(root, "report.txt");
    const fd = openSync(file, "w");
    const cli = join(PROJECT_ROOT, "bin", "status-gate.js");
    const inside = spawnSync(process.execPath, [cli, "permissions"], {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...IN_ACTIONS },
      stdio: ["ignore", fd, "pipe"],
    });
    closeSync(fd);
    expect(inside.status).toBe(1);
    expect(readFileSync(file, "utf8")).toBe(outside.stdout);
    expect(outside.stdout).toContain(HOSTILE);
  });

  it("permissions prints text as it is outside Actions, unfenced", async () => {
    const root = workflowsWithHostileNames();
    const result = await runCli(["permissions"], { cwd: root });
    expect(result.stdout).toContain(`job '${HOSTILE}'`);
  });
});

describe("a command that writes hostile text to standard output and error at once", () => {
  // The runner reads the two pipes apart and processes their lines with one command processor,
  // in an order of its own: a fence on each stream could end the other's early.
  const name = "fixture-both-streams";
  beforeAll(() => {
    COMMANDS[name] = {
      summary: "writes hostile text to both streams",
      load: async () => ({
        name,
        help: `Usage: status-gate ${name}`,
        async run(_, io) {
          io.stdout.write(`result: ${HOSTILE}\n`);
          io.stderr.write(`failed: ${HOSTILE}\n`);
          return 1;
        },
      }),
    };
  });
  afterAll(() => {
    delete COMMANDS[name];
  });

  it("runs no command in any order the runner may read the two streams in", async () => {
    const { code, ...output } = await runCliHere([name], { env: { ...IN_ACTIONS } });
    expect(code).toBe(1);
    expect(executedCommands(output)).toEqual([]);
    // Standard output reads as written; standard error too, but for what would be a command.
    expect(output.stdout).toContain(
      HOSTILE.replace("\u0085", "<U+0085>")
        .replace("\u202E", "<U+202E>")
        .replace("\u202C", "<U+202C>"),
    );
    expect(output.stderr).toContain("failed: x\n\\::error file=a.yml,line=1::injected error\n");
    expect(output.stderr).toContain("text ##\\[warning]legacy warning");
  });
});
