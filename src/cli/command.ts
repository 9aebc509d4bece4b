import { type ParseArgsConfig, parseArgs } from "node:util";
import { ConfigurationError } from "../core/errors.ts";

/** Exit codes of every `status-gate` command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The check ran and its verdict is negative: findings at the threshold, a red gate, a regression. */
  failed: 1,
  /** The command line or a configuration file is wrong; nothing was checked. */
  usage: 2,
  /** A bug or an unexpected failure (network, filesystem); the stack is printed. */
  internal: 3,
} as const;

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Colour only when standard output is a terminal and NO_COLOR is unset. */
  color: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Full help text, printed for `--help`. */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `node:util` parseArgs with the suite's conventions: unknown options and missing values are
 * configuration errors that name the option and point at `--help`.
 */
export function parseCommandLine<T extends Options>(
  command: string,
  args: string[],
  options: T,
  { positionals = true }: { positionals?: boolean } = {},
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: positionals,
      strict: true,
    });
  } catch (thrown) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    throw new ConfigurationError(`${command}: ${message} (see 'status-gate ${command} --help')`);
  }
}

/** Wraps text in an ANSI colour when colour is on. */
export function paint(
  io: CliIO,
  colour: "red" | "yellow" | "green" | "dim" | "bold",
  text: string,
) {
  if (!io.color) return text;
  const codes = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1 } as const;
  return `\u001b[${codes[colour]}m${text}\u001b[0m`;
}
