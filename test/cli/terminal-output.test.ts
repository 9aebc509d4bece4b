import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printOutcome } from "../../src/cli/command.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { Outcome } from "../../src/core/outcome.ts";
import { runCliHere } from "../harness/cli-io.ts";
import { IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";

// Text from a pull request that a terminal or the log viewer would act on instead of showing:
// colour it like the background, move up and erase the finding's line, overwrite it after a
// lone CR, set the window title, an 8-bit CSI.
const ESCAPES = [
  "\u001b[30;40mhidden\u001b[0m",
  "\u001b[1A\u001b[2K",
  "all clear\r",
  "\u001b]0;title\u0007",
  "\u009b2K",
].join(" ");

/** A control character a terminal acts on, but the colours the CLI paints with itself. */
const ACTED_ON =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the test
  /\u001b(?!\[(?:0|1|2|31|32|33)m)|\r(?!\n)|[\u0000-\u0008\u000B\u000C\u000E-\u001A\u001C-\u001F\u007F-\u009F]/;

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe("escape sequences from users, files and APIs", () => {
  it("are shown in a step's log, not acted on (the built CLI, inside Actions)", async () => {
    const root = mkdtempSync(join(tmpdir(), "sg-escapes-"));
    folders.push(root);
    mkdirSync(join(root, ".github", "workflows"), { recursive: true });
    writeFileSync(
      join(root, ".github", "workflows", "ci.yml"),
      `on: push\njobs:\n  ${JSON.stringify(ESCAPES)}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`,
    );
    for (const format of ["text", "json", "sarif"]) {
      const result = await runCli(["permissions", "--format", format], {
        cwd: root,
        env: IN_ACTIONS,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).not.toMatch(ACTED_ON);
      expect(result.stderr).not.toMatch(ACTED_ON);
      if (format === "text") expect(result.stdout).toContain("<U+001B>[30;40mhidden");
      // JSON keeps the text, escaped as JSON escapes it: \u001b, \r, \u009b.
      else
        expect(JSON.stringify(JSON.parse(result.stdout))).toContain(
          JSON.stringify(ESCAPES).slice(1, -1),
        );
    }
  });

  describe("on a terminal", () => {
    const name = "fixture-terminal";
    beforeAll(() => {
      COMMANDS[name] = {
        summary: "prints a finding holding escape sequences",
        load: async () => ({
          name,
          help: `Usage: status-gate ${name}`,
          async run(_, io) {
            const outcome = new Outcome();
            outcome.annotate({ level: "error", file: "ci.yml", line: 3, message: ESCAPES });
            io.stderr.write(`skipped ${ESCAPES}\n`);
            return printOutcome(io, outcome.fail(`bad job ${ESCAPES}`), "text");
          },
        }),
      };
    });
    afterAll(() => {
      delete COMMANDS[name];
    });

    it("are shown, and the CLI's own colours kept", async () => {
      const { code, stdout, stderr } = await runCliHere([name], { color: true, tty: true });
      expect(code).toBe(1);
      expect(stdout).not.toMatch(ACTED_ON);
      expect(stderr).not.toMatch(ACTED_ON);
      expect(stdout).toContain(
        // The CLI's own colours are kept; a finding's text shows every control, a reset too.
        "ci.yml:3: \u001b[31merror\u001b[0m <U+001B>[30;40mhidden<U+001B>[0m <U+001B>[1A",
      );
      expect(stdout).toContain("all clear<U+000D> <U+001B>]0;title<U+0007> <U+009B>2K");
      expect(stderr).toContain("\u001b[31mfailed\u001b[0m: bad job <U+001B>[30;40m");
    });
  });
});
