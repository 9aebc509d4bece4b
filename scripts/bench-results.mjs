// `node scripts/bench-results.mjs OUT.json [bench names...]`: runs `npm run bench` (bench/run.mjs)
// and writes every figure it prints as the bench action's generic JSON, for this suite's own
// dashboard (.github/workflows/bench.yml).
//
// A benchmark prints one figure per line as `label: value unit`, optionally followed by a
// parenthesised note. The unit says which way is better; parameters of a run (`files`, `lines`,
// `count`) are not measurements and are left out. A run that prints no figure, or a benchmark that
// fails, fails this script: silence is never a result.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const SMALLER = new Set([
  "ns",
  "µs",
  "us",
  "ms",
  "s",
  "requests",
  "bytes",
  "KiB",
  "MiB",
  "GiB",
  "x",
]);
const PARAMETERS = new Set(["count", "files", "lines"]);
const FIGURE = /^(?<label>[^:]+?):\s+(?<value>-?\d+(?:\.\d+)?)\s+(?<unit>[^\s()]+)(?:\s+\(.*\))?$/;
const HEADING = /^## (?<script>\S+)\.ts$/;

/** The figures of a bench log, each named after its script: `permissions: check`. */
export function figuresOf(log) {
  const benchmarks = [];
  let script;
  for (const line of log.split(/\r?\n/)) {
    const heading = HEADING.exec(line);
    if (heading) {
      script = heading.groups.script;
      continue;
    }
    const figure = FIGURE.exec(line.trim());
    if (!figure || !script) continue;
    const { label, value, unit } = figure.groups;
    if (PARAMETERS.has(unit)) continue;
    const direction = SMALLER.has(unit) ? "smaller" : unit.endsWith("/s") ? "bigger" : undefined;
    if (!direction) continue;
    benchmarks.push({ name: `${script}: ${label.trim()}`, value: Number(value), unit, direction });
  }
  return benchmarks;
}

async function main() {
  const [out, ...only] = process.argv.slice(2);
  if (!out) {
    process.stderr.write("usage: node scripts/bench-results.mjs OUT.json [bench names...]\n");
    process.exit(2);
  }
  const runner = join(import.meta.dirname, "..", "bench", "run.mjs");
  const child = spawn(process.execPath, [runner, ...only], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let log = "";
  child.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    log += chunk;
  });
  const status = await new Promise((resolve) => child.on("close", resolve));
  const benchmarks = figuresOf(log);
  const names = new Set();
  for (const { name } of benchmarks) {
    if (names.has(name)) throw new Error(`two figures are named '${name}'; rename one label`);
    names.add(name);
  }
  if (benchmarks.length === 0) {
    process.stderr.write("bench-results: the benchmarks printed no figure (`label: value unit`)\n");
    process.exit(1);
  }
  writeFileSync(out, `${JSON.stringify({ benchmarks }, null, 2)}\n`);
  process.stdout.write(`bench-results: ${benchmarks.length} figures written to ${out}\n`);
  if (status !== 0) {
    process.stderr.write(`bench-results: a benchmark failed (bench/run.mjs exited ${status})\n`);
    process.exit(1);
  }
}

if (process.argv[1] === import.meta.filename) await main();
