import { describeThrown, isConfigurationError } from "../core/errors.ts";
import { useProxyFromEnvironment } from "../core/network.ts";
import { withoutPrefix } from "../core/outcome.ts";
import { didYouMean } from "../core/text.ts";
import { version } from "../core/version.ts";
import { type CliIO, EXIT, type InertStream, inertStream } from "./command.ts";
import { COMMANDS } from "./commands.ts";

export function usage(): string {
  const width = Math.max(8, ...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  return `Usage: status-gate <command> [options]

The status-gate actions, run on your own machine.

Commands:
${lines.join("\n")}

Run 'status-gate <command> --help' (or 'status-gate help <command>') for a command's options,
'status-gate --version' for the version.

Exit codes: 0 success; 1 the check ran and failed (findings, red gate, regression);
2 bad command line or configuration, or nothing to check; 3 unexpected error (a bug or the network).
`;
}

/**
 * Runs one command. Inside GitHub Actions the command's text output is made inert so that nothing
 * it prints from users, files or APIs runs as a workflow command; there and on a terminal, control
 * characters in it are shown, not acted on. Every error is printed once, as
 * `status-gate <command>: <message>`.
 */
export async function runCli(args: string[], given: CliIO): Promise<number> {
  const inActions = given.env.GITHUB_ACTIONS === "true";
  // A terminal acts on escape sequences in text from users, files and APIs too: one could erase
  // a finding's line or colour it like the background.
  const shown = (stream: NodeJS.WritableStream, inLog: "fence" | "escape") =>
    inActions && readByRunner(stream)
      ? inertStream(stream, inLog)
      : (stream as { isTTY?: boolean }).isTTY
        ? inertStream(stream, "show")
        : stream;
  const io: CliIO = {
    ...given,
    stdout: shown(given.stdout, "fence"),
    stderr: shown(given.stderr, "escape"),
  };
  try {
    return await dispatch(args, io);
  } finally {
    for (const stream of [io.stdout, io.stderr]) (stream as Partial<InertStream>).flush?.();
  }
}

/**
 * Whether the runner may read what goes to a stream: not when the step sent it to a file
 * (`> rules.yml`, `2> fix.patch`), whose contents must be exactly what the command wrote.
 */
function readByRunner(stream: NodeJS.WritableStream): boolean {
  const fd = (stream as { fd?: unknown }).fd;
  if (typeof fd !== "number") return true;
  try {
    const { fstatSync } = process.getBuiltinModule("node:fs") as typeof import("node:fs");
    return !fstatSync(fd).isFile();
  } catch {
    return true;
  }
}

async function dispatch(args: string[], io: CliIO): Promise<number> {
  // `status-gate help <command>` is `status-gate <command> --help`.
  if (args[0] === "help" && args[1] !== undefined) return dispatch([args[1], "--help"], io);
  const [name, ...rest] = args;
  if (name === "--version" || name === "-V" || name === "version") {
    io.stdout.write(`status-gate ${version()}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    const hint = didYouMean(name, Object.keys(COMMANDS));
    io.stderr.write(`status-gate: unknown command '${name}'${hint}\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    // Before the command loads: Sigstore's clients read the proxy variables as they load. A
    // proxy variable that is not a URL is the user's to fix, named like any other mistake.
    useProxyFromEnvironment(io.env);
    const command = await entry.load();
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
      return EXIT.ok;
    }
    const subcommands = command.subcommands;
    const typed = rest[0];
    // Options may come before the subcommand; then the command itself finds it.
    if (subcommands && !typed?.startsWith("-") && !Object.hasOwn(subcommands, typed ?? "")) {
      const width = Math.max(...Object.keys(subcommands).map((sub) => sub.length));
      const list = Object.entries(subcommands)
        .map(([sub, summary]) => `  ${sub.padEnd(width)}  ${summary}`)
        .join("\n");
      const problem =
        typed === undefined
          ? `status-gate ${name} needs a subcommand`
          : `status-gate ${name}: unknown subcommand '${typed}'${didYouMean(typed, Object.keys(subcommands))}`;
      io.stderr.write(
        `${problem}:\n${list}\n\nRun 'status-gate ${name} --help' for the options.\n`,
      );
      return EXIT.usage;
    }
    return await command.run(rest, io);
  } catch (thrown) {
    if (isConfigurationError(thrown)) {
      io.stderr.write(`status-gate ${name}: ${withoutPrefixes(name, thrown.message)}\n`);
      return EXIT.usage;
    }
    const stack = thrown instanceof Error && thrown.stack ? thrown.stack : describeThrown(thrown);
    io.stderr.write(`status-gate ${name}: unexpected error\n${stack}\n`);
    return EXIT.internal;
  }
}

/** The action behind a command, whose name messages of shared code may start with. */
const ACTION_NAMES: Record<string, string> = { train: "train-release", attest: "attest-oci" };

function withoutPrefixes(command: string, message: string): string {
  let text = withoutPrefix(command, message);
  const action = ACTION_NAMES[command];
  if (action) text = withoutPrefix(action, text);
  return text;
}
