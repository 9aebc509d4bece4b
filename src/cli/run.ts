import { describeThrown, isConfigurationError } from "../core/errors.ts";
import { type CliIO, EXIT } from "./command.ts";
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

Run 'status-gate <command> --help' (or 'status-gate help <command>') for a command's options.

Exit codes: 0 success; 1 the check ran and failed (findings, red gate, regression);
2 bad command line or configuration; 3 unexpected error (a bug or the network).
`;
}

export async function runCli(args: string[], io: CliIO): Promise<number> {
  // `status-gate help <command>` is `status-gate <command> --help`.
  if (args[0] === "help" && args[1] !== undefined) return runCli([args[1], "--help"], io);
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`status-gate: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const command = await entry.load();
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stdout.write(command.help.endsWith("\n") ? command.help : `${command.help}\n`);
      return EXIT.ok;
    }
    return await command.run(rest, io);
  } catch (thrown) {
    if (isConfigurationError(thrown)) {
      io.stderr.write(`status-gate ${name}: ${thrown.message}\n`);
      return EXIT.usage;
    }
    const stack = thrown instanceof Error && thrown.stack ? thrown.stack : describeThrown(thrown);
    io.stderr.write(`status-gate ${name}: unexpected error\n${stack}\n`);
    return EXIT.internal;
  }
}
