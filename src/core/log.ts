import * as core from "@actions/core";
import { inertLog, showForReader } from "./text.ts";

export { inertLog, mayHoldCommand } from "./text.ts";

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
 * in properties, so no text can end the command early or start another one; invisible and control
 * characters in message and title are shown (an escape sequence could colour it like the page).
 */
export function annotate(annotation: Annotation): void {
  const properties: core.AnnotationProperties = {
    title: trimEnd(annotation.title && showForReader(annotation.title)),
    file: trimEnd(annotation.file),
    startLine: annotation.line,
    startColumn: annotation.column,
  };
  // The runner drops the columns of a span over several lines; such a span (a map) is pointed
  // at by where it starts instead, so the column of `file:line:column` survives.
  if (annotation.endLine === undefined || annotation.endLine === annotation.line) {
    properties.endLine = annotation.endLine;
    properties.endColumn = annotation.endColumn;
  }
  const write = { error: core.error, warning: core.warning, notice: core.notice }[annotation.level];
  write(showForReader(annotation.message), properties);
}

/** The runner trims the end of a command's properties, so a trailing space could never arrive. */
function trimEnd(text: string | undefined): string | undefined {
  return text?.replace(/[\s\u0085]+$/, "");
}

/** Logs text that may come from users, files or APIs: shown as written, never run (see inertLog). */
export function info(text: string): void {
  core.info(inertLog(text));
}

export function debug(text: string): void {
  if (core.isDebug()) info(text);
}

export function group<T>(title: string, body: () => Promise<T>): Promise<T> {
  return core.group(title.replace(/[\r\n]+/g, " "), body);
}

/**
 * Masks a secret in the log. The runner masks line by line, so a multi-line secret (a private
 * key) is also masked one line at a time; blank values are skipped, which the runner refuses.
 */
export function mask(secret: string): void {
  if (!secret.trim()) return;
  core.setSecret(secret);
  const lines = secret.split(/\r\n|\r|\n/).map((line) => line.trim());
  for (const line of new Set(lines)) {
    if (line && line !== secret) core.setSecret(line);
  }
}

export const setOutput = core.setOutput;
