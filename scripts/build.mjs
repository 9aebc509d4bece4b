// One esbuild run for every action and the CLI. Entries are found, not listed: every
// `src/<name>/main.ts` becomes `dist/<name>.js`, and code they share lands in `dist/chunks/`.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

// A file path, not a URL's: a checkout under "My Projects" has a space, which a URL encodes.
const root = fileURLToPath(new URL("..", import.meta.url));
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
  absWorkingDir: root,
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
  // node_modules linked into another checkout (the release tests) must build byte for byte alike.
  preserveSymlinks: true,
  plugins: [browserScripts()],
  // Some CommonJS dependencies call require() on Node built-ins; give ESM bundles one.
  banner: {
    js: 'import{createRequire as __sgCreateRequire}from"node:module";const require=__sgCreateRequire(import.meta.url);',
  },
});
writeFileSync(join(outdir, "THIRD_PARTY_LICENSES.txt"), thirdPartyLicenses(result.metafile));
const outputs = Object.entries(result.metafile.outputs).filter(([, output]) => output.entryPoint);
for (const [file, output] of outputs) {
  console.log(`${file}  ${(output.bytes / 1024).toFixed(1)} KiB`);
}

/**
 * `import text from "./x.ts?browser-script"`: the module bundled for a browser (an IIFE whose
 * exports become the global `BenchHelpers`) and imported as its text. The dashboard ships helpers
 * generated from the TypeScript the action runs, instead of a hand-kept copy.
 */
function browserScripts() {
  return {
    name: "browser-script",
    setup(builder) {
      // The path is kept relative to the checkout: it goes into chunk hashes, and dist/ must not
      // depend on where the repository was cloned.
      builder.onResolve({ filter: /\?browser-script$/ }, (args) => ({
        path: relative(root, join(args.resolveDir, args.path.replace(/\?browser-script$/, ""))),
        namespace: "browser-script",
      }));
      builder.onLoad({ filter: /.*/, namespace: "browser-script" }, async (args) => {
        const bundled = await build({
          entryPoints: [join(root, args.path)],
          bundle: true,
          write: false,
          format: "iife",
          globalName: "BenchHelpers",
          platform: "browser",
          target: "es2022",
          minify: true,
          legalComments: "none",
          metafile: true,
        });
        return {
          contents: bundled.outputFiles[0].text,
          loader: "text",
          watchFiles: Object.keys(bundled.metafile.inputs).map((input) => join(root, input)),
        };
      });
    },
  };
}

/**
 * The licence of every npm package bundled into dist/, since the bundles drop the packages'
 * LICENSE files (and legal comments) that their licences ask to keep with every copy.
 */
function thirdPartyLicenses(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  const sections = [...packages].sort().map((folder) => {
    const path = join(root, folder);
    const manifest = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
    const licenseFile = readdirSync(path).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name));
    const text = licenseFile
      ? readFileSync(join(path, licenseFile), "utf8").trim()
      : "(no licence file)";
    return `${manifest.name}@${manifest.version} (${manifest.license ?? "unknown licence"})\n\n${text}`;
  });
  const rule = `\n\n${"-".repeat(72)}\n\n`;
  return `Third-party software bundled in dist/\n\n${sections.join(rule)}\n`;
}
