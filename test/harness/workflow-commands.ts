/** Workflow commands as the runner reads them from a step's standard output. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
  /** 0-based line of stdout. */
  line: number;
}

const unescapeData = (text: string) =>
  text.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
const unescapeProperty = (text: string) =>
  unescapeData(text).replace(/%3A/g, ":").replace(/%2C/g, ",");

/**
 * Parses stdout the way the runner does: a line whose trimmed text starts with `::` is a
 * command; `::stop-commands::TOKEN` suspends parsing until a line `::TOKEN::`.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  stdout.split(/\r?\n/).forEach((rawLine, line) => {
    const text = rawLine.trim();
    if (stopToken !== undefined) {
      if (text === `::${stopToken}::`) stopToken = undefined;
      return;
    }
    const match = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/s.exec(text);
    if (!match) return;
    const [, command = "", rawProperties, rawMessage = ""] = match;
    const properties: Record<string, string> = {};
    for (const pair of rawProperties ? rawProperties.split(",") : []) {
      const at = pair.indexOf("=");
      if (at > 0) properties[pair.slice(0, at).trim()] = unescapeProperty(pair.slice(at + 1));
    }
    if (command === "stop-commands") {
      stopToken = rawMessage;
      return;
    }
    commands.push({ command, properties, message: unescapeData(rawMessage), line });
  });
  return commands;
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

export function annotationsOf(commands: readonly WorkflowCommand[]): ParsedAnnotation[] {
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  return commands
    .filter((c) => c.command === "error" || c.command === "warning" || c.command === "notice")
    .map((c) => ({
      level: c.command as ParsedAnnotation["level"],
      message: c.message,
      title: c.properties.title,
      file: c.properties.file,
      line: number(c.properties.line),
      column: number(c.properties.col),
      endLine: number(c.properties.endLine),
      endColumn: number(c.properties.endColumn),
    }));
}

/**
 * Reads a file command file (`GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_STATE`): `name=value` lines
 * and `name<<DELIMITER` heredocs, as the runner does. A heredoc without its delimiter throws,
 * because the runner fails the step for it.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line === "") continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = "", delimiter] = heredoc;
      const end = lines.indexOf(delimiter as string, index + 1);
      if (end < 0) throw new Error(`file command '${name}' has no closing delimiter`);
      values[name] = lines.slice(index + 1, end).join("\n");
      index = end;
      continue;
    }
    const at = line.indexOf("=");
    if (at <= 0) throw new Error(`malformed file command line: ${line}`);
    values[line.slice(0, at)] = line.slice(at + 1);
  }
  return values;
}
