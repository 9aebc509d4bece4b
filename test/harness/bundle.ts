import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";

/**
 * A test fixture's entry bundled the way scripts/build.mjs bundles an action's (ESM for Node 24,
 * with `require` for the CommonJS parts), in a temp folder; `remove` deletes it.
 */
export async function bundleEntry(entry: string): Promise<{ main: string; remove(): void }> {
  const folder = mkdtempSync(join(tmpdir(), "sg-fixture-bundle-"));
  const main = join(folder, "main.js");
  await build({
    entryPoints: [entry],
    outfile: main,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node24",
    logLevel: "error",
    banner: {
      js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);',
    },
  });
  return { main, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
