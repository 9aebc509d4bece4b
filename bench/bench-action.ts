// The bench action's speed: parsing a Criterion tree of 10,000 benchmarks (wall time and peak
// memory), and the dashboard of 500 benchmarks x 1,000 runs (site build, time to first chart in
// headless Chromium, bytes loaded). Uses the built CLI (STATUS_GATE_DIST or dist/).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { StoredRun } from "../src/bench/history.ts";
import { parseResultPaths } from "../src/bench/parse.ts";
import { storeRun } from "../src/bench/publish.ts";
import { DirectoryStore } from "../src/bench/store.ts";
import { CHROMIUM, CHROMIUM_ARGS, serveDirectory } from "../test/bench/site-server.ts";

const root = join(import.meta.dirname, "..");
const dist = process.env.STATUS_GATE_DIST ?? join(root, "dist");

if (process.argv[2] === "--parse-child") {
  const start = performance.now();
  const results = parseResultPaths([process.argv[3] as string], "/");
  const elapsed = performance.now() - start;
  console.log(
    JSON.stringify({ results: results.length, elapsed, maxRss: process.resourceUsage().maxRSS }),
  );
  process.exit(0);
}

function criterionTree(directory: string, count: number): void {
  for (let index = 0; index < count; index++) {
    const id = `group${index % 100}/function${Math.floor(index / 100)}/${index}`;
    const folder = join(directory, id, "new");
    mkdirSync(folder, { recursive: true });
    const point = 1000 + index;
    const estimate = (value: number) => ({
      confidence_interval: {
        confidence_level: 0.95,
        lower_bound: value * 0.99,
        upper_bound: value * 1.01,
      },
      point_estimate: value,
      standard_error: value * 0.005,
    });
    writeFileSync(
      join(folder, "benchmark.json"),
      JSON.stringify({
        group_id: id,
        function_id: null,
        value_str: null,
        throughput: { Elements: 10 },
        full_id: id,
        directory_name: id,
        title: id,
      }),
    );
    writeFileSync(
      join(folder, "estimates.json"),
      JSON.stringify({
        mean: estimate(point),
        median: estimate(point),
        median_abs_dev: estimate(1),
        slope: index % 2 ? null : estimate(point),
        std_dev: estimate(2),
      }),
    );
    writeFileSync(
      join(folder, "sample.json"),
      JSON.stringify({
        sampling_mode: "Linear",
        iters: Array.from({ length: 100 }, (_, i) => i + 1),
        times: Array.from({ length: 100 }, (_, i) => (i + 1) * point),
      }),
    );
  }
}

async function benchParse(work: string): Promise<void> {
  const tree = join(work, "criterion");
  criterionTree(tree, 10_000);
  const child = JSON.parse(
    execFileSync(process.execPath, [import.meta.filename, "--parse-child", tree], {
      encoding: "utf8",
    }),
  );
  console.log(
    `parse 10000 Criterion benchmarks (${child.results} results): ${child.elapsed.toFixed(0)} ms`,
  );
  console.log(
    `parse 10000 Criterion benchmarks peak memory: ${(child.maxRss / 1024).toFixed(0)} MiB`,
  );
}

async function benchDashboard(work: string): Promise<void> {
  const store = new DirectoryStore(join(work, "store"));
  for (let run = 0; run < 1000; run++) {
    const stored: StoredRun = {
      schema: 1,
      run: {
        repository: "wasmcloud/wasmcloud",
        ref: "refs/heads/main",
        commit: run.toString(16).padStart(40, "0"),
        baseCommit: null,
        pullRequest: null,
        // As the action stores them on GitHub-hosted runners: one job and leg, a new runner
        // name for every job, the thresholds it judged with.
        machine: `GitHub Actions ${1000 + run}`,
        job: "bench",
        matrixLeg: "0",
        thresholds: { countRelative: 0.01, countAbsolute: 100, timeRelative: 0.05 },
        tools: {},
        timestamp: new Date(Date.UTC(2024, 0, 1) + run * 3_600_000).toISOString(),
        runId: String(run),
        runAttempt: "1",
        url: `https://github.com/wasmcloud/wasmcloud/actions/runs/${run}`,
        serverUrl: "https://github.com",
        commitMessage: `Make thing number ${run} faster, or at least not slower (#${run})`,
        commitAuthor: "Mona Lisa Octocat",
        commitDate: new Date(Date.UTC(2024, 0, 1) + run * 3_600_000).toISOString(),
      },
      results: Array.from({ length: 500 }, (_, index) => {
        const value = 1000 + index + Math.sin(run / 10) * 20;
        return {
          id: `group${index % 25}/bench${index}`,
          metric: "wall-time",
          value,
          unit: "ns" as const,
          lower: value - 5,
          upper: value + 5,
          source: "b",
        };
      }),
    };
    await storeRun(store, "", stored, true);
  }
  const started = performance.now();
  execFileSync(
    process.execPath,
    [join(dist, "cli.js"), "bench", "site", "--storage", "store", "--out", "public"],
    { cwd: work },
  );
  console.log(
    `dashboard site build, 500 benchmarks x 1000 runs: ${(performance.now() - started).toFixed(0)} ms`,
  );
  const server = await serveDirectory(join(work, "public"));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    await page.goto(server.url);
    await page.waitForFunction(
      () => (window as unknown as { firstChartAt?: number }).firstChartAt !== undefined,
    );
    const firstChart = await page.evaluate(
      () => (window as unknown as { firstChartAt: number }).firstChartAt,
    );
    // "What changed" is judged in the page from the two latest runs' files.
    await page.waitForFunction(() => document.getElementById("changes-note")?.textContent !== "");
    const panel = await page.evaluate(() => performance.now());
    await page.waitForLoadState("networkidle");
    const drawn = await page.$$eval(".chart.drawn", (nodes) => nodes.length);
    // Every byte the page fetched: the document and each resource, decoded.
    const bytes = await page.evaluate(() =>
      [
        ...performance.getEntriesByType("navigation"),
        ...performance.getEntriesByType("resource"),
      ].reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).decodedBodySize, 0),
    );
    console.log(`dashboard time to first chart (500 x 1000): ${firstChart.toFixed(0)} ms`);
    console.log(`dashboard "what changed" panel filled by: ${panel.toFixed(0)} ms`);
    console.log(
      `dashboard bytes loaded at first view: ${(bytes / 1024).toFixed(0)} KiB of a 1024 KiB budget (${drawn} charts drawn)`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

const work = mkdtempSync(join(tmpdir(), "sg-bench-action-"));
try {
  await benchParse(work);
  await benchDashboard(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
