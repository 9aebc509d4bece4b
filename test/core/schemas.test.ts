import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { RULES_SCHEMA } from "../../src/gate/rules.ts";
import { POLICY_SCHEMA } from "../../src/permissions/policy.ts";
import { TRAIN_SCHEMA } from "../../src/train-release/config-schema.ts";

// loadYamlConfig compiles these without checking them against the meta-schema (it would cost
// every start); this checks them once, as strictly as Ajv can.
const SCHEMAS = { RULES_SCHEMA, POLICY_SCHEMA, TRAIN_SCHEMA };

describe("the configuration schemas", () => {
  it.each(Object.entries(SCHEMAS))("%s is valid JSON Schema and compiles strictly", (_, schema) => {
    const ajv = new Ajv({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      formats: { duration: true, glob: true },
    });
    expect(ajv.validateSchema(schema as object)).toBe(true);
    expect(ajv.errors ?? []).toEqual([]);
    expect(() => ajv.compile(schema as object)).not.toThrow();
  });

  it("covers every schema loadYamlConfig is called with", () => {
    const src = join(import.meta.dirname, "..", "..", "src");
    const calls: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path);
        // The loader's own definition names its parameter, not a schema.
        else if (entry.name.endsWith(".ts") && path !== join(src, "core", "config.ts")) {
          for (const match of readFileSync(path, "utf8").matchAll(
            /loadYamlConfig(?:<[^>]*>)?\([^,]+,[^,]+,\s*(\w+)/g,
          )) {
            calls.push(match[1] as string);
          }
        }
      }
    };
    walk(src);
    expect(new Set(calls)).toEqual(new Set(Object.keys(SCHEMAS)));
  });
});
