import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMetadata, StoredRun } from "../../src/bench/history.ts";
import { storeRun } from "../../src/bench/publish.ts";
import { DirectoryStore } from "../../src/bench/store.ts";
import { PROJECT_ROOT, runCli } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";
import { CHROMIUM, CHROMIUM_ARGS, serveDirectory } from "./site-server.ts";

const ARTIFACTS = join(PROJECT_ROOT, "test-results");
const RUNS = 30;
const commitOf = (index: number) => `${index.toString(16).padStart(4, "0")}${"ab".repeat(18)}`;

/** A plausible history: wall times drifting with noise, instruction counts stepping. */
function history(): StoredRun[] {
  return Array.from({ length: RUNS }, (_, index) => {
    const run: RunMetadata = {
      repository: "wasmcloud/wasmcloud",
      ref: "refs/heads/main",
      commit: commitOf(index),
      baseCommit: null,
      pullRequest: null,
      mergedPullRequest: 100 + index,
      machine: "bench-1",
      tools: {},
      timestamp: new Date(Date.UTC(2026, 0, 1 + index, 12)).toISOString(),
      runId: String(9000 + index),
      runAttempt: "1",
      url: `https://github.com/wasmcloud/wasmcloud/actions/runs/${9000 + index}`,
    };
    const wobble = Math.sin(index / 3) * 4;
    const results = [
      { id: "fib 10", metric: "wall-time", unit: "ns" as const, value: 120 + wobble, spread: 2 },
      {
        id: "Fibonacci/Recursive/15",
        metric: "wall-time",
        unit: "ns" as const,
        value: 1400 - index * 3,
        spread: 20,
      },
      {
        id: "Fibonacci/Recursive/20",
        metric: "wall-time",
        unit: "ns" as const,
        value: 14800 + wobble * 30,
        spread: 40,
      },
      {
        id: "wasmcloud_host::start",
        metric: "instructions",
        unit: "instructions" as const,
        value: 5_000_000 + (index > 20 ? 150_000 : 0),
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

const formatTime = (stored: StoredRun) => stored.run.timestamp.slice(0, 16).replace("T", " ");
let site: ReturnType<typeof temporaryDirectory>;
let server: Awaited<ReturnType<typeof serveDirectory>>;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];
const runs = history();

describe.skipIf(!existsSync(CHROMIUM))(
  "the dashboard in headless Chromium (skipped without Debian's chromium)",
  () => {
    beforeAll(async () => {
      site = temporaryDirectory("sg-bench-site-");
      const store = new DirectoryStore(join(site.path, "store"));
      for (const stored of runs) await storeRun(store, "", stored, true);
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
        })),
      };
      await storeRun(store, "", pull, false);
      const built = await runCli(["bench", "site", "--storage", "store", "--out", "public"], {
        cwd: site.path,
      });
      expect(built.stderr).toBe("");
      server = await serveDirectory(join(site.path, "public"));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1360, height: 1100 } });
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      page.on("pageerror", (error) => consoleErrors.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith(server.url)) foreignRequests.push(request.url());
      });
      await page.goto(server.url);
      await page.waitForSelector("body[data-ready=yes]");
      await page.waitForFunction(() => document.querySelectorAll(".chart.drawn").length === 4);
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      site?.[Symbol.dispose]();
    });

    it("loads without console errors and fetches nothing but its own files", () => {
      expect(consoleErrors).toEqual([]);
      expect(foreignRequests).toEqual([]);
    });

    it("draws one chart per benchmark holding every stored point, grouped by name", async () => {
      const charts = await page.$$eval(".chart", (nodes) =>
        nodes.map((node) => [
          (node as HTMLElement).dataset.id,
          (node as HTMLElement).dataset.points,
        ]),
      );
      expect(charts.sort()).toEqual(
        ["Fibonacci/Recursive/15", "Fibonacci/Recursive/20", "fib 10", "wasmcloud_host::start"].map(
          (id) => [id, String(RUNS)],
        ),
      );
      const groups = await page.$$eval("details.group > summary", (nodes) =>
        nodes.map((node) => node.textContent?.trim()),
      );
      expect(groups).toEqual(["Fibonacci (2)", "fib 10 (1)", "wasmcloud_host (1)"]);
      expect(await page.textContent('.chart[data-id="wasmcloud_host::start"] .meta')).toContain(
        "latest 5,150,000 instructions",
      );
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "bench-dashboard.png"), fullPage: true });
    });

    it("shows the commit, date and value of the point under the cursor, with links", async () => {
      const plot = page.locator('.chart[data-id="fib 10"] .u-over');
      const box = await plot.boundingBox();
      if (!box) throw new Error("no plot area");
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
      const hover = page.locator('.chart[data-id="fib 10"] .hover');
      await expect.poll(() => hover.getAttribute("data-commit")).toBe(commitOf(RUNS - 1));
      expect(await hover.locator("a").first().getAttribute("href")).toBe(
        `https://github.com/wasmcloud/wasmcloud/commit/${commitOf(RUNS - 1)}`,
      );
      const pull = hover.locator("a", { hasText: `PR #${100 + RUNS - 1}` });
      expect(await pull.getAttribute("href")).toBe(
        `https://github.com/wasmcloud/wasmcloud/pull/${100 + RUNS - 1}`,
      );
      expect(await hover.textContent()).toContain(formatTime(runs.at(-1) as StoredRun));
    });

    it("filters the charts by a search", async () => {
      await page.fill("#search", "recursive");
      expect(await page.textContent("#count")).toBe("2 of 4 benchmarks");
      await page.fill("#search", "");
      expect(await page.textContent("#count")).toBe("4 of 4 benchmarks");
    });

    it("compares two runs with the stored numbers", async () => {
      await page.goto(`${server.url}#compare`);
      await page.selectOption("#compare-base", "0");
      await page.selectOption("#compare-head", String(RUNS - 1));
      const row = page.locator('#compare-table tr[data-id="wasmcloud_host::start"]');
      await expect
        .poll(() => row.locator("td").nth(3).textContent())
        .toBe("5,150,000 instructions");
      expect(await row.locator("td").nth(2).textContent()).toBe("5,000,000 instructions");
      expect(await row.locator("td").nth(4).textContent()).toBe("+3%");
      const fib = page.locator('#compare-table tr[data-id="fib 10"] td');
      expect(Number(await fib.nth(2).getAttribute("data-value"))).toBe(runs[0]?.results[0]?.value);
    });

    it("compares a pull request with its base", async () => {
      await page.selectOption("#compare-pull", "12");
      const row = page.locator('#compare-table tr[data-id="Fibonacci/Recursive/20"] td');
      const base = (runs.at(-1) as StoredRun).results[2]?.value as number;
      await expect
        .poll(async () => Number(await row.nth(3).getAttribute("data-value")))
        .toBe(base * 1.5);
      expect(Number(await row.nth(2).getAttribute("data-value"))).toBe(base);
      expect(await row.nth(4).textContent()).toBe("+50%");
      expect(await page.textContent("#compare-note")).toContain("PR #12");
      await page.screenshot({
        path: join(ARTIFACTS, "bench-dashboard-compare.png"),
        fullPage: true,
      });
      expect(consoleErrors).toEqual([]);
    });
  },
);
