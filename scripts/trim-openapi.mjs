#!/usr/bin/env node
/**
 * Derives the GitHub simulator's REST description from the installed `@octokit/openapi` package.
 *
 * The published description is 13 MB; the simulator needs a few dozen operations. This keeps the
 * operations listed in `test/harness/github-sim/operations.ts` plus every component they reach
 * through `$ref`, and drops examples (never used for validation, and most of the bytes). Output is
 * deterministic so a stale file shows up as a diff.
 *
 *   node scripts/trim-openapi.mjs          write test/harness/github-sim/spec/rest-operations.json
 *   node scripts/trim-openapi.mjs --check  exit 1 when the committed file differs from the package
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SERVED_OPERATIONS } from "../test/harness/github-sim/operations.ts";

const SOURCE_FILE = "generated/api.github.com.json";
const outputUrl = new URL("../test/harness/github-sim/spec/rest-operations.json", import.meta.url);
const HTTP_METHODS = ["get", "put", "post", "patch", "delete", "head", "options"];

/** The trimmed description as the text that is committed. */
export function deriveTrimmedSpecText() {
  const require = createRequire(import.meta.url);
  const packageDir = require.resolve("@octokit/openapi/package.json").replace(/package\.json$/, "");
  const packageVersion = JSON.parse(readFileSync(`${packageDir}package.json`, "utf8")).version;
  const full = JSON.parse(readFileSync(`${packageDir}${SOURCE_FILE}`, "utf8"));
  const trimmed = trimSpec(
    full,
    SERVED_OPERATIONS,
    `@octokit/openapi@${packageVersion} ${SOURCE_FILE}`,
  );
  return `${JSON.stringify(trimmed, null, 1)}\n`;
}

function trimSpec(full, operationIds, source) {
  const wanted = new Set(operationIds);
  const paths = {};
  for (const path of Object.keys(full.paths).sort()) {
    const item = full.paths[path];
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation || !wanted.has(operation.operationId)) continue;
      wanted.delete(operation.operationId);
      paths[path] ??= {};
      paths[path][method] = withoutExamples(operation);
    }
  }
  if (wanted.size > 0) {
    throw new Error(`operations not in ${source}: ${[...wanted].join(", ")}`);
  }

  const components = {};
  const pending = [...collectRefs(paths)];
  const seen = new Set();
  while (pending.length > 0) {
    const ref = pending.pop();
    if (seen.has(ref)) continue;
    seen.add(ref);
    const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
    if (!match) throw new Error(`unsupported $ref ${ref}`);
    const [, section, name] = match;
    const target = full.components?.[section]?.[name];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    const cleaned = withoutExamples(target);
    components[section] ??= {};
    components[section][name] = cleaned;
    pending.push(...collectRefs(cleaned));
  }

  return {
    openapi: full.openapi,
    info: { title: full.info.title, version: full.info.version, "x-derived-from": source },
    paths,
    components: sortedComponents(components),
  };
}

/**
 * Removes `examples`/`example` where they are OpenAPI keywords, but never a property that happens
 * to be called `example`: keys directly under `properties` are names, not keywords.
 */
function withoutExamples(value, parentKey) {
  if (Array.isArray(value)) return value.map((item) => withoutExamples(item));
  if (value === null || typeof value !== "object") return value;
  const namesNotKeywords = parentKey === "properties" || parentKey === "patternProperties";
  const result = {};
  for (const [key, child] of Object.entries(value)) {
    if (!namesNotKeywords && (key === "examples" || key === "example")) continue;
    result[key] = withoutExamples(child, namesNotKeywords ? undefined : key);
  }
  return result;
}

function collectRefs(value, found = new Set()) {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") found.add(child);
      else collectRefs(child, found);
    }
  }
  return found;
}

function sortedComponents(components) {
  const sorted = {};
  for (const section of Object.keys(components).sort()) {
    sorted[section] = {};
    for (const name of Object.keys(components[section]).sort()) {
      sorted[section][name] = components[section][name];
    }
  }
  return sorted;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const derived = deriveTrimmedSpecText();
  if (process.argv.includes("--check")) {
    let committed = "";
    try {
      committed = readFileSync(outputUrl, "utf8");
    } catch {
      // A missing file is as stale as a different one.
    }
    if (committed !== derived) {
      console.error(
        "test/harness/github-sim/spec/rest-operations.json is stale; run `npm run sim:spec`",
      );
      process.exitCode = 1;
    } else {
      console.log("test/harness/github-sim/spec/rest-operations.json is up to date");
    }
  } else {
    writeFileSync(outputUrl, derived);
    console.log(`wrote ${fileURLToPath(outputUrl)} (${derived.length} bytes)`);
  }
}
