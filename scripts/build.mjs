// One esbuild run for every action and the CLI. Entries are found, not listed: every
// `src/<name>/main.ts` becomes `dist/<name>.js`, and code they share lands in `dist/chunks/`.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const entryPoints = Object.fromEntries(
  readdirSync(join(root, "src"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, "src", entry.name, "main.ts")))
    .map((entry) => [entry.name, join(root, "src", entry.name, "main.ts")]),
);

// `--outdir DIR` builds elsewhere (engineers testing in parallel); tests then set STATUS_GATE_DIST.
const outdirFlag = process.argv.indexOf("--outdir");
const outdir = outdirFlag > 0 ? process.argv[outdirFlag + 1] : join(root, "dist");
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints,
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node24",
  chunkNames: "chunks/[name]-[hash]",
  legalComments: "none",
  minifySyntax: true,
  minifyWhitespace: true,
  sourcemap: false,
  metafile: true,
  logLevel: "warning",
  // Some CommonJS dependencies call require() on Node built-ins; give ESM bundles one.
  banner: {
    js: 'import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);',
  },
});
const outputs = Object.entries(result.metafile.outputs).filter(([, output]) => output.entryPoint);
for (const [file, output] of outputs) {
  console.log(`${file}  ${(output.bytes / 1024).toFixed(1)} KiB`);
}
