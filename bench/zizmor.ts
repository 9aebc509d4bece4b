// Rendering a zizmor JSON v1 report of 5,000 findings: parse, decide, plan annotations, render
// the job summary and the SARIF file. Wall and CPU time are medians of several runs; memory is the peak RSS
// growth of one fresh run (measured first, before the heap is warm).

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyse } from "../src/zizmor/analyse.ts";
import { DEFAULT_LEVELS } from "../src/zizmor/annotations.ts";
import { applyBaseIgnores } from "../src/zizmor/base-revision.ts";
import { type Finding, parseJsonV1 } from "../src/zizmor/report.ts";
import { toSarif } from "../src/zizmor/sarif.ts";

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 5000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const workspace = "/home/runner/work/wasmcloud/wasmcloud";
const corpus = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "../test/zizmor/fixtures/json-v1.several-inputs.json"),
    "utf8",
  ),
) as { ident: string; locations: { concrete: { location: { start_point: { row: number } } } }[] }[];

/** 5,000 findings cycled from the real corpus, spread over 50 workflow files. */
function report(): string {
  const findings = Array.from({ length: FINDINGS }, (_, at) => {
    const copy = structuredClone(corpus[at % corpus.length]) as (typeof corpus)[number];
    const text = JSON.stringify(copy).replaceAll(
      "@@INPUT@@",
      `./.github/workflows/w${at % 50}.yml`,
    );
    const finding = JSON.parse(text) as typeof copy;
    for (const location of finding.locations)
      location.concrete.location.start_point.row += at % 400;
    return finding;
  });
  return JSON.stringify(findings);
}

function renderOnce(text: string) {
  const findings = parseJsonV1(text, { workspace, cwd: workspace });
  const analysis = analyse(findings, {
    failOn: "high",
    newOnly: { mode: "off" },
    levels: DEFAULT_LEVELS,
    blobUrl: "https://github.com/wasmcloud/wasmcloud/blob/0123456789abcdef0123456789abcdef01234567",
    warnings: [],
  });
  const summary = analysis.summary.toString(1024 * 1024);
  const sarif = JSON.stringify(toSarif(findings, "1.30.1"));
  return { summary, sarif, annotations: analysis.annotations.shown.length };
}

const text = report();
const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 1);
const first = renderOnce(text);
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sampler);

const times: number[] = [];
const cpuTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  renderOnce(text);
  const used = process.cpuUsage(cpu);
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  cpuTimes.push((used.user + used.system) / 1000);
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);

console.log(
  `zizmor report size: ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MiB (${FINDINGS} findings)`,
);
console.log(
  `zizmor render 5000 findings (median of ${RUNS}): ${(times[Math.floor(RUNS / 2)] as number).toFixed(1)} ms`,
);
// CPU time is the steadier figure on a shared machine; wall time includes waiting for a core.
console.log(
  `zizmor render 5000 findings CPU time (median of ${RUNS}): ${(cpuTimes[Math.floor(RUNS / 2)] as number).toFixed(1)} ms`,
);
console.log(`zizmor render peak RSS growth: ${((peak - rssBefore) / 1024 / 1024).toFixed(1)} MiB`);
console.log(`zizmor summary size: ${(Buffer.byteLength(first.summary) / 1024).toFixed(1)} KiB`);
console.log(`zizmor SARIF size: ${(Buffer.byteLength(first.sarif) / 1024 / 1024).toFixed(1)} MiB`);
console.log(`zizmor annotations emitted: ${first.annotations} count`);

// A pull request's ignores checked against its base: 1,000 findings silenced by ignore comments in
// 50 workflow files of 1,000 lines, each of which the pull request changed in 20 places (so every
// file is diffed against its base version once).
async function baseIgnores(): Promise<number> {
  const workspace = mkdtempSync(join(tmpdir(), "sg-bench-zizmor-"));
  mkdirSync(join(workspace, ".github/workflows"), { recursive: true });
  const base = new Map<string, string>();
  for (let file = 0; file < 50; file++) {
    const path = `.github/workflows/w${file}.yml`;
    const lines = Array.from({ length: 1000 }, (_, line) =>
      line % 50 === 0
        ? `      - run: echo ${line} # zizmor: ignore[template-injection]`
        : `      # line ${line}`,
    );
    base.set(path, `${lines.join("\n")}\n`);
    const changed = lines.map((text, line) => (line % 50 === 25 ? `${text} changed` : text));
    writeFileSync(join(workspace, path), `${changed.join("\n")}\n`);
  }
  const template = parseJsonV1(text, { workspace, cwd: workspace })[0] as Finding;
  const findings = Array.from({ length: 1000 }, (_, at): Finding => {
    const line = (at % 20) * 50 + 1;
    const path = `.github/workflows/w${at % 50}.yml`;
    const location = {
      ...template.primary,
      key: { kind: "local" as const, printedPath: `./${path}`, path },
      line,
      endLine: line,
      comments: ["# zizmor: ignore[template-injection]"],
    };
    return {
      ...template,
      audit: "template-injection",
      ignored: true,
      primary: location,
      locations: [location],
    };
  });
  const start = process.hrtime.bigint();
  const reviewed = await applyBaseIgnores(findings, {
    base: { name: "the base revision", read: async (path) => base.get(path) },
    configText: undefined,
    workspace,
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(workspace, { recursive: true, force: true });
  if (reviewed.silenced !== 1000)
    throw new Error(`expected 1000 silenced, got ${reviewed.silenced}`);
  return elapsed;
}

console.log(
  `zizmor pull request ignores, 1000 findings in 50 changed files: ${(await baseIgnores()).toFixed(1)} ms`,
);
