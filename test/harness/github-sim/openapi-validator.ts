import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import {
  type JsonSchema,
  loadSpec,
  type OperationSpec,
  type ParameterSpec,
} from "./openapi-spec.ts";
import {
  configureValidatorCache,
  loadCachedValidator,
  storeCachedValidator,
} from "./validator-cache.ts";

/** A request or response that GitHub's published description does not allow. */
export interface SpecProblem {
  kind:
    | "unknown-route"
    | "wrong-method"
    | "invalid-path-parameter"
    | "missing-parameter"
    | "invalid-parameter"
    | "unknown-parameter"
    | "invalid-body"
    | "invalid-response"
    | "undocumented-status";
  message: string;
}

export interface RouteMatch {
  operation: OperationSpec;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

export type QueryValue = string | number | boolean | string[];

export interface CheckedRequest {
  /** Query parameters the operation declares, converted to their schema types. */
  query: Record<string, QueryValue>;
  problems: SpecProblem[];
}

interface CompiledRoute {
  operation: OperationSpec;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
}

let routes: CompiledRoute[] | undefined;

function compiledRoutes(): CompiledRoute[] {
  routes ??= loadSpec()
    .operations.map((operation) => {
      const names: string[] = [];
      const segments = operation.template.split("/").slice(1);
      const source = segments
        .map((segment) => {
          const parameter = /^\{([^}]+)\}$/.exec(segment);
          if (!parameter) return escapeRegExp(segment);
          const name = parameter[1] as string;
          names.push(name);
          // Octokit percent-encodes `heads/feature/x`, but other clients send it raw.
          const multiSegment = operation.parameters.some(
            (candidate) =>
              candidate.in === "path" && candidate.name === name && candidate["x-multi-segment"],
          );
          return multiSegment ? "(.+)" : "([^/]+)";
        })
        .join("/");
      const literalSegments = segments.filter((segment) => !segment.startsWith("{")).length;
      return { operation, pattern: new RegExp(`^/${source}/?$`), names, literalSegments };
    })
    // A literal segment beats a parameter: `/releases/latest` is not release id "latest".
    .sort((a, b) => b.literalSegments - a.literalSegments);
  return routes;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The documented operation for a method and path, or why there is none. */
export function matchOperation(method: string, pathname: string): RouteMatch | SpecProblem {
  let pathMatched = false;
  for (const route of compiledRoutes()) {
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.operation.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, index) => {
      params[name] = safeDecode(match[index + 1] as string);
    });
    return { operation: route.operation, params };
  }
  if (pathMatched) {
    const allowed = compiledRoutes()
      .filter((route) => route.pattern.test(pathname))
      .map((route) => `${route.operation.method} ${route.operation.template}`);
    return {
      kind: "wrong-method",
      message: `${method} ${pathname}: GitHub documents only ${allowed.join(", ")} for this path`,
    };
  }
  return {
    kind: "unknown-route",
    message: `${method} ${pathname}: no such operation in GitHub's REST description (or the simulator does not serve it)`,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether an operation takes raw bytes (a release asset upload) rather than JSON. */
export function isRawBody(operation: OperationSpec): boolean {
  const type = operation.requestBody?.mediaType;
  return type !== undefined && !type.includes("json");
}

/** Parameters and body checked the way GitHub would refuse them. */
export function checkRequest(
  match: RouteMatch,
  searchParams: URLSearchParams,
  body: { present: boolean; value: unknown; parseError?: string },
): CheckedRequest {
  const { operation } = match;
  const problems: SpecProblem[] = [];
  const query: Record<string, QueryValue> = {};
  const declared = new Set<string>();

  for (const parameter of operation.parameters) {
    if (parameter.in === "path") {
      const raw = match.params[parameter.name];
      const value = raw === undefined ? undefined : coerce(parameter, [raw]);
      const errors =
        value === undefined ? ["is missing"] : schemaErrors(operation, parameter, value);
      for (const error of errors) {
        problems.push({
          kind: "invalid-path-parameter",
          message: `path parameter '${parameter.name}' ${error} (got '${raw ?? ""}')`,
        });
      }
      continue;
    }
    if (parameter.in !== "query") continue;
    declared.add(parameter.name);
    const raw = searchParams.getAll(parameter.name);
    if (raw.length === 0) {
      if (parameter.required) {
        problems.push({
          kind: "missing-parameter",
          message: `query parameter '${parameter.name}' is required by ${operation.operationId}`,
        });
      }
      continue;
    }
    const value = coerce(parameter, raw);
    const errors = schemaErrors(operation, parameter, value);
    for (const error of errors) {
      problems.push({
        kind: "invalid-parameter",
        message: `query parameter '${parameter.name}' ${error} (got '${raw.join(",")}')`,
      });
    }
    if (errors.length === 0) query[parameter.name] = value;
  }

  for (const name of new Set(searchParams.keys())) {
    if (!declared.has(name)) {
      problems.push({
        kind: "unknown-parameter",
        message: `query parameter '${name}' is not one ${operation.operationId} accepts; GitHub ignores it silently`,
      });
    }
  }

  problems.push(...checkBody(operation, body));
  return { query, problems };
}

function checkBody(
  operation: OperationSpec,
  body: { present: boolean; value: unknown; parseError?: string },
): SpecProblem[] {
  if (body.parseError !== undefined) {
    return [{ kind: "invalid-body", message: `body is not JSON: ${body.parseError}` }];
  }
  const declared = operation.requestBody;
  if (!declared) return [];
  if (isRawBody(operation)) {
    // An upload: the bytes are the body, and GitHub refuses an empty one.
    const bytes = body.value as Buffer | undefined;
    return bytes === undefined || bytes.length === 0
      ? [
          {
            kind: "invalid-body",
            message: `${operation.operationId} needs the file's bytes as its body`,
          },
        ]
      : [];
  }
  if (!body.present) {
    return declared.required
      ? [{ kind: "invalid-body", message: `${operation.operationId} requires a JSON body` }]
      : [];
  }
  const validate = validator(`${operation.operationId} request`, declared.schema);
  if (validate(body.value)) return [];
  return [{ kind: "invalid-body", message: `body ${describeErrors(validate.errors)}` }];
}

/**
 * Problems with a response the simulator is about to send. Error statuses GitHub leaves out of
 * the description (a 404 for a missing repository is possible everywhere) are checked against
 * the generic error shape instead of being reported as undocumented.
 */
export function checkResponse(
  operation: OperationSpec,
  status: number,
  body: unknown,
): SpecProblem[] {
  const documented = operation.responses.get(String(status));
  if (!documented) {
    if (status < 400) {
      return [
        {
          kind: "undocumented-status",
          message: `${operation.operationId} is not documented to answer ${status}`,
        },
      ];
    }
    return errorsFor(`basic-error`, { $ref: "#/components/schemas/basic-error" }, status, body);
  }
  if (!documented.schema) return [];
  return errorsFor(`${operation.operationId} ${status}`, documented.schema, status, body);
}

function errorsFor(key: string, schema: JsonSchema, status: number, body: unknown): SpecProblem[] {
  const validate = validator(key, schema);
  if (validate(body)) return [];
  return [
    { kind: "invalid-response", message: `response ${status} ${describeErrors(validate.errors)}` },
  ];
}

function coerce(parameter: ParameterSpec, raw: string[]): QueryValue {
  const type = parameter.schema?.type;
  const last = raw[raw.length - 1] as string;
  if (type === "array") return raw.flatMap((item) => item.split(","));
  if (type === "integer" || type === "number") {
    return /^-?\d+(\.\d+)?$/.test(last) ? Number(last) : last;
  }
  if (type === "boolean") return last === "true" ? true : last === "false" ? false : last;
  return last;
}

function schemaErrors(
  operation: OperationSpec,
  parameter: ParameterSpec,
  value: unknown,
): string[] {
  if (!parameter.schema) return [];
  const validate = validator(
    `${operation.operationId} ${parameter.in} ${parameter.name}`,
    parameter.schema,
  );
  if (validate(value)) return [];
  return [describeErrors(validate.errors)];
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const shown = (errors ?? []).slice(0, 4).map((error) => {
    const where = error.instancePath === "" ? "" : `at ${error.instancePath} `;
    const allowed =
      error.keyword === "enum"
        ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")})`
        : "";
    return `${where}${error.message ?? "is invalid"}${allowed}`;
  });
  const more =
    (errors?.length ?? 0) > shown.length ? `; ${(errors?.length ?? 0) - shown.length} more` : "";
  return `${shown.join("; ")}${more}`;
}

const SPEC_SCHEMA_ID = "github-rest";
/**
 * `inlineRefs: false` compiles each component once and shares it; inlining the repository
 * schemas into every response that embeds them made first requests several times slower.
 * `code.source` lets the compiled code be cached on disk.
 */
const AJV_OPTIONS = {
  strict: false,
  allErrors: true,
  validateSchema: false,
  logger: false,
  inlineRefs: false,
  code: { source: true },
} as const;
let ajv: Ajv | undefined;
let cacheConfigured = false;
const validators = new Map<string, ValidateFunction>();

/**
 * Compiled on first use, kept for the process and cached on disk for the next one, so startup
 * pays for none of them and most test files for few.
 */
function validator(key: string, schema: JsonSchema): ValidateFunction {
  let validate = validators.get(key);
  if (validate) return validate;
  if (!cacheConfigured) {
    cacheConfigured = true;
    // This file's text stands for the conversion and options; a transpiler's output would
    // differ between Vitest and plain Node and split the cache.
    const source = readFileSync(new URL(import.meta.url), "utf8");
    configureValidatorCache(`${loadSpec().fingerprint}\0${source}`);
  }
  validate = loadCachedValidator(key);
  if (!validate) {
    const compiler = sharedAjv();
    validate = compiler.compile(toJsonSchema(schema) as JsonSchema);
    storeCachedValidator(key, compiler, validate);
  }
  validators.set(key, validate);
  return validate;
}

function sharedAjv(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv(AJV_OPTIONS);
  addFormatsModule.default(ajv);
  // GitHub's own formats carry no rule a client could break.
  for (const format of ["repo.nwo", "timestamp"]) ajv.addFormat(format, true);
  const schemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(loadSpec().schemas)) {
    schemas[name] = toJsonSchema(schema);
  }
  ajv.addSchema({ $id: SPEC_SCHEMA_ID, components: { schemas } });
  return ajv;
}

/**
 * OpenAPI 3.0 is not JSON Schema: `nullable: true` means "or null" and may sit next to `allOf`
 * with no `type`, which Ajv refuses. Local `$ref`s are pointed at the shared components document.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "nullable") continue;
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/")) {
      result[key] = `${SPEC_SCHEMA_ID}${value}`;
    } else if (key === "properties" || key === "patternProperties") {
      result[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, child]) => [
          name,
          toJsonSchema(child),
        ]),
      );
    } else if (key === "enum" || key === "required" || key === "const" || key === "default") {
      result[key] = value;
    } else {
      result[key] = toJsonSchema(value);
    }
  }
  if ((schema as { nullable?: unknown }).nullable !== true) return result;
  if (typeof result.type === "string") {
    result.type = [result.type, "null"];
    if (Array.isArray(result.enum) && !result.enum.includes(null))
      result.enum = [...result.enum, null];
    return result;
  }
  return { anyOf: [result, { type: "null" }] };
}
