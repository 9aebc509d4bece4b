import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { isMap, isSeq, type Node, type Pair } from "yaml";
import { DURATION_HINT, durationProblem } from "./duration.ts";
import { globProblem } from "./inputs.ts";
import { didYouMean } from "./text.ts";
import {
  type FileProblem,
  FileProblems,
  getPair,
  nodePosition,
  readYamlFile,
  type YamlFile,
} from "./yaml-file.ts";

/**
 * The one loader of the suite's YAML configuration files (gate rules, train config, permissions
 * policy, bench config). The file is parsed keeping positions, checked against a JSON Schema with
 * Ajv, then by the caller's own checks; every problem found by any of the three is reported at once,
 * each at `file:line:column`, as one {@link FileProblems}.
 *
 * Schemas may use `format: "duration"` (the suite's one duration grammar) and `format: "glob"`,
 * and a `description` on a property, which messages quote as what a valid value looks like.
 */
export type JsonSchema = Record<string, unknown>;

/** Where a problem is: a path of keys and indexes into the data (`["rules", 2, "timeout"]`) or a node. */
export type ConfigLocation = readonly (string | number)[] | Node | Pair | null | undefined;

export interface ConfigContext {
  file: YamlFile;
  /** Records a problem; loading fails after every check has run. */
  problem(where: ConfigLocation, message: string): void;
  /** The node at a path of keys and indexes (the key's node for a missing value), for positions. */
  node(where: readonly (string | number)[]): Node | Pair | undefined;
}

export interface LoadedConfig<T> {
  file: YamlFile;
  data: T;
}

/**
 * Parses, validates and checks a YAML config file. `check` runs only when the schema held, so it
 * may trust the shape; it records problems through the context instead of throwing.
 */
export function loadYamlConfig<T>(
  path: string,
  text: string,
  schema: JsonSchema,
  check?: (data: T, context: ConfigContext) => void,
): LoadedConfig<T> {
  const { file, problems } = readYamlFile(path, text);
  // A syntax error leaves no data to check; a duplicate key does (YAML keeps the last value), so
  // its problem is reported together with the schema's and the caller's.
  if (file.document.errors.length > 0) throw new FileProblems(path, problems);
  let data: unknown;
  try {
    // Aliases past this count are a resource-exhaustion attack (a "billion laughs" file).
    data = file.document.toJS({ maxAliasCount: 1000 });
  } catch (thrown) {
    throw new FileProblems(path, [
      {
        message: `cannot be read: ${(thrown as Error).message}; write the values out instead of nesting aliases`,
        position: nodePosition(file, file.document.contents),
      },
    ]);
  }
  // An empty file is null: it is checked, and handed on, as an empty mapping, so the schema says
  // what the top level must hold and the checks may trust the shape it held.
  data ??= {};
  const validate = compile(schema);
  if (!validate(data)) {
    problems.push(...schemaProblems(file, schema, validate.errors ?? []));
  } else if (check) {
    check(data as T, {
      file,
      problem: (where, message) => problems.push({ message, position: positionOf(file, where) }),
      node: (where) => nodeAt(file, where),
    });
  }
  if (problems.length > 0) throw new FileProblems(path, problems);
  return { file, data: data as T };
}

const validators = new WeakMap<JsonSchema, ValidateFunction>();
let ajv: Ajv | undefined;

function compile(schema: JsonSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    ajv ??= new Ajv({
      allErrors: true,
      // Messages quote the value and the schema's description.
      verbose: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      // The schemas are constants of this code, checked against JSON Schema's meta-schema by
      // test/core/schemas.test.ts: checking them again at every start cost about 15 ms.
      validateSchema: false,
      formats: {
        duration: (text: string) => durationProblem(text) === undefined,
        glob: (text: string) => globProblem(text) === undefined,
      },
    });
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

function positionOf(file: YamlFile, where: ConfigLocation) {
  const node = Array.isArray(where) ? nodeAt(file, where) : (where as Node | Pair | undefined);
  return nodePosition(file, node ?? file.document.contents);
}

/** The value node at a path; where the path stops early, the deepest pair or node found. */
function nodeAt(file: YamlFile, path: readonly (string | number)[]): Node | Pair | undefined {
  let node: unknown = file.document.contents;
  let found: Node | Pair | undefined = node as Node | undefined;
  for (const segment of path) {
    if (isSeq(node)) {
      node = node.items[Number(segment)];
      if (node) found = node as Node;
    } else if (isMap(node)) {
      const pair = getPair(node, String(segment));
      if (!pair) return found;
      node = pair.value;
      found = (pair.value ?? pair) as Node | Pair;
    } else {
      return found;
    }
  }
  return found;
}

/** The key's node of a pair in the map at `path`, for "unknown key" problems. */
function keyAt(file: YamlFile, path: readonly string[], key: string): Node | Pair | undefined {
  const map = nodeAt(file, path);
  return getPair(map, key) ?? map;
}

const TYPE_NAMES: Record<string, string> = {
  array: "a list",
  object: "a mapping",
  string: "text",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  null: "empty",
};

/** Ajv's errors as problems a person can act on, without the noise of alternatives not taken. */
function schemaProblems(file: YamlFile, schema: JsonSchema, errors: ErrorObject[]): FileProblem[] {
  // A failed anyOf/oneOf reports every branch's errors too; the anyOf's own message says it best.
  const alternatives = errors
    .filter((error) => error.keyword === "anyOf" || error.keyword === "oneOf")
    .map((error) => `${error.schemaPath}/`);
  const typed = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  const kept = errors.filter(
    (error) =>
      !alternatives.some((prefix) => error.schemaPath.startsWith(prefix)) &&
      error.keyword !== "if" &&
      // A value of the wrong type fails its other keywords too; the type says it best.
      (error.keyword === "type" || !typed.has(error.instancePath)),
  );
  const seen = new Set<string>();
  const problems: FileProblem[] = [];
  for (const error of kept) {
    const path = error.instancePath.split("/").slice(1).map(unescapePointer);
    const extra =
      error.keyword === "additionalProperties"
        ? String((error.params as { additionalProperty: string }).additionalProperty)
        : undefined;
    const node = extra === undefined ? nodeAt(file, path) : keyAt(file, path, extra);
    const message = `${describePath(path)}: ${describeError(error, schema)}`;
    const position = nodePosition(file, node ?? file.document.contents);
    const key = `${position.line}:${position.column}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ message, position });
  }
  return problems;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** `rules[2].timeout`, or "the file" for the top level. */
function describePath(path: readonly string[]): string {
  if (path.length === 0) return "the file";
  return path.reduce(
    (text, segment) =>
      /^\d+$/.test(segment) ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment,
    "",
  );
}

function describeError(error: ErrorObject, schema: JsonSchema): string {
  const params = error.params as Record<string, unknown>;
  const hint = (error.parentSchema as { description?: string } | undefined)?.description;
  const value = error.data;
  const shown = typeof value === "string" ? `'${value}'` : JSON.stringify(value);
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const valid = Object.keys(propertiesAt(schema, error.schemaPath));
      return `unknown key '${key}'${didYouMean(key, valid)}; valid keys: ${valid.join(", ")}`;
    }
    case "required":
      return `'${params.missingProperty}' is required${hint ? ` (${hint})` : ""}`;
    case "type": {
      const types = String(params.type)
        .split(",")
        .map((type) => TYPE_NAMES[type] ?? type);
      return `is ${shown}; expected ${types.join(" or ")}`;
    }
    case "enum":
      return `is ${shown}; valid values: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `is ${shown}; the only valid value is ${JSON.stringify(params.allowedValue)}`;
    case "format":
      if (params.format === "duration")
        return `is ${durationProblem(String(value)) ?? `${shown}; use ${DURATION_HINT}`}`;
      if (params.format === "glob") return `glob ${shown}: ${globProblem(String(value))}`;
      return `is ${shown}; expected ${hint ?? `the format ${params.format}`}`;
    case "pattern":
      return `is ${shown}; expected ${hint ?? `text matching ${params.pattern}`}`;
    case "minLength":
      return params.limit === 1
        ? "must not be empty"
        : `must be at least ${params.limit} characters`;
    case "maxLength":
      return `must be at most ${params.limit} characters`;
    case "minimum":
    case "exclusiveMinimum":
    case "maximum":
    case "exclusiveMaximum":
      return `is ${shown}; ${error.message}`;
    case "minItems":
      return params.limit === 1 ? "must not be empty" : `needs at least ${params.limit} items`;
    case "maxItems":
      return `may hold at most ${params.limit} items`;
    case "minProperties":
      return "must not be empty";
    case "uniqueItems":
      return `items ${params.j} and ${params.i} are the same; list each once`;
    case "anyOf":
    case "oneOf":
      return hint ?? "does not match any of the valid forms";
    case "not":
      return hint ?? `${shown} is not allowed here`;
    default:
      return error.message ?? "does not match the schema";
  }
}

/** The `properties` of the schema object an `additionalProperties` error comes from. */
function propertiesAt(schema: JsonSchema, schemaPath: string): Record<string, unknown> {
  const segments = schemaPath.replace(/^#\//, "").split("/").slice(0, -1).map(unescapePointer);
  let node: unknown = schema;
  for (const segment of segments) node = (node as Record<string, unknown> | undefined)?.[segment];
  return ((node as { properties?: Record<string, unknown> } | undefined)?.properties ??
    {}) as Record<string, unknown>;
}
