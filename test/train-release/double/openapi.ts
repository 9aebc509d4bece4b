import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";

/**
 * Request checks for the review double, read straight from GitHub's OpenAPI description
 * (`@octokit/openapi`), not from the suite's simulator: the operation must exist at that method
 * and path, its required query parameters must be there, and a JSON body must match the
 * operation's request schema (unknown properties included, which GitHub ignores but a typo would
 * hide behind).
 */

interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
}

let spec: Spec | undefined;
const validators = new Map<string, ValidateFunction | null>();
const ajv = new Ajv({ strict: false, allErrors: true });

function load(): Spec {
  if (!spec) {
    const require = createRequire(import.meta.url);
    const path = require.resolve("@octokit/openapi/generated/api.github.com.deref.json");
    spec = JSON.parse(readFileSync(path, "utf8")) as Spec;
  }
  return spec;
}

/** OpenAPI 3.0's `nullable` as JSON Schema's type list, so Ajv reads it. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "nullable" || key === "example" || key === "examples") continue;
    out[key] = jsonSchema(value);
  }
  const typed = schema as { nullable?: boolean; type?: string };
  if (typed.nullable && typeof typed.type === "string") out.type = [typed.type, "null"];
  return out;
}

/** The problems GitHub's description finds in a request, empty when it is valid. */
export function requestProblems(
  method: string,
  template: string,
  query: URLSearchParams,
  body: unknown,
): string[] {
  const operation = load().paths[template]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${template} is not an operation of GitHub's REST API`];
  const problems: string[] = [];
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in === "query" && parameter.required && !query.has(parameter.name)) {
      problems.push(`query parameter ${parameter.name} is required`);
    }
  }
  const key = `${method} ${template}`;
  if (!validators.has(key)) {
    const schema = operation.requestBody?.content?.["application/json"]?.schema;
    validators.set(
      key,
      schema
        ? ajv.compile({ ...(jsonSchema(schema) as object), additionalProperties: false })
        : null,
    );
  }
  const validate = validators.get(key);
  if (validate && body !== undefined && !validate(body)) {
    for (const error of validate.errors ?? []) {
      problems.push(`body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
    }
  }
  return problems;
}
