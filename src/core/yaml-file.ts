import {
  type Document,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  visit,
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

/** One problem in a user's file, at its position. */
export interface FileProblem {
  message: string;
  position: YamlPosition;
}

/**
 * Several problems in one file, reported together so a user fixes them in one round. The message
 * lists each as `file:line:column: message`; `problems` carries them for annotations.
 */
export class FileProblems extends ConfigurationError {
  readonly problems: readonly FileProblem[];

  constructor(path: string, problems: readonly FileProblem[]) {
    const sorted = [...problems].sort(
      (a, b) => a.position.line - b.position.line || a.position.column - b.position.column,
    );
    const lines = sorted.map(
      ({ message, position }) => `${path}:${position.line}:${position.column}: ${message}`,
    );
    super(
      lines.length === 1
        ? (lines[0] as string)
        : `${path} has ${lines.length} problems:\n${lines.map((line) => `  ${line}`).join("\n")}`,
      sorted[0]?.position,
    );
    this.problems = sorted;
  }
}

/**
 * Parses YAML keeping positions and comments, and returns every problem instead of the first:
 * syntax errors and duplicate keys. Duplicate keys are found with one set per map (the `yaml`
 * package's own check compares every pair of keys, which takes minutes on a large file).
 */
export function readYamlFile(
  path: string,
  source: string,
): { file: YamlFile; problems: FileProblem[] } {
  // Editors do not count a byte-order mark as a column; neither do annotations.
  const text = source.startsWith("\uFEFF") ? source.slice(1) : source;
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    keepSourceTokens: true,
    prettyErrors: false,
    uniqueKeys: false,
    strict: true,
  });
  const file: YamlFile = { path, text, document, lineCounter };
  const problems: FileProblem[] = document.errors.map((error) => ({
    message: error.message.split("\n")[0] as string,
    position: offsetsPosition(file, error.pos[0], error.pos[1]),
  }));
  if (problems.length === 0) problems.push(...duplicateKeys(file));
  return { file, problems };
}

/** {@link readYamlFile} that throws its problems, all of them, as one {@link FileProblems}. */
export function parseYamlFile(path: string, source: string): YamlFile {
  const { file, problems } = readYamlFile(path, source);
  if (problems.length > 0) throw new FileProblems(path, problems);
  return file;
}

function duplicateKeys(file: YamlFile): FileProblem[] {
  const problems: FileProblem[] = [];
  visit(file.document, {
    Map(_key, map) {
      const seen = new Map<string, Node>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const name = String(pair.key.value);
        const first = seen.get(name);
        if (first === undefined) {
          seen.set(name, pair.key);
          continue;
        }
        problems.push({
          message: `duplicate key '${name}' (first at line ${nodePosition(file, first).line}); YAML allows a key once per mapping`,
          position: nodePosition(file, pair.key),
        });
      }
    },
  });
  return problems;
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

/**
 * The pair under `key` in a map node, with its key node for positions. Of a key given twice, the
 * last pair: the one whose value YAML keeps.
 */
export function getPair(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap<Node, Node | null>).items.findLast(
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
