import { randomBytes } from "node:crypto";
import * as core from "@actions/core";

export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  title?: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * Writes one annotation. `@actions/core` escapes `%`, CR and LF in the message and also `:` and `,`
 * in properties, so no text can end the command early or start another one.
 */
export function annotate(annotation: Annotation): void {
  const properties: core.AnnotationProperties = {
    title: annotation.title,
    file: annotation.file,
    startLine: annotation.line,
    endLine: annotation.endLine,
  };
  // The runner ignores columns on multi-line spans; sending them anyway only confuses readers.
  if (annotation.endLine === undefined || annotation.endLine === annotation.line) {
    properties.startColumn = annotation.column;
    properties.endColumn = annotation.endColumn;
  }
  const write = { error: core.error, warning: core.warning, notice: core.notice }[annotation.level];
  write(annotation.message, properties);
}

/** A line pattern the runner would read as a workflow command (it trims before matching). */
const COMMAND_LINE = /^\s*::/m;

/**
 * Logs text that may come from users, files or APIs. When a line of it could be read as a
 * workflow command, the block is fenced with `stop-commands` under a random token, so it is shown
 * as written and executed never.
 */
export function info(text: string): void {
  if (!COMMAND_LINE.test(text)) {
    core.info(text);
    return;
  }
  const token = randomBytes(16).toString("hex");
  core.info(`::stop-commands::${token}`);
  core.info(text);
  core.info(`::${token}::`);
}

export function debug(text: string): void {
  if (core.isDebug()) info(text);
}

export function group<T>(title: string, body: () => Promise<T>): Promise<T> {
  return core.group(title.replace(/[\r\n]+/g, " "), body);
}

export const mask = core.setSecret;
export const setOutput = core.setOutput;
