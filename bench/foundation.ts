// Cold start of the CLI beside a bare `node -e 0`, and what each bundle loads at startup.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const dist = process.env.STATUS_GATE_DIST ?? join(root, "dist");
const runs = Number(process.env.BENCH_RUNS ?? 21);

function medianMilliseconds(args: string[]): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** The files a bundle loads before its first line runs: itself and its static chunk imports. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const [, specifier] of text.matchAll(
    /(?:^|[;}\s])import\s*(?:[^"'()]*?from\s*)?"(\.\/[^"]+)"/g,
  )) {
    staticClosure(join(file, "..", specifier as string), seen);
  }
  return seen;
}

const emptyScript = join(mkdtempSync(join(tmpdir(), "sg-bench-")), "empty.mjs");
writeFileSync(emptyScript, "");
const bare = medianMilliseconds(["-e", "0"]);
const empty = medianMilliseconds([emptyScript]);
const help = medianMilliseconds([join(dist, "cli.js"), "--help"]);
console.log(`node -e 0 (median of ${runs}): ${bare.toFixed(1)} ms`);
console.log(`node empty.mjs (median of ${runs}): ${empty.toFixed(1)} ms`);
console.log(
  `status-gate --help (median of ${runs}): ${help.toFixed(1)} ms (${(help / bare).toFixed(2)}x)`,
);

for (const entry of readdirSync(dist)
  .filter((name) => name.endsWith(".js"))
  .sort()) {
  const files = staticClosure(join(dist, entry));
  const bytes = [...files].reduce((sum, file) => sum + statSync(file).size, 0);
  const own = statSync(join(dist, entry)).size;
  console.log(
    `bundle ${entry}: ${(own / 1024).toFixed(1)} KiB entry, ${(bytes / 1024).toFixed(1)} KiB loaded at startup (${files.size} files)`,
  );
}
const chunks = readdirSync(join(dist, "chunks"), { withFileTypes: true });
const total = chunks.reduce(
  (sum, chunk) => sum + statSync(join(dist, "chunks", chunk.name)).size,
  0,
);
console.log(`shared chunks: ${chunks.length} files, ${(total / 1024).toFixed(1)} KiB`);
