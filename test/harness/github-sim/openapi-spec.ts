import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { OperationId } from "./operations.ts";

/** The parts of an OpenAPI 3.0 document the simulator reads; everything else passes through. */
export type JsonSchema = { [keyword: string]: unknown };

export interface ParameterSpec {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
  /** GitHub's mark for path parameters that may contain `/` (refs, digests, `base...head`). */
  "x-multi-segment"?: boolean;
}

export interface ResponseSpec {
  schema?: JsonSchema;
}

export interface OperationSpec {
  operationId: OperationId;
  method: string;
  /** As GitHub documents it, e.g. `/repos/{owner}/{repo}/commits/{ref}/check-runs`. */
  template: string;
  parameters: ParameterSpec[];
  /** `mediaType` is the body's declared type: JSON, or raw bytes (`application/octet-stream`). */
  requestBody: { required: boolean; schema: JsonSchema; mediaType: string } | undefined;
  responses: Map<string, ResponseSpec>;
}

export interface LoadedSpec {
  operations: OperationSpec[];
  /** `components.schemas`, still OpenAPI 3.0 (the validator converts them). */
  schemas: Record<string, JsonSchema>;
  version: string;
  derivedFrom: string;
  /** sha256 of the spec file, for caches of anything derived from it. */
  fingerprint: string;
}

interface RawOperation {
  operationId: OperationId;
  parameters?: Array<ParameterSpec | { $ref: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, RawResponse | { $ref: string }>;
}

interface RawResponse {
  content?: Record<string, { schema?: JsonSchema }>;
}

interface RawSpec {
  info: { version: string; "x-derived-from": string };
  paths: Record<string, Record<string, RawOperation>>;
  components: {
    schemas?: Record<string, JsonSchema>;
    parameters?: Record<string, ParameterSpec>;
    responses?: Record<string, RawResponse>;
  };
}

const SPEC_URL = new URL("./spec/rest-operations.json", import.meta.url);

let loaded: LoadedSpec | undefined;

/** Parsed once per process: every simulator in a test file shares it. */
export function loadSpec(): LoadedSpec {
  if (!loaded) {
    const text = readFileSync(SPEC_URL, "utf8");
    loaded = {
      ...parseSpec(JSON.parse(text) as RawSpec),
      fingerprint: createHash("sha256").update(text).digest("hex"),
    };
  }
  return loaded;
}

function parseSpec(raw: RawSpec): Omit<LoadedSpec, "fingerprint"> {
  const operations: OperationSpec[] = [];
  for (const [template, item] of Object.entries(raw.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase(),
        template,
        parameters: (operation.parameters ?? []).map((parameter) =>
          "$ref" in parameter ? component(raw.components.parameters, parameter.$ref) : parameter,
        ),
        requestBody: operation.requestBody && {
          required: operation.requestBody.required ?? false,
          schema: operation.requestBody.content?.["application/json"]?.schema ?? {},
          mediaType: Object.keys(operation.requestBody.content ?? {})[0] ?? "application/json",
        },
        responses: new Map(
          Object.entries(operation.responses ?? {}).map(([status, response]) => {
            const resolved =
              "$ref" in response ? component(raw.components.responses, response.$ref) : response;
            return [status, { schema: resolved.content?.["application/json"]?.schema }];
          }),
        ),
      });
    }
  }
  return {
    operations,
    schemas: raw.components.schemas ?? {},
    version: raw.info.version,
    derivedFrom: raw.info["x-derived-from"],
  };
}

function component<T>(section: Record<string, T> | undefined, ref: string): T {
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  const found = section?.[name];
  if (found === undefined) throw new Error(`github-sim: spec has a dangling $ref ${ref}`);
  return found;
}
