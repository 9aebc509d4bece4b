import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byBenchmark, compareResults } from "../../src/bench/compare.ts";
import type { RunMetadata, StoredRun } from "../../src/bench/history.ts";
import { storeRun } from "../../src/bench/publish.ts";
import { DirectoryStore } from "../../src/bench/store.ts";
import { PROJECT_ROOT, runCli } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";
import { CHROMIUM, CHROMIUM_ARGS, serveDirectory } from "./site-server.ts";

const ARTIFACTS = join(PROJECT_ROOT, "test-results");
const RUNS = 30;
const SERVER = "https://ghes.example.com";
const commitOf = (index: number) => `${index.toString(16).padStart(4, "0")}${"ab".repeat(18)}`;

/** A plausible history on two machines: wall times drifting with noise, counts stepping. */
function history(): StoredRun[] {
  return Array.from({ length: RUNS }, (_, index) => {
    const run: RunMetadata = {
      repository: "wasmcloud/wasmcloud",
      ref: "refs/heads/main",
      commit: commitOf(index),
      baseCommit: null,
      pullRequest: null,
      mergedPullRequest: 100 + index,
      machine: index % 10 === 9 ? "arm-runner" : "bench-1",
      tools: {},
      timestamp: new Date(Date.UTC(2026, 0, 1 + index, 12)).toISOString(),
      runId: String(9000 + index),
      runAttempt: "1",
      url: `${SERVER}/wasmcloud/wasmcloud/actions/runs/${9000 + index}`,
      serverUrl: SERVER,
      commitMessage: `Change number ${index}`,
      commitAuthor: "Mona Lisa",
      commitDate: new Date(Date.UTC(2026, 0, 1 + index, 11)).toISOString(),
    };
    const wobble = Math.sin(index / 3) * 4;
    const last = index === RUNS - 1;
    const results = [
      { id: "fib 10", metric: "wall-time", unit: "ns", value: 120 + wobble, spread: 2 },
      {
        id: "Fibonacci/Recursive/15",
        metric: "wall-time",
        unit: "ns",
        value: 1400 - index * 3,
        spread: 20,
      },
      {
        id: "Fibonacci/Recursive/15",
        metric: "throughput",
        unit: "elements/s",
        value: 7e8 + index * 1e6,
        spread: 1e7,
      },
      {
        id: "Fibonacci/Recursive/20",
        metric: "wall-time",
        unit: "ns",
        value: last ? 12000 : 14800 + wobble * 30,
        spread: 40,
      },
      {
        id: "wasmcloud_host::start",
        metric: "instructions",
        unit: "instructions",
        value: 5_000_000 + (index > 20 ? 150_000 : 0) + (last ? 300_000 : 0),
        spread: 0,
      },
    ].map(({ spread, ...result }) => ({
      ...result,
      lower: result.value - spread,
      upper: result.value + spread,
      source: "t",
    }));
    return { schema: 1 as const, run, results };
  });
}

const runs = history();
const pull: StoredRun = {
  schema: 1,
  run: {
    ...(runs.at(-1) as StoredRun).run,
    commit: "f".repeat(40),
    pullRequest: 12,
    baseCommit: commitOf(RUNS - 1),
    runId: "9999",
  },
  results: (runs.at(-1) as StoredRun).results.map((result) => ({
    ...result,
    value: result.value * 1.5,
    lower: (result.lower ?? 0) * 1.5,
    upper: (result.upper ?? 0) * 1.5,
  })),
};

let site: ReturnType<typeof temporaryDirectory>;
let server: Awaited<ReturnType<typeof serveDirectory>>;
let emptyServer: Awaited<ReturnType<typeof serveDirectory>>;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

async function open(url: string, width = 1400, colorScheme: "light" | "dark" = "light") {
  const opened = await browser.newPage({ viewport: { width, height: 1000 }, colorScheme });
  opened.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  opened.on("pageerror", (error) => consoleErrors.push(error.message));
  opened.on("request", (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith(emptyServer.url)) {
      foreignRequests.push(request.url());
    }
  });
  await opened.goto(url);
  await opened.waitForSelector("body[data-ready=yes]");
  return opened;
}

/** How far the page is wider than the window: 0 when nothing overflows. */
const overflow = (target: Page) =>
  target.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

const card = (id: string) => `.chart[data-id="${id}"]`;

describe.skipIf(!existsSync(CHROMIUM))(
  "the dashboard in headless Chromium (skipped without Debian's chromium)",
  () => {
    beforeAll(async () => {
      site = temporaryDirectory("sg-bench-site-");
      const store = new DirectoryStore(join(site.path, "store"));
      for (const stored of runs) await storeRun(store, "", stored, true);
      await storeRun(store, "", pull, false);
      const built = await runCli(["bench", "site", "--storage", "store", "--out", "public"], {
        cwd: site.path,
      });
      expect(built.stderr).toBe("");
      mkdirSync(join(site.path, "nothing"));
      const empty = await runCli(["bench", "site", "--storage", "nothing", "--out", "empty"], {
        cwd: site.path,
      });
      expect(empty.exitCode).toBe(0);
      server = await serveDirectory(join(site.path, "public"));
      emptyServer = await serveDirectory(join(site.path, "empty"));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      page = await open(server.url);
      await page.waitForFunction(() => document.querySelectorAll(".chart.drawn").length >= 4);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      await emptyServer?.close();
      site?.[Symbol.dispose]();
    });

    it("shows what changed first, judged exactly as the action judges", async () => {
      const first = await page.$eval("#charts-view > *", (node) => node.id);
      expect(first).toBe("changes");
      const items = page.locator("#changes-list li");
      await expect.poll(() => items.count()).toBeGreaterThan(0);
      const shown = await items.evaluateAll((nodes) =>
        nodes.map((node) => [
          (node as HTMLElement).dataset.id,
          (node as HTMLElement).dataset.verdict,
        ]),
      );
      // Latest run against the previous run of the same machine, as the action would compare them.
      const latest = runs.at(-1) as StoredRun;
      const previous = runs.at(-2) as StoredRun;
      const expected = byBenchmark(compareResults(previous.results, latest.results))
        .filter(
          (benchmark) => benchmark.verdict === "regressed" || benchmark.verdict === "improved",
        )
        .map((benchmark) => [benchmark.id, benchmark.verdict]);
      expect(shown).toEqual(expected);
      expect(shown).toContainEqual(["wasmcloud_host::start", "regressed"]);
      expect(shown).toContainEqual(["Fibonacci/Recursive/20", "improved"]);
      expect(await page.textContent("#changes-note")).toMatch(/1 regressed, 1 improved/);
      await page.selectOption("#window", "7");
      await expect.poll(() => page.textContent("#changes-note")).toContain("7 days earlier");
      expect(page.url()).toContain("since=7");
      await page.selectOption("#window", "previous");
    });

    it("marks changes on the charts and says which way is better", async () => {
      const host = page.locator(card("wasmcloud_host::start"));
      await expect.poll(() => host.getAttribute("data-markers")).not.toBe(null);
      expect(Number(await host.getAttribute("data-markers"))).toBeGreaterThanOrEqual(2);
      // The latest run is the arm runner's: compared with its previous run, not another machine's.
      expect(await host.locator(".badge").textContent()).toBe("regressed +9%");
      expect(await host.locator(".direction").textContent()).toBe("lower is better ↓");
      const throughput = page.locator(
        `${card("Fibonacci/Recursive/15")}[data-metric="throughput"]`,
      );
      expect(await throughput.locator(".direction").textContent()).toBe("higher is better ↑");
    });

    it("sorts by change, worst first, and keeps the choice in the URL", async () => {
      await page.selectOption("#sort", "change");
      const order = await page.$$eval(".chart", (nodes) =>
        nodes.map((node) => (node as HTMLElement).dataset.id),
      );
      expect(order[0]).toBe("wasmcloud_host::start");
      expect(page.url()).toContain("sort=change");
      await page.selectOption("#sort", "name");
    });

    it("shows commit message, author, date and links to the commit and run on this server", async () => {
      await page.waitForSelector(`${card("fib 10")}.drawn`);
      const plot = page.locator(`${card("fib 10")} .u-over`);
      const box = await plot.boundingBox();
      if (!box) throw new Error("no plot area");
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
      const hover = page.locator(`${card("fib 10")} .hover`);
      await expect.poll(() => hover.getAttribute("data-commit")).toBe(commitOf(RUNS - 1));
      const text = await hover.textContent();
      expect(text).toContain(`“Change number ${RUNS - 1}”`);
      expect(text).toContain("Mona Lisa · 2026-01-30 11:00");
      expect(await hover.locator("a").first().getAttribute("href")).toBe(
        `${SERVER}/wasmcloud/wasmcloud/commit/${commitOf(RUNS - 1)}`,
      );
      expect(await hover.locator("a", { hasText: "workflow run" }).getAttribute("href")).toBe(
        `${SERVER}/wasmcloud/wasmcloud/actions/runs/${9000 + RUNS - 1}`,
      );
      expect(
        await hover.locator("a", { hasText: `PR #${100 + RUNS - 1}` }).getAttribute("href"),
      ).toBe(`${SERVER}/wasmcloud/wasmcloud/pull/${100 + RUNS - 1}`);
    });

    it("switches to a log scale", async () => {
      await page.check("#log");
      await expect
        .poll(() => page.locator(`${card("fib 10")}`).getAttribute("data-scale"))
        .toBe("log");
      expect(page.url()).toContain("log=1");
      await page.uncheck("#log");
    });

    it("restores the view from a shared URL, and filters by machine", async () => {
      const shared = await open(`${server.url}#charts?q=recursive&machine=arm-runner&sort=change`);
      expect(await shared.inputValue("#search")).toBe("recursive");
      expect(await shared.inputValue("#machine")).toBe("arm-runner");
      expect(await shared.textContent("#count")).toBe("3 of 5 benchmarks");
      await shared.waitForSelector(".chart.drawn");
      // Only the arm runner's three runs are charted.
      expect(await shared.locator(".chart.drawn").first().getAttribute("data-points")).toBe("3");
      expect(await shared.textContent(".chart .meta")).toContain("arm-runner");
      await shared.close();
    });

    it("says what to do when nothing matches, and when nothing is stored yet", async () => {
      await page.fill("#search", "zzz");
      expect(await page.textContent("#empty")).toContain("No benchmark matches “zzz”.");
      await page.click("#clear-filters");
      expect(await page.textContent("#count")).toBe("5 of 5 benchmarks");
      const empty = await open(emptyServer.url);
      expect(await empty.textContent("#empty")).toContain("No runs stored yet");
      expect(await empty.textContent("#empty")).toContain("status-gate bench upload");
      await empty.goto(`${emptyServer.url}#compare`);
      await expect
        .poll(() => empty.textContent("#compare-note"))
        .toContain("Nothing to compare yet");
      await empty.close();
    });

    it("compares a pull request with its base exactly as the PR comment does", async () => {
      await page.goto(`${server.url}#compare?pr=12`);
      const rows = page.locator("#compare-table tbody tr");
      await expect.poll(() => rows.count()).toBe(4);
      const shown = await rows.evaluateAll((nodes) =>
        nodes.map((node) => [
          (node as HTMLElement).dataset.id,
          (node as HTMLElement).dataset.verdict,
        ]),
      );
      const base = runs.at(-1) as StoredRun;
      expect(shown).toEqual(
        byBenchmark(compareResults(base.results, pull.results)).map((benchmark) => [
          benchmark.id,
          benchmark.verdict,
        ]),
      );
      const fib = page.locator('#compare-table tr[data-id="Fibonacci/Recursive/20"] td');
      expect(Number(await fib.nth(3).getAttribute("data-value"))).toBe(12000 * 1.5);
      expect(await fib.nth(4).textContent()).toBe("+50%");
      expect(await fib.nth(5).textContent()).toBe("🔴 regressed");
      expect(await page.textContent("#compare-note")).toContain("PR #12");
      expect(await page.textContent("#thresholds")).toContain("beyond 1% and 100");
    });

    it("compares any two runs chosen in the URL", async () => {
      await page.goto(`${server.url}#compare?base=0&head=${RUNS - 1}`);
      const row = page.locator('#compare-table tr[data-id="wasmcloud_host::start"] td');
      await expect.poll(() => row.nth(3).textContent()).toBe("5,450,000 instructions");
      expect(await row.nth(2).textContent()).toBe("5,000,000 instructions");
      expect(await row.nth(4).textContent()).toBe("+9%");
      const fib = page.locator('#compare-table tr[data-id="fib 10"] td');
      expect(Number(await fib.nth(2).getAttribute("data-value"))).toBe(runs[0]?.results[0]?.value);
    });

    it.each([
      [1400, "light"],
      [1400, "dark"],
      [390, "light"],
      [390, "dark"],
    ] as const)(
      "fits %i px in %s mode without overflow (screenshots kept)",
      async (width, scheme) => {
        for (const view of ["charts", "compare?pr=12"]) {
          const shot = await open(`${server.url}#${view}`, width, scheme);
          if (view === "charts") await shot.waitForSelector(".chart.drawn");
          else await shot.waitForSelector("#compare-table tbody tr");
          expect(await overflow(shot)).toBe(0);
          const background = await shot.evaluate(
            () => getComputedStyle(document.body).backgroundColor,
          );
          expect(background).toBe(scheme === "dark" ? "rgb(13, 17, 23)" : "rgb(246, 247, 249)");
          mkdirSync(ARTIFACTS, { recursive: true });
          await shot.screenshot({
            path: join(
              ARTIFACTS,
              `bench-dashboard-${view.replace(/\?.*/, "")}-${width}-${scheme}.png`,
            ),
            fullPage: true,
          });
          await shot.close();
        }
      },
    );

    it("charts follow the window when it shrinks", async () => {
      const resized = await open(server.url, 1400);
      await resized.waitForSelector(`${card("fib 10")}.drawn`);
      const width = () =>
        resized.$eval(`${card("fib 10")} canvas`, (canvas) => canvas.getBoundingClientRect().width);
      const wide = await width();
      await resized.setViewportSize({ width: 360, height: 900 });
      await expect.poll(width).toBeLessThan(360);
      expect(wide).toBeGreaterThan(await width());
      expect(await overflow(resized)).toBe(0);
      await resized.close();
    });

    it("loads without console errors and fetches nothing but its own files", () => {
      expect(consoleErrors).toEqual([]);
      expect(foreignRequests).toEqual([]);
    });
  },
);

// Kept for people opening the artifacts: which screenshot is which.
afterAll(() => {
  if (existsSync(ARTIFACTS)) {
    writeFileSync(
      join(ARTIFACTS, "bench-dashboard-screenshots.txt"),
      "bench-dashboard-<view>-<width>-<light|dark>.png: the dashboard at 1400 px and 390 px\n",
    );
  }
});
