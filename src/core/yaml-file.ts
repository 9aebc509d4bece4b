import {
  type Document,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLMap,
} from "yaml";
import { ConfigurationError, type SourcePosition } from "./errors.ts";

/** A parsed YAML file that can say where any of its nodes stands (1-based line and column). */
export interface YamlFile {
  path: string;
  /** The text parsed, without a leading byte-order mark; node offsets index into it. */
  text: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
}

export interface YamlPosition extends Required<SourcePosition> {}

/**
 * Parses YAML keeping positions and comments. Syntax errors throw a ConfigurationError at the
 * first error's position; warnings (such as duplicate keys being allowed) are ignored.
 */
export function parseYamlFile(path: string, source: string): YamlFile {
  // Editors do not count a byte-order mark as a column; neither do annotations.
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    keepSourceTokens: true,
    prettyErrors: false,
    uniqueKeys: true,
    strict: true,
  });
  const file: YamlFile = { path, text, document, lineCounter };
  const [firstError] = document.errors;
  if (firstError) {
    const [start, end] = firstError.pos;
    throw new ConfigurationError(
      `${path}: ${firstError.message.split("\n")[0]}`,
      offsetsPosition(file, start, end),
    );
  }
  return file;
}

/** The span of a node (or of a pair's key). */
export function nodePosition(file: YamlFile, node: Node | Pair | null | undefined): YamlPosition {
  const target = node && "key" in node && !("range" in node) ? (node.key as Node) : node;
  const range = (target as Node | null | undefined)?.range;
  if (!range) return offsetsPosition(file, 0, 0);
  return offsetsPosition(file, range[0], range[1]);
}

export function offsetsPosition(file: YamlFile, start: number, end: number): YamlPosition {
  const from = file.lineCounter.linePos(start);
  const to = file.lineCounter.linePos(Math.max(start, end));
  return {
    file: file.path,
    line: from.line,
    column: from.col,
    endLine: to.line,
    endColumn: to.col,
  };
}

/** The pair under `key` in a map node, with its key node for positions. */
export function getPair(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap<Node, Node | null>).items.find(
    (pair) => isScalar(pair.key) && String(pair.key.value) === key,
  );
}

/** A ConfigurationError pointing at a node of a YAML file. */
export function errorAt(file: YamlFile, node: Node | Pair | null | undefined, message: string) {
  const position = nodePosition(file, node);
  return new ConfigurationError(
    `${file.path}:${position.line}:${position.column}: ${message}`,
    position,
  );
}
