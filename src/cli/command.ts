import type { ParseArgsConfig } from "node:util";
import { ConfigurationError } from "../core/errors.ts";
import type { Annotation } from "../core/log.ts";
import type { ActionOutcome } from "../core/outcome.ts";
import {
  didYouMean,
  escapeCommandLines,
  inertJson,
  inertLog,
  showControls,
  showForReader,
} from "../core/text.ts";

/** Exit codes of every `status-gate` command (documented in the README). */
export const EXIT = {
  ok: 0,
  /** The check ran and its verdict is negative: findings at the threshold, a red gate, a regression. */
  failed: 1,
  /** The command line or a configuration file is wrong, or there was nothing to check. */
  usage: 2,
  /** A bug or an unexpected failure (network, filesystem); the stack is printed. */
  internal: 3,
} as const;

export interface CliIO {
  /**
   * Standard output and error. Inside GitHub Actions (`GITHUB_ACTIONS=true`) they are the step's
   * log, so `runCli` hands commands streams that fence any text the runner could read as a
   * workflow command; JSON goes through {@link printJson}, which is inert by construction.
   */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Colour only when standard output is a terminal and NO_COLOR is unset. */
  color: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  /** Full help text, printed for `--help`. */
  help: string;
  /** The command's subcommands and a line on each, when it has them (`bench parse`, ...). */
  subcommands?: Record<string, string>;
  run(args: string[], io: CliIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `node:util` parseArgs with the suite's conventions: unknown options, missing values and stray
 * arguments are configuration errors that name the flag, suggest the closest one and point at
 * `--help`. `command` is the command as typed (`bench compare`).
 */
export function parseCommandLine<T extends Options>(
  command: string,
  args: string[],
  options: T,
  { positionals = true }: { positionals?: boolean } = {},
) {
  const all = { ...options, help: { type: "boolean", short: "h" } } as T;
  try {
    // Read when a command runs: importing node:util costs `--help` a few milliseconds.
    const { parseArgs } = process.getBuiltinModule("node:util") as typeof import("node:util");
    return parseArgs({ args, options: all, allowPositionals: positionals, strict: true });
  } catch (thrown) {
    throw new ConfigurationError(
      `${describeParseError(thrown, Object.keys(all))} (see 'status-gate ${command} --help')`,
    );
  }
}

function describeParseError(thrown: unknown, flags: string[]): string {
  const { code, message } = thrown as { code?: string; message?: string };
  const text = message ?? String(thrown);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'(-[^']*)'/.exec(text)?.[1] ?? text;
    const name = flag.replace(/^-+/, "").replace(/=.*$/, "");
    return `unknown option '${flag}'${didYouMean(name, flags).replace(/'([^']+)'\?$/, "'--$1'?")}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = /'(--?[\w-]+)/.exec(text)?.[1];
    if (/argument missing/.test(text) && flag) return `option '${flag}' needs a value`;
    if (/does not take an argument/.test(text) && flag) return `option '${flag}' takes no value`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const argument = /'([^']*)'/.exec(text)?.[1];
    return `unexpected argument '${argument ?? text}'; this command takes options only`;
  }
  return text.replace(/\.$/, "");
}

/** One of a flag's valid values, or a configuration error naming the flag and what is valid. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(
    `${flag} is '${value}'; valid values are ${allowed.join(", ")}${didYouMean(value, allowed)}`,
  );
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

/** Writes a `--format json` document to standard output. */
export function printJson(io: CliIO, value: unknown): void {
  rawStream(io.stdout).write(inertJson(value));
}

/** A stream for the step's log: text that is shown as written and never run as a command. */
export interface InertStream extends NodeJS.WritableStream {
  /** Writes what is held back of an unfinished last line. */
  flush(): void;
}

const RAW = Symbol("raw stream");

function rawStream(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  return (stream as { [RAW]?: NodeJS.WritableStream })[RAW] ?? stream;
}

/**
 * Wraps a stream so that text written to it is shown as written, never acted on: whole lines are
 * written (a command or an escape sequence split over two writes is still seen whole), with
 * invisible and control characters shown (see `showForReader`). In a step's log, text is also
 * either fenced with `stop-commands` when any line could be read as a workflow command (see
 * `inertLog`: standard output, which reads as written) or escaped line by line (see
 * `escapeCommandLines`: standard error, so that only one stream ever fences); on a terminal
 * (`show`), nothing more.
 */
export function inertStream(
  stream: NodeJS.WritableStream,
  how: "fence" | "escape" | "show" = "fence",
): InertStream {
  let pending = "";
  const inert = { fence: inertLog, escape: escapeCommandLines, show: showForReader }[how];
  const emit = (text: string) => {
    if (text) stream.write(inert(text));
  };
  const write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    // Up to a line feed: a CR's line feed may still come (CRLF ends a line; a lone CR is shown).
    const end = pending.lastIndexOf("\n");
    if (end >= 0) {
      emit(pending.slice(0, end + 1));
      pending = pending.slice(end + 1);
    }
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return true;
  };
  const flush = () => {
    emit(pending);
    pending = "";
  };
  return new Proxy(stream, {
    get(target, property) {
      if (property === "write") return write;
      if (property === "flush") return flush;
      if (property === RAW) return target;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as InertStream;
}

/** An outcome's plain data for `--format json` (the summary as markdown). */
export function outcomeJson(outcome: ActionOutcome) {
  return {
    passed: outcome.failure === undefined,
    failure: outcome.failure ?? null,
    outputs: outcome.outputs,
    annotations: outcome.annotations,
    // A file's contents (a whole SARIF log) are for the file, not for this summary of the run.
    files: outcome.files.map(({ path, description }) => ({ path, description })),
  };
}

/** `path:line:column: error [title] message`, as compilers print findings. */
export function annotationLine(io: CliIO, annotation: Annotation): string {
  const colour = { error: "red", warning: "yellow", notice: "dim" } as const;
  const where = annotation.file
    ? `${[showControls(annotation.file), annotation.line, annotation.column].filter((part) => part !== undefined).join(":")}: `
    : "";
  // Messages quote repositories' files and names, which may hold terminal escape sequences.
  const title = annotation.title ? ` [${showControls(annotation.title)}]` : "";
  return `${where}${paint(io, colour[annotation.level], annotation.level)}${title} ${showControls(annotation.message, { lineFeeds: true })}`;
}

/**
 * Prints an action's outcome as a command's result: its annotations as lines (or the whole
 * outcome as JSON), the failure last on standard error. Returns the exit code.
 */
export function printOutcome(io: CliIO, outcome: ActionOutcome, format: "text" | "json"): number {
  if (format === "json") printJson(io, outcomeJson(outcome));
  else
    for (const annotation of outcome.annotations)
      io.stdout.write(`${annotationLine(io, annotation)}\n`);
  if (outcome.failure !== undefined) {
    if (format === "text") io.stderr.write(`${paint(io, "red", "failed")}: ${outcome.failure}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
