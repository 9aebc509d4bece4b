import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Ajv, ValidateFunction } from "ajv";
import standaloneModule from "ajv/dist/standalone/index.js";

/**
 * Compiled validators kept on disk between test processes.
 *
 * Ajv needs from a tenth of a second to over a second to compile one of GitHub's big response
 * schemas (a repository embeds hundreds of properties), and Vitest runs every test file in a
 * fresh process, so each file paid again for the same code. Ajv can emit a compiled validator
 * as a standalone CommonJS module; those modules live under `node_modules/.cache/github-sim/`,
 * one per validator, in a directory named after everything that shapes the code (the trimmed
 * spec, Ajv's version, the conversion from OpenAPI). A cache that cannot be read or written is
 * skipped: it only ever saves time. `GITHUB_SIM_NO_CACHE=1` turns it off.
 */
const require = createRequire(import.meta.url);
let directory: string | null | undefined;

/** @param fingerprint changes whenever a compiled validator could differ. */
export function configureValidatorCache(fingerprint: string): void {
  if (process.env.GITHUB_SIM_NO_CACHE) {
    directory = null;
    return;
  }
  try {
    const ajvEntry = require.resolve("ajv");
    const nodeModules = ajvEntry.slice(
      0,
      ajvEntry.lastIndexOf("node_modules") + "node_modules".length,
    );
    const ajvVersion = (require("ajv/package.json") as { version: string }).version;
    const hash = createHash("sha256").update(`${ajvVersion}\0${fingerprint}`).digest("hex");
    const root = join(nodeModules, ".cache", "github-sim");
    directory = join(root, hash.slice(0, 24));
    if (!existsSync(directory)) removeStale(root);
  } catch {
    directory = null;
  }
}

/** Validators for an older spec are dead weight once the spec changes. */
function removeStale(root: string): void {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) {
    rmSync(join(root, entry), { recursive: true, force: true });
  }
}

function fileFor(key: string): string | undefined {
  if (!directory) return undefined;
  return join(directory, `${createHash("sha256").update(key).digest("hex").slice(0, 32)}.cjs`);
}

export function loadCachedValidator(key: string): ValidateFunction | undefined {
  const file = fileFor(key);
  if (!file || !existsSync(file)) return undefined;
  try {
    return require(file) as ValidateFunction;
  } catch {
    return undefined;
  }
}

export function storeCachedValidator(key: string, ajv: Ajv, validate: ValidateFunction): void {
  const file = fileFor(key);
  if (!file) return;
  try {
    const code = standaloneModule.default(ajv, validate);
    mkdirSync(dirname(file), { recursive: true });
    // Parallel test processes may write the same file; a rename is atomic, a write is not.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, code);
    renameSync(temporary, file);
  } catch {
    // A read-only node_modules only costs the next process the compile.
  }
}
