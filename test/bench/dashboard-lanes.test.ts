import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { type ActionRun, cleanup, runAction, runCli } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";
import { CHROMIUM, CHROMIUM_ARGS, serveDirectory } from "./site-server.ts";

// The dashboard of a history the action itself stored on GitHub-hosted runners, where every job
// runs on a runner with a new name, and whose last commit was re-run: what the page says changed
// must be what the action said (its alert), with hostile names and messages shown as text.

const HOSTILE = `<img src=x onerror="window.__pwned=1">`;
const AUTHOR = `Mallory" onmouseover="window.__pwned=2" & 'co' Ltd`;
const repo = createRepository();
const storage = temporaryDirectory("sg-bench-dash-lanes-");
const commits: string[] = [];
const pushes: ActionRun[] = [];
let server: Awaited<ReturnType<typeof serveDirectory>>;
let browser: Browser;
let page: Page;
const problems: string[] = [];

async function push(index: number, attempt = "1") {
  const commit = commits[index] as string;
  repo.checkout(commit);
  mkdirSync(join(repo.path, "out"), { recursive: true });
  writeFileSync(
    join(repo.path, "out/sizes.json"),
    JSON.stringify([
      { name: "host binary", value: index >= 5 ? 1_500_000 : 1_000_000, unit: "bytes" },
      { name: HOSTILE, value: 10, unit: "bytes" },
    ]),
  );
  const run = await runAction({
    action: "actions/bench",
    workspace: repo.path,
    sha: commit,
    ref: "refs/heads/main",
    env: {
      GITHUB_JOB: "bench",
      GITHUB_RUN_ID: String(700 + index),
      GITHUB_RUN_ATTEMPT: attempt,
      RUNNER_NAME: `GitHub Actions ${100 + index * 7 + Number(attempt)} ${HOSTILE}`,
    },
    event: { name: "push", payload: { repository: { default_branch: "main" } } },
    inputs: { results: "out/sizes.json", storage: storage.path, "site-directory": "../public" },
  });
  cleanup(run);
  expect(run.exitCode, run.stdout).toBe(0);
  return run;
}

describe.skipIf(!existsSync(CHROMIUM))(
  "the dashboard agrees with the action on GitHub-hosted runners (skipped without chromium)",
  () => {
    beforeAll(async () => {
      for (let index = 0; index < 6; index++) {
        commits.push(
          repo.commit({
            message: `${HOSTILE} change ${index}`,
            files: { "a.rs": String(index) },
            // git itself drops angle brackets (and trailing quotes) from names.
            author: { name: AUTHOR, email: "m@example.com" },
          }),
        );
      }
      for (let index = 0; index < 6; index++) pushes.push(await push(index));
      // The regressed commit's job is re-run: the action compares it with its parent again.
      pushes.push(await push(5, "2"));
      server = await serveDirectory(join(repo.path, "..", "public"));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.on("pageerror", (error) => problems.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(message.text());
      });
      await page.goto(server.url);
      await page.waitForSelector("body[data-ready=yes]");
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
      storage[Symbol.dispose]();
      repo[Symbol.dispose]();
    });

    it("the action alerted on the regressed commit, on its run and its re-run", () => {
      expect(pushes.map((run) => run.outputs.verdict)).toEqual([
        "pass",
        "pass",
        "pass",
        "pass",
        "pass",
        "regressed",
        "regressed",
      ]);
    });

    it("'what changed' shows that regression against the previous commit, not the re-run's first attempt", async () => {
      const items = page.locator("#changes-list li");
      await expect.poll(() => items.count()).toBe(1);
      expect(await items.first().getAttribute("data-id")).toBe("host binary");
      expect(await items.first().getAttribute("data-verdict")).toBe("regressed");
      expect(await page.textContent("#changes-note")).toContain(commits[4]?.slice(0, 10));
    });

    it("badges, sorts and marks the regression on the chart", async () => {
      const host = page.locator('.chart[data-id="host binary"]');
      expect(await host.locator(".badge").textContent()).toBe("regressed +50%");
      await expect.poll(() => host.getAttribute("data-markers")).toBe("2");
      await page.selectOption("#sort", "change");
      expect(await page.locator(".chart").first().getAttribute("data-id")).toBe("host binary");
    });

    it("shows hostile names, messages, authors and machines as text", async () => {
      const hostile = page.locator(`.chart[data-id="${HOSTILE.replace(/"/g, '\\"')}"]`);
      expect(await hostile.locator(".name").textContent()).toBe(HOSTILE);
      await page.waitForSelector(".chart.drawn");
      const plot = page.locator('.chart[data-id="host binary"] .u-over');
      const box = await plot.boundingBox();
      if (!box) throw new Error("no plot area");
      await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
      const hover = page.locator('.chart[data-id="host binary"] .hover');
      await expect.poll(() => hover.getAttribute("data-commit")).toBe(commits[5]);
      await expect.poll(() => hover.textContent()).toContain(AUTHOR);
      expect(await hover.textContent()).toContain(`${HOSTILE} change 5`);
      expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator("main img, main script, main svg").count()).toBe(0);
      expect(problems).toEqual([]);
    });
  },
);

describe.skipIf(!existsSync(CHROMIUM))(
  "the dashboard judges with the thresholds the action used (skipped without chromium)",
  () => {
    const checkout = createRepository();
    const store = temporaryDirectory("sg-bench-thresholds-");
    afterAll(() => {
      checkout[Symbol.dispose]();
      store[Symbol.dispose]();
    });

    it("agrees with the action after `bench site` rebuilt it with no threshold flags", async () => {
      const verdicts: string[] = [];
      for (const [index, bytes] of [1_000_000, 1_100_000].entries()) {
        const commit = checkout.commit({ message: `c${index}`, files: { "a.rs": String(index) } });
        writeFileSync(
          join(checkout.path, "sizes.json"),
          JSON.stringify([{ name: "host binary", value: bytes, unit: "bytes" }]),
        );
        const run = await runAction({
          action: "actions/bench",
          workspace: checkout.path,
          sha: commit,
          ref: "refs/heads/main",
          env: { GITHUB_JOB: "bench", GITHUB_RUN_ID: String(800 + index) },
          event: { name: "push", payload: { repository: { default_branch: "main" } } },
          inputs: { results: "sizes.json", storage: store.path, "instruction-threshold": "20%" },
        });
        cleanup(run);
        verdicts.push(run.outputs.verdict as string);
      }
      // +10% is under the workflow's 20%: the action passed the push.
      expect(verdicts).toEqual(["pass", "pass"]);
      const compared = await runCli(
        ["bench", "compare", "--storage", store.path, "--base", "HEAD~1", "--head", "HEAD"],
        { cwd: checkout.path },
      );
      expect(compared.exitCode, compared.stderr).toBe(0);
      expect(compared.stdout).toMatch(/^unchanged\s+host binary/);
      const built = await runCli(["bench", "site", "--storage", store.path, "--out", "site"], {
        cwd: store.path,
      });
      expect(built.exitCode, built.stderr).toBe(0);
      const site = await serveDirectory(join(store.path, "site"));
      const viewer = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const view = await viewer.newPage();
        await view.goto(site.url);
        await view.waitForSelector("body[data-ready=yes]");
        await expect.poll(() => view.textContent("#changes-note")).toContain("0 regressed");
        expect(await view.locator("#changes-list li").count()).toBe(0);
        expect(await view.locator('.chart[data-id="host binary"] .badge').count()).toBe(0);
        await view.goto(`${site.url}#compare`);
        await expect.poll(() => view.textContent("#thresholds")).toContain("beyond 20% and 100");
      } finally {
        await viewer.close();
        await site.close();
      }
    });
  },
);
