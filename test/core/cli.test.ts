import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annotationLine, type CliIO, EXIT, parseCommandLine } from "../../src/cli/command.ts";
import { COMMANDS } from "../../src/cli/commands.ts";
import { runCli as runCliInProcess, usage } from "../../src/cli/run.ts";
import { ConfigurationError } from "../../src/core/errors.ts";
import { textSink } from "../harness/cli-io.ts";
import { PROJECT_ROOT, runCli } from "../harness/runner.ts";
import {
  corpusReport,
  corpusWorkspace,
  fakeZizmorFolder,
  SEVERAL_INPUTS_FILES,
} from "../zizmor/helpers.ts";

describe("status-gate (the built CLI)", () => {
  it("lists every command for --help and exits 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.exitCode).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^Usage: status-gate <command> \[options\]/);
    for (const [name, { summary }] of Object.entries(COMMANDS)) {
      expect(result.stdout).toMatch(
        new RegExp(`^  ${name} +${summary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
      );
    }
    expect(result.stdout).toContain("Exit codes: 0 success; 1 the check ran and failed");
    expect(result.stdout).not.toContain("\u001b[");
  });

  it("prints usage and exits 2 without a command", async () => {
    const result = await runCli([]);
    expect(result.exitCode).toBe(EXIT.usage);
    expect(result.stdout).toContain("Usage: status-gate");
  });

  it("refuses an unknown command with exit 2, the closest command and the usage on stderr", async () => {
    const result = await runCli(["gatee"]);
    expect(result.exitCode).toBe(EXIT.usage);
    expect(result.stderr).toMatch(
      /^status-gate: unknown command 'gatee'; did you mean 'gate'\?\n\nUsage: status-gate/,
    );
    expect(result.stdout).toBe("");
  });

  it.each([["--version"], ["-V"], ["version"]])("prints its version for %s", async (flag) => {
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));
    const result = await runCli([flag]);
    expect(result).toEqual({
      exitCode: 0,
      stdout: `status-gate ${manifest.version}\n`,
      stderr: "",
    });
  });

  it("names an unknown flag once, with one prefix", async () => {
    const result = await runCli(["permissions", "--frob"]);
    expect(result.exitCode).toBe(EXIT.usage);
    expect(result.stderr).toBe(
      "status-gate permissions: unknown option '--frob' (see 'status-gate permissions --help')\n",
    );
  });

  it("suggests the closest flag for a misspelt one", async () => {
    const result = await runCli(["permissions", "--fomrat", "json"]);
    expect(result.exitCode).toBe(EXIT.usage);
    expect(result.stderr).toBe(
      "status-gate permissions: unknown option '--fomrat'; did you mean '--format'? (see 'status-gate permissions --help')\n",
    );
  });

  it("says an option needs a value", async () => {
    const result = await runCli(["permissions", "--format"]);
    expect(result.exitCode).toBe(EXIT.usage);
    expect(result.stderr).toBe(
      "status-gate permissions: option '--format' needs a value (see 'status-gate permissions --help')\n",
    );
  });

  it.each(["bench", "zizmor", "attest", "train", "gate"])(
    "lists the subcommands of '%s' when none is given",
    async (name) => {
      const result = await runCli([name]);
      expect(result.exitCode).toBe(EXIT.usage);
      expect(result.stderr).toMatch(
        new RegExp(`^status-gate ${name} needs a subcommand:\n {2}\\w`),
      );
      expect(result.stderr).toContain(`Run 'status-gate ${name} --help' for the options.`);
    },
  );

  it("names a proxy variable that is not a URL as a configuration error, exit 2", async () => {
    const result = await runCli(["permissions"], {
      env: { https_proxy: "http://proxy-user:proxy-s3cret@[proxy" },
    });
    expect(result).toEqual({
      exitCode: EXIT.usage,
      stdout: "",
      // Without the password the URL carries.
      stderr:
        "status-gate permissions: https_proxy is 'http://***@[proxy', which is not a URL; expected http://host:port\n",
    });
  });

  it("suggests the closest subcommand for a misspelt one", async () => {
    const result = await runCli(["bench", "prase"]);
    expect(result.exitCode).toBe(EXIT.usage);
    expect(result.stderr).toMatch(
      /^status-gate bench: unknown subcommand 'prase'; did you mean 'parse'\?:\n/,
    );
  });

  it("ends quietly with status 0 when the reader closes the pipe early", () => {
    const folder = manyWorkflowsWithoutPermissions();
    const result = pipeline(`permissions ${JSON.stringify(folder)} --fail-on never | head -c 10`);
    rmSync(folder, { recursive: true, force: true });
    expect(result.stderr).toBe("");
    expect(result.stdout).toHaveLength(10);
    expect(result.status).toBe(0);
  });

  it("keeps a failed check's exit 1 when the reader closes the pipe early", () => {
    // `status-gate permissions | head` in a step with pipefail: a closed pipe must not turn a
    // red check green.
    const folder = manyWorkflowsWithoutPermissions();
    const result = pipeline(`permissions ${JSON.stringify(folder)} | head -c 10`);
    rmSync(folder, { recursive: true, force: true });
    expect(result.stdout).toHaveLength(10);
    expect(result.status).toBe(EXIT.failed);
  });

  it("finishes its work and keeps its verdict when the reader of its progress goes away", () => {
    // zizmor run logs progress on standard error before it decides; `2>&1 | head -c 1` closes
    // that pipe at the first line, long before the verdict.
    const fake = fakeZizmorFolder({
      stdout: corpusReport(
        "json-v1.several-inputs.json",
        (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
      ),
      exitCode: 14,
    });
    const workspace = corpusWorkspace();
    const result = pipeline(
      `zizmor run --zizmor-path ${JSON.stringify(join(fake, "zizmor"))} . 2>&1 | head -c 1`,
      workspace,
    );
    rmSync(workspace, { recursive: true, force: true });
    rmSync(fake, { recursive: true, force: true });
    expect(result.stdout).toHaveLength(1);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(EXIT.failed);
  });

  it.each(Object.keys(COMMANDS))("answers '%s --help' with its help and exit 0", async (name) => {
    const result = await runCli([name, "--help"]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(EXIT.ok);
    // Its own help, not the global usage: each command's help starts with its own usage line.
    expect(result.stdout).toMatch(new RegExp(`^Usage: status-gate ${name}[ \n]`));
  });
});

/** Far more output than a pipe holds, so the writer meets the closed pipe: 300 findings. */
function manyWorkflowsWithoutPermissions(): string {
  const folder = mkdtempSync(join(tmpdir(), "sg-epipe-"));
  for (let index = 0; index < 300; index++) {
    writeFileSync(
      join(folder, `w${index}.yml`),
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
    );
  }
  return folder;
}

/** `status-gate <command...>` in a bash pipeline with pipefail, as a CI step runs it. */
function pipeline(command: string, cwd = PROJECT_ROOT) {
  const cli = join(PROJECT_ROOT, "bin", "status-gate.js");
  return spawnSync(
    "bash",
    ["--noprofile", "--norc", "-o", "pipefail", "-c", `node ${JSON.stringify(cli)} ${command}`],
    { cwd, encoding: "utf8", env: { PATH: process.env.PATH ?? "" } },
  );
}

/** Collects what a command writes, with colour off as on a pipe. */
function captureIO(): CliIO & { out: () => string; err: () => string } {
  const stdout = textSink();
  const stderr = textSink();
  return {
    stdout: stdout.stream,
    stderr: stderr.stream,
    color: false,
    cwd: process.cwd(),
    env: {},
    out: stdout.text,
    err: stderr.text,
  };
}

describe("runCli exit codes", () => {
  const fixtures = {
    "fixture-verdict": async () => EXIT.failed,
    "fixture-config": async (args: string[]) => {
      parseCommandLine("fixture-config", args, { format: { type: "string" } });
      throw new ConfigurationError("gate.yml:3:1: unknown key 'chekcs'");
    },
    "fixture-bug": async () => {
      throw new RangeError("index out of range");
    },
    "fixture-throws-string": async () => {
      throw "a string";
    },
    "fixture-prefixed": async () => {
      throw new ConfigurationError("fixture-prefixed: the rules file is missing");
    },
  };

  beforeAll(() => {
    for (const [name, run] of Object.entries(fixtures)) {
      COMMANDS[name] = {
        summary: `test fixture ${name}`,
        load: async () => ({ name, help: `Usage: status-gate ${name}`, run }),
      };
    }
  });
  afterAll(() => {
    for (const name of Object.keys(fixtures)) delete COMMANDS[name];
  });

  it("returns 1 when the check ran and failed", async () => {
    expect(await runCliInProcess(["fixture-verdict"], captureIO())).toBe(EXIT.failed);
  });

  it("returns 2 for a configuration error, printing its message without a stack", async () => {
    const io = captureIO();
    expect(await runCliInProcess(["fixture-config"], io)).toBe(EXIT.usage);
    expect(io.err()).toBe("status-gate fixture-config: gate.yml:3:1: unknown key 'chekcs'\n");
  });

  it("returns 2 for an unknown option, naming it and pointing at --help", async () => {
    const io = captureIO();
    expect(await runCliInProcess(["fixture-config", "--colour"], io)).toBe(EXIT.usage);
    expect(io.err()).toBe(
      "status-gate fixture-config: unknown option '--colour' (see 'status-gate fixture-config --help')\n",
    );
  });

  it("prints a message that already names the command with one prefix", async () => {
    const io = captureIO();
    expect(await runCliInProcess(["fixture-prefixed"], io)).toBe(EXIT.usage);
    expect(io.err()).toBe("status-gate fixture-prefixed: the rules file is missing\n");
  });

  it("returns 3 for a bug, printing the stack", async () => {
    const io = captureIO();
    expect(await runCliInProcess(["fixture-bug"], io)).toBe(EXIT.internal);
    expect(io.err()).toMatch(
      /^status-gate fixture-bug: unexpected error\nRangeError: index out of range\n\s+at /,
    );
  });

  it("returns 3 for a thrown non-Error too", async () => {
    const io = captureIO();
    expect(await runCliInProcess(["fixture-throws-string"], io)).toBe(EXIT.internal);
    expect(io.err()).toBe("status-gate fixture-throws-string: unexpected error\na string\n");
  });

  it("shows a command's help for 'help <command>'", async () => {
    const io = captureIO();
    expect(await runCliInProcess(["help", "fixture-verdict"], io)).toBe(EXIT.ok);
    expect(io.out()).toBe("Usage: status-gate fixture-verdict\n");
  });

  it("shows a command's help for -h without running it", async () => {
    const io = captureIO();
    expect(await runCliInProcess(["fixture-bug", "-h"], io)).toBe(EXIT.ok);
    expect(io.out()).toBe("Usage: status-gate fixture-bug\n");
  });

  it("lists registered commands in the usage", () => {
    expect(usage()).toMatch(/^ {2}fixture-verdict +test fixture fixture-verdict$/m);
  });
});

describe("annotation lines on a terminal", () => {
  it("write a repository's control characters out, keeping the command's own colour", () => {
    const io = { color: true } as CliIO;
    const line = annotationLine(io, {
      level: "error",
      title: "rule\u001b[2J",
      message: "job 'a\u001b]0;pwned\u0007' fails\nsecond line\u009b",
      file: "x\u001b.yml",
      line: 3,
    });
    expect(line).toBe(
      "x<U+001B>.yml:3: \u001b[31merror\u001b[0m [rule<U+001B>[2J] job 'a<U+001B>]0;pwned<U+0007>' fails\nsecond line<U+009B>",
    );
  });
});
