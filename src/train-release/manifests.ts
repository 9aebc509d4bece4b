import semver from "semver";
import { isScalar, parseDocument, Scalar } from "yaml";
import { escapeRegExp } from "../core/text.ts";

/**
 * In-place edits of version fields. Each editor changes only the characters of the value and keeps
 * every comment, blank line, quote style and key order, so a release diff is one line per field.
 */

export class ManifestEditError extends Error {
  override readonly name = "ManifestEditError";
}

const TABLE_HEADER = /^\s*\[\s*([^[\]]+?)\s*\]\s*(#.*)?$/;
const ARRAY_HEADER = /^\s*\[\[/;

/** Sets `table.key` (e.g. `workspace.package.version`) to a string in a TOML document. */
export function setTomlString(
  text: string,
  dottedKey: string,
  value: string,
  path = "file",
): string {
  const lastDot = dottedKey.lastIndexOf(".");
  const tableName = lastDot < 0 ? "" : dottedKey.slice(0, lastDot);
  const key = dottedKey.slice(lastDot + 1);
  const lines = text.split("\n");
  let current = "";
  const keyLine = new RegExp(`^(\\s*${escapeRegExp(key)}\\s*=\\s*)(["'])([^"'\\n]*)\\2`);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (ARRAY_HEADER.test(line)) {
      current = "\u0000array";
      continue;
    }
    const header = TABLE_HEADER.exec(line);
    if (header) {
      current = (header[1] as string).replace(/\s*\.\s*/g, ".");
      continue;
    }
    if (current !== tableName) continue;
    const match = keyLine.exec(line);
    if (!match) continue;
    const [whole, lead, quote] = match as unknown as [string, string, string];
    lines[index] = `${lead}${quote}${value}${quote}${line.slice(whole.length)}`;
    return lines.join("\n");
  }
  throw new ManifestEditError(`${path}: no string '${key}' in [${tableName}] to set to ${value}`);
}

/** Sets a string at a key path in a JSON document, keeping its layout. */
export function setJsonString(
  text: string,
  keyPath: readonly string[],
  value: string,
  path = "file",
): string {
  const span = findJsonValue(text, keyPath);
  if (!span || text[span.start] !== '"') {
    throw new ManifestEditError(
      `${path}: no string at ${keyPath.map((key) => JSON.stringify(key)).join(" > ")}`,
    );
  }
  return `${text.slice(0, span.start)}${JSON.stringify(value)}${text.slice(span.end)}`;
}

interface Span {
  start: number;
  end: number;
}

/** Where the value at a key path sits in JSON text (a tiny scanner; the file is known valid). */
function findJsonValue(text: string, keyPath: readonly string[]): Span | undefined {
  let position = 0;
  const skipSpace = () => {
    while (/\s/.test(text[position] ?? "")) position++;
  };
  const readString = () => {
    const start = position++;
    while (text[position] !== '"') position += text[position] === "\\" ? 2 : 1;
    position++;
    return JSON.parse(text.slice(start, position)) as string;
  };
  const skipValue = (): Span => {
    skipSpace();
    const start = position;
    const opener = text[position];
    if (opener === '"') {
      readString();
    } else if (opener === "{" || opener === "[") {
      let depth = 0;
      do {
        const char = text[position];
        if (char === '"') {
          readString();
          continue;
        }
        if (char === "{" || char === "[") depth++;
        if (char === "}" || char === "]") depth--;
        position++;
      } while (depth > 0);
    } else {
      while (position < text.length && !/[,}\]\s]/.test(text[position] as string)) position++;
    }
    return { start, end: position };
  };
  const find = (depth: number): Span | undefined => {
    skipSpace();
    if (text[position] !== "{") return undefined;
    position++;
    for (;;) {
      skipSpace();
      if (text[position] === "}") return undefined;
      const key = readString();
      skipSpace();
      position++; // the colon
      skipSpace();
      if (key === keyPath[depth]) {
        return depth === keyPath.length - 1 ? skipValue() : find(depth + 1);
      }
      skipValue();
      skipSpace();
      if (text[position] === ",") position++;
    }
  };
  return find(0);
}

/** Sets a scalar at a dotted key in YAML, keeping comments and the value's quote style. */
export function setYamlString(
  text: string,
  dottedKey: string,
  value: string,
  path = "file",
): string {
  const document = parseDocument(text, { keepSourceTokens: true });
  const node = document.getIn(dottedKey.split("."), true);
  if (!isScalar(node) || !node.range) {
    throw new ManifestEditError(`${path}: no value at '${dottedKey}' to set to ${value}`);
  }
  const [start, end] = node.range;
  const rendered =
    node.type === Scalar.QUOTE_DOUBLE
      ? JSON.stringify(value)
      : node.type === Scalar.QUOTE_SINGLE
        ? `'${value.replace(/'/g, "''")}'`
        : value;
  return `${text.slice(0, start)}${rendered}${text.slice(end)}`;
}

const INLINE_DEPENDENCY = /^(\s*"?)([A-Za-z0-9_-]+)("?\s*=\s*\{)([^}\n]*)(\}.*)$/;

/**
 * Moves the version requirement of path dependencies on bumped crates when the new version no
 * longer satisfies it (`version = "0.3.1"` does not accept 0.4.0), so the release commit still
 * builds. Only one-line inline tables with a `path` are touched; the operator is kept.
 */
export function updatePathDependencies(text: string, bumped: ReadonlyMap<string, string>): string {
  if (bumped.size === 0) return text;
  return text
    .split("\n")
    .map((line) => {
      const match = INLINE_DEPENDENCY.exec(line);
      if (!match || !/\bpath\s*=/.test(match[4] as string)) return line;
      const inner = match[4] as string;
      const name = /\bpackage\s*=\s*"([^"]+)"/.exec(inner)?.[1] ?? (match[2] as string);
      const version = bumped.get(name);
      const requirement = /\bversion\s*=\s*"([=^~]?)([^"]*)"/.exec(inner);
      if (version === undefined || !requirement) return line;
      // Cargo reads a bare requirement as a caret one; node-semver would read it as exact.
      if (semver.satisfies(version, `${requirement[1] || "^"}${requirement[2]}`)) return line;
      const updated = inner.replace(requirement[0], `version = "${requirement[1]}${version}"`);
      return `${match[1]}${match[2]}${match[3]}${updated}${match[5]}`;
    })
    .join("\n");
}
