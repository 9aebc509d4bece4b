import { Ajv, type ErrorObject } from "ajv";
import { isMap, isSeq, type Node } from "yaml";
import { parseDuration } from "../core/duration.ts";
import { ConfigurationError, type SourcePosition } from "../core/errors.ts";
import { globProblem } from "../core/inputs.ts";
import { errorAt, getPair, nodePosition, parseYamlFile, type YamlFile } from "../core/yaml-file.ts";
import { compileName, compilePaths, type PathMatcher } from "./globs.ts";

/** GitHub Actions' app id: the app behind every workflow job's check run. */
export const GITHUB_ACTIONS_APP_ID = 15368;
export { DEFAULT_RULES_PATH } from "./inputs.ts";

/** Conclusions a rule may accept besides `success`; everything else is never success. */
export const ALLOWABLE = ["neutral", "skipped"] as const;
export type Allowable = (typeof ALLOWABLE)[number];

export interface Rule {
  /** Unique; the key in outputs and the summary. Defaults to `job`, then `check`. */
  id: string;
  /** Check run name or commit status context; a glob (`test (*)`). */
  check: string | undefined;
  /** Job id in the gate's workflow, for `needs` mode. */
  job: string | undefined;
  /** Workflow file the check must come from (`.github/workflows/wash.yml`); implies GitHub Actions. */
  workflow: string | undefined;
  /** App id or slug the check must come from. */
  app: number | string | undefined;
  /** Changed-path globs that make the rule apply; empty means always. */
  paths: readonly string[];
  allow: readonly Allowable[];
  /** Check names inside the group that may fail (`continue-on-error` legs). */
  continueOnError: readonly string[];
  timeoutMs: number | undefined;
  advisory: boolean;
  position: SourcePosition;
  matchesPath: PathMatcher;
  matchesName: (name: string) => boolean;
  mayFail: (name: string) => boolean;
}

export interface RulesFile {
  path: string;
  rules: Rule[];
  /** Check names that are never waited for (other gates, the verdict check). */
  ignore: ((name: string) => boolean)[];
  ignorePatterns: readonly string[];
}

const STRING_LIST = { type: "array", items: { type: "string", minLength: 1 } } as const;

/** JSON Schema of `.github/status-gate.yml`; editors can use it too (docs/status-gate.md). */
export const RULES_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["rules"],
  properties: {
    ignore: STRING_LIST,
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        anyOf: [{ required: ["check"] }, { required: ["job"] }],
        properties: {
          id: { type: "string", pattern: "^[A-Za-z0-9_.-]+$" },
          check: { type: "string", minLength: 1 },
          job: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_-]*$" },
          workflow: { type: "string", pattern: "^\\.github/workflows/[^/]+\\.ya?ml$" },
          app: { type: ["integer", "string"] },
          paths: STRING_LIST,
          allow: { type: "array", items: { enum: [...ALLOWABLE] } },
          "continue-on-error": STRING_LIST,
          timeout: { type: "string" },
          advisory: { type: "boolean" },
        },
      },
    },
  },
} as const;

/** Output names of the action; a rule id may not take one. */
const RESERVED_IDS = new Set(["result", "required", "satisfied", "missing", "failed", "applies"]);

let validator: ReturnType<Ajv["compile"]> | undefined;

/** Parses and validates a rules file; every problem is a ConfigurationError at its line. */
export function parseRules(path: string, text: string): RulesFile {
  const file = parseYamlFile(path, text);
  const data: unknown = file.document.toJS();
  validator ??= new Ajv({
    allErrors: false,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
  }).compile(RULES_SCHEMA);
  if (!validator(data)) {
    // A rule with neither check nor job fails each anyOf branch first; the anyOf says it best.
    const errors = validator.errors ?? [];
    throw schemaError(file, errors.find((e) => e.keyword === "anyOf") ?? errors[0]);
  }
  const raw = data as { ignore?: string[]; rules: RawRule[] };
  const rulesNode = getPair(file.document.contents, "rules")?.value;
  const rules = raw.rules.map((rule, index) =>
    buildRule(file, rule, isSeq(rulesNode) ? (rulesNode.items[index] as Node) : undefined),
  );
  const seen = new Map<string, Rule>();
  for (const rule of rules) {
    if (seen.has(rule.id)) {
      throw new ConfigurationError(
        `${path}:${rule.position.line}: rule id '${rule.id}' is used twice; give one an 'id:'`,
        rule.position,
      );
    }
    seen.set(rule.id, rule);
  }
  const ignorePatterns = raw.ignore ?? [];
  return { path, rules, ignorePatterns, ignore: ignorePatterns.map(compileName) };
}

interface RawRule {
  id?: string;
  check?: string;
  job?: string;
  workflow?: string;
  app?: number | string;
  paths?: string[];
  allow?: Allowable[];
  "continue-on-error"?: string[];
  timeout?: string;
  advisory?: boolean;
}

function buildRule(file: YamlFile, raw: RawRule, node: Node | undefined): Rule {
  const id = raw.id ?? raw.job ?? (raw.check as string);
  const fieldNode = (key: string) => getPair(node, key) ?? node;
  if (RESERVED_IDS.has(id)) {
    throw errorAt(file, fieldNode("id"), `rule id '${id}' is an output name; set another 'id:'`);
  }
  for (const pattern of raw.paths ?? []) {
    const problem = globProblem(pattern);
    if (problem) throw errorAt(file, fieldNode("paths"), `path glob '${pattern}': ${problem}`);
  }
  const timeoutMs = raw.timeout === undefined ? undefined : parseDuration(raw.timeout);
  if (raw.timeout !== undefined && !timeoutMs) {
    throw errorAt(
      file,
      fieldNode("timeout"),
      `timeout '${raw.timeout}' is not a duration; use one such as 90s, 10m, 2h or 1h30m`,
    );
  }
  const mayFail = (raw["continue-on-error"] ?? []).map(compileName);
  return {
    id,
    check: raw.check,
    job: raw.job,
    workflow: raw.workflow,
    app: raw.app,
    paths: raw.paths ?? [],
    allow: raw.allow ?? [],
    continueOnError: raw["continue-on-error"] ?? [],
    timeoutMs,
    advisory: raw.advisory ?? false,
    position: nodePosition(file, node),
    matchesPath: compilePaths(raw.paths ?? []),
    // A job's check run is named after the job when it has no name: of its own.
    matchesName: compileName((raw.check ?? raw.job) as string),
    mayFail: (name) => mayFail.some((matches) => matches(name)),
  };
}

/** Turns the first schema error into a message at the offending node, saying what is valid. */
function schemaError(file: YamlFile, error: ErrorObject | undefined): ConfigurationError {
  const segments = (error?.instancePath ?? "").split("/").slice(1);
  let node: unknown = file.document.contents;
  let pairNode: unknown = node;
  for (const segment of segments) {
    if (isSeq(node)) node = node.items[Number(segment)];
    else if (isMap(node)) {
      pairNode = getPair(node, segment);
      node = (pairNode as { value?: unknown } | undefined)?.value;
    }
  }
  if (error?.keyword === "additionalProperties") {
    pairNode = getPair(
      node,
      String((error.params as { additionalProperty: string }).additionalProperty),
    );
    node = undefined;
  }
  const where = segments.length > 0 ? segments.join(".") : "the file";
  return errorAt(file, (node ?? pairNode) as Node, `${where}: ${describeSchemaError(error)}`);
}

function describeSchemaError(error: ErrorObject | undefined): string {
  if (!error) return "does not match the rules schema";
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return `unknown key '${params.additionalProperty}'; valid keys: ${validKeys(error.schemaPath)}`;
    case "required":
      return `'${params.missingProperty}' is required`;
    case "anyOf":
      return "a rule needs 'check' (a check name or pattern) or 'job' (a job id for needs mode)";
    case "enum":
      return `must be one of ${(params.allowedValues as string[]).join(", ")}`;
    case "pattern":
      return `does not match ${params.pattern}${error.instancePath.endsWith("/workflow") ? " (a file under .github/workflows/)" : ""}`;
    default:
      return error.message ?? "does not match the rules schema";
  }
}

function validKeys(schemaPath: string): string {
  const properties = schemaPath.includes("/items/")
    ? RULES_SCHEMA.properties.rules.items.properties
    : RULES_SCHEMA.properties;
  return Object.keys(properties).join(", ");
}

/** Whether a rule's check must come from GitHub Actions (it pins a workflow or the Actions app). */
export function pinsActions(rule: Rule): boolean {
  return (
    rule.workflow !== undefined ||
    rule.app === GITHUB_ACTIONS_APP_ID ||
    rule.app === "github-actions"
  );
}
