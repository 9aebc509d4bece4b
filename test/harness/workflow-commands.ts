/** Workflow commands as the runner reads them from a step's standard output. */
export interface WorkflowCommand {
  /** The command name, lower-cased (the runner matches names case-insensitively). */
  command: string;
  properties: Record<string, string>;
  message: string;
  /** 0-based line of stdout. */
  line: number;
}

/**
 * The commands the runner registers (actions/runner ActionCommandManager and its extensions). A
 * line naming anything else is plain log text, exactly as on github.com.
 */
export const RUNNER_COMMANDS: ReadonlySet<string> = new Set([
  "add-mask",
  "add-matcher",
  "add-path",
  "debug",
  "echo",
  "endgroup",
  "error",
  "group",
  "notice",
  "remove-matcher",
  "save-state",
  "set-env",
  "set-output",
  "stop-commands",
  "warning",
]);

const unescapeData = (text: string) =>
  text.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
const unescapeProperty = (text: string) =>
  text
    .replace(/%0D/g, "\r")
    .replace(/%0A/g, "\n")
    .replace(/%3A/g, ":")
    .replace(/%2C/g, ",")
    .replace(/%25/g, "%");
const unescapeLegacy = (text: string) =>
  text
    .replace(/%3B/g, ";")
    .replace(/%0D/g, "\r")
    .replace(/%0A/g, "\n")
    .replace(/%5D/g, "]")
    .replace(/%25/g, "%");

/** .NET's `TrimStart()`/`Trim()`: Unicode white space, which includes U+0085 unlike JavaScript's `\s`. */
const trimStartDotNet = (text: string) => text.replace(/^[\s\u0085]+/, "");
const trimDotNet = (text: string) => trimStartDotNet(text).replace(/[\s\u0085]+$/, "");

interface Parsed {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** `::name k=v,k=v::data` at the start of the (left-trimmed) line. */
function parseV2(line: string, registered: ReadonlySet<string>): Parsed | undefined {
  const text = trimStartDotNet(line);
  if (!text.startsWith("::")) return undefined;
  const end = text.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of trimDotNet(info.slice(space + 1)).split(",")) {
      addProperty(properties, pair, unescapeProperty);
    }
  }
  return { command: name.toLowerCase(), properties, message: unescapeData(text.slice(end + 2)) };
}

/** The legacy `##[name k=v;]data` form, which the runner still honours anywhere in a line. */
function parseLegacy(line: string, registered: ReadonlySet<string>): Parsed | undefined {
  const start = line.indexOf("##[");
  if (start < 0) return undefined;
  const close = line.indexOf("]", start);
  if (close < 0) return undefined;
  const info = line.slice(start + 3, close);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info.slice(space + 1).split(";"))
      addProperty(properties, pair, unescapeLegacy);
  }
  return {
    command: name.toLowerCase(),
    properties,
    message: unescapeLegacy(line.slice(close + 1)),
  };
}

/** `key=value`; like the runner, an empty key or value drops the pair and keys stay untrimmed. */
function addProperty(
  properties: Record<string, string>,
  pair: string,
  decode: (text: string) => string,
) {
  const at = pair.indexOf("=");
  if (at <= 0 || at === pair.length - 1) return;
  properties[pair.slice(0, at)] = decode(pair.slice(at + 1));
}

/**
 * Parses stdout the way the runner does (actions/runner ActionCommand and ActionCommandManager):
 * lines end at LF, CR or CRLF; a registered command name (any case) in `::name::` form at the start
 * of the left-trimmed line, or in legacy `##[name]` form anywhere in it, is a command; after
 * `stop-commands` with a token, only a command named by that token resumes processing.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  stdout.split(/\r\n|\r|\n/).forEach((text, line) => {
    const step = processLine(text, stopToken);
    stopToken = step.stopToken;
    if (step.command) commands.push({ ...step.command, line });
  });
  return commands;
}

/**
 * One line through the runner's command processor: the command it runs, if any, and whether
 * commands are stopped after it (the stop token). An empty token stops processing for good.
 */
function processLine(
  text: string,
  stopToken: string | undefined,
): { command?: Parsed; stopToken: string | undefined } {
  const registered = stopToken ? new Set([...RUNNER_COMMANDS, stopToken]) : RUNNER_COMMANDS;
  const parsed = parseV2(text, registered) ?? parseLegacy(text, registered);
  if (!parsed) return { stopToken };
  if (stopToken !== undefined) {
    return { stopToken: stopToken !== "" && parsed.command === stopToken ? undefined : stopToken };
  }
  if (parsed.command === "stop-commands") return { stopToken: parsed.message.toLowerCase() };
  return { command: parsed, stopToken };
}

/**
 * The commands the runner could run from a step's standard output and error together. It reads
 * the two pipes apart and processes their lines as they arrive, each stream in order but the two
 * in any interleaving, with one command processor (one stop token) for both: so a fence one
 * stream closes can end the fence the other opened. Every interleaving is tried (by the states
 * reachable after each pair of positions); a command any of them runs is returned, once.
 */
export function parseInterleavedCommands(stdout: string, stderr: string): WorkflowCommand[] {
  const streams = [stdout.split(/\r\n|\r|\n/), stderr.split(/\r\n|\r|\n/)] as const;
  const found = new Map<string, WorkflowCommand>();
  // States reached: `${out},${err}` → the stop tokens commands may be stopped with there.
  const reached = new Map<string, Set<string | undefined>>([["0,0", new Set([undefined])]]);
  const [outLines, errLines] = streams;
  for (let out = 0; out <= outLines.length; out++) {
    for (let err = 0; err <= errLines.length; err++) {
      const tokens = reached.get(`${out},${err}`);
      if (!tokens) continue;
      for (const token of tokens) {
        for (const [stream, next] of [
          [0, [out + 1, err]],
          [1, [out, err + 1]],
        ] as const) {
          const index = stream === 0 ? out : err;
          const text = streams[stream][index];
          if (text === undefined) continue;
          const step = processLine(text, token);
          if (step.command) {
            found.set(`${stream}:${index}`, { ...step.command, line: index });
          }
          const key = `${next[0]},${next[1]}`;
          const set = reached.get(key) ?? new Set();
          set.add(step.stopToken);
          reached.set(key, set);
        }
      }
    }
  }
  // Standard output's commands first, then standard error's, each in its order.
  const position = (key: string) => key.split(":").map(Number) as [number, number];
  return [...found.entries()]
    .sort(([a], [b]) => {
      const [streamA, lineA] = position(a);
      const [streamB, lineB] = position(b);
      return streamA - streamB || lineA - lineB;
    })
    .map(([, command]) => command);
}

export interface ParsedAnnotation {
  level: "error" | "warning" | "notice";
  message: string;
  title?: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** A property by name, matched case-insensitively as the runner does. */
export function propertyOf(command: WorkflowCommand, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let value: string | undefined;
  for (const [key, candidate] of Object.entries(command.properties)) {
    if (key.toLowerCase() === wanted) value = candidate;
  }
  return value;
}

export function annotationsOf(commands: readonly WorkflowCommand[]): ParsedAnnotation[] {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return commands
    .filter((c) => c.command === "error" || c.command === "warning" || c.command === "notice")
    .map((c) => ({
      level: c.command as ParsedAnnotation["level"],
      message: c.message,
      title: propertyOf(c, "title"),
      file: propertyOf(c, "file"),
      line: number(propertyOf(c, "line")),
      column: number(propertyOf(c, "col")),
      endLine: number(propertyOf(c, "endLine")),
      endColumn: number(propertyOf(c, "endColumn")),
    }));
}

/** The next line of a file command file from `index`: LF or CRLF ends it, as in the runner. */
function readLine(text: string, index: number) {
  if (index >= text.length) return undefined;
  const lf = text.indexOf("\n", index);
  if (lf < 0) return { line: text.slice(index), next: text.length, newline: "" };
  const crlf = lf > index && text[lf - 1] === "\r";
  return {
    line: text.slice(index, crlf ? lf - 1 : lf),
    next: lf + 1,
    newline: crlf ? "\r\n" : "\n",
  };
}

/**
 * Reads a file command file (`GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_STATE`) as the runner does:
 * `name=value` lines and `name<<DELIMITER` heredocs, whichever separator comes first. A heredoc
 * value keeps its inner line endings. A malformed line or a heredoc without its delimiter throws,
 * because the runner fails the step for it.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  let index = 0;
  for (let read = readLine(text, index); read; read = readLine(text, index)) {
    index = read.next;
    const { line } = read;
    if (line === "") continue;
    const equals = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      if (equals === 0) throw new Error(`malformed file command line (empty name): ${line}`);
      values[line.slice(0, equals)] = line.slice(equals + 1);
      continue;
    }
    if (heredoc < 0) throw new Error(`malformed file command line: ${line}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (!name || !delimiter)
      throw new Error(`malformed heredoc (empty name or delimiter): ${line}`);
    const start = index;
    let end = index;
    for (;;) {
      const body = readLine(text, index);
      if (!body) throw new Error(`file command '${name}' has no closing delimiter '${delimiter}'`);
      index = body.next;
      if (body.line === delimiter) break;
      if (!body.newline) throw new Error(`file command '${name}': delimiter missing a newline`);
      end = index - body.newline.length;
    }
    values[name] = text.slice(start, end);
  }
  return values;
}
