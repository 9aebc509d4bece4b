import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { cleanup, runAction, runCli } from "../harness/runner.ts";
import { CORPUS, CORPUS_SKIP, HAS_CORPUS, startS3, temporaryDirectory } from "./helpers.ts";
import { CHROMIUM, CHROMIUM_ARGS, serveDirectory } from "./site-server.ts";

// Real Criterion and Callgrind output plus generic JSON, uploaded by the action and the CLI to a
// git branch and to S3, then looked at in the browser: the dashboard must agree with the PR
// comment on every benchmark.

const REPOSITORY = "wasmcloud/wasmcloud";

/** Every number under the estimates' `mean` and `slope`, scaled: a slower or faster benchmark. */
function scaleCriterion(file: string, factor: number) {
  const estimates = JSON.parse(readFileSync(file, "utf8"));
  for (const name of ["mean", "median", "slope"]) {
    const estimate = estimates[name];
    if (!estimate) continue;
    estimate.point_estimate *= factor;
    estimate.confidence_interval.lower_bound *= factor;
    estimate.confidence_interval.upper_bound *= factor;
  }
  writeFileSync(file, JSON.stringify(estimates));
}

/** The measured results of one commit in the checkout: `out/`. */
function measure(
  root: string,
  change: { fib10: number; recursive20: number; instructions: number; size: number },
) {
  const out = join(root, "out");
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  cpSync(join(CORPUS, "criterion-0.3.6"), join(out, "criterion"), { recursive: true });
  scaleCriterion(join(out, "criterion/fib 10/new/estimates.json"), change.fib10);
  scaleCriterion(
    join(out, "criterion/Fibonacci/Recursive/20/new/estimates.json"),
    change.recursive20,
  );
  const callgrind = readFileSync(join(CORPUS, "valgrind-3.19/callgrind.out.fib"), "utf8").replace(
    /^(totals|summary): (\d+)/gm,
    (_, name: string, total: string) =>
      `${name}: ${Math.round(Number(total) * change.instructions)}`,
  );
  writeFileSync(join(out, "callgrind.out.fib"), callgrind);
  writeFileSync(
    join(out, "sizes.json"),
    JSON.stringify({ benchmarks: [{ name: "binary size", value: change.size, unit: "KiB" }] }),
  );
}

/** `id → verdict` from the rows of a PR comment's table. */
function commentVerdicts(body: string): Map<string, string> {
  const verdicts = new Map<string, string>();
  for (const match of body.matchAll(
    /^\| <code>(.*?)<\/code> \|.*\| [^|]*?(regressed|noisy|removed|added|improved|unchanged)[^|]*\|$/gm,
  )) {
    verdicts.set((match[1] as string).replace(/\\(.)/g, "$1"), match[2] as string);
  }
  return verdicts;
}

describe.skipIf(!HAS_CORPUS || !existsSync(CHROMIUM))(
  `real runs through git-branch and S3 stores agree with the PR comment (${CORPUS_SKIP}, and chromium)`,
  () => {
    let sim: GitHubSimulator;
    let browser: Browser;
    const repo = createRepository();
    const bare = temporaryDirectory("sg-bench-e2e-origin-");
    const work = temporaryDirectory("sg-bench-e2e-");
    let base: string;
    let head: string;
    let comment: Map<string, string>;

    beforeAll(async () => {
      sim = await startGitHubSimulator();
      const state = sim.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
      base = repo.commit({ message: "base", files: { "src/lib.rs": "base" } });
      repo.checkout("feature", { create: true });
      head = repo.commit({ message: "head", files: { "src/lib.rs": "head" } });
      repo.checkout("main");
      state.addCommit({ sha: base, branch: "main", message: "base" });
      state.addCommit({ sha: head, branch: "main", message: "head" });
      state.addPullRequest({ number: 3, head: "feature" });
      const { execFileSync } = await import("node:child_process");
      execFileSync("git", ["init", "--quiet", "--bare", bare.path]);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await sim.close();
      for (const folder of [repo, bare, work]) folder[Symbol.dispose]();
    });

    const common = {
      action: "actions/bench",
      repository: REPOSITORY,
      apiUrl: "",
      inputs: {} as Record<string, string>,
    };

    it("stores the base by the action, compares the PR, stores the merge: every view agrees", async () => {
      // A directory is searched for Criterion and Valgrind output; generic JSON is named.
      const storage = {
        storage: "git-branch",
        "storage-repository": bare.path,
        results: "out\nout/sizes.json",
      };
      repo.checkout(base);
      measure(repo.path, { fib10: 1, recursive20: 1, instructions: 1, size: 2048 });
      const pushed = await runAction({
        ...common,
        apiUrl: sim.url,
        token: sim.token,
        workspace: repo.path,
        sha: base,
        event: { name: "push", payload: { repository: { default_branch: "main" } } },
        inputs: storage,
      });
      cleanup(pushed);
      expect(pushed.exitCode).toBe(0);

      repo.checkout("feature");
      measure(repo.path, { fib10: 1.3, recursive20: 0.7, instructions: 1.05, size: 2050 });
      const compared = await runAction({
        ...common,
        apiUrl: sim.url,
        token: sim.token,
        workspace: repo.path,
        sha: "e".repeat(40),
        ref: "refs/pull/3/merge",
        env: { GITHUB_RUN_ID: "1002" },
        event: {
          name: "pull_request",
          payload: {
            pull_request: { number: 3, head: { sha: head }, base: { ref: "main", sha: base } },
            repository: { default_branch: "main" },
          },
        },
        inputs: { ...storage, "base-ref": "main", "fail-on-regression": "false" },
      });
      cleanup(compared);
      expect(compared.exitCode).toBe(0);
      const body = sim.state.repository(REPOSITORY).issueComments.at(-1)?.body ?? "";
      comment = commentVerdicts(body);
      expect([...comment]).toEqual(
        expect.arrayContaining([
          ["fib 10", "regressed"],
          ["fib", "regressed"],
          ["Fibonacci/Recursive/20", "improved"],
          ["binary size", "unchanged"],
        ]),
      );
      expect(comment.size).toBe(5);

      // The same commit lands on main: its run is compared with the base's, as the PR was.
      const merged = await runAction({
        ...common,
        apiUrl: sim.url,
        token: sim.token,
        workspace: repo.path,
        sha: head,
        env: { GITHUB_RUN_ID: "1003" },
        event: { name: "push", payload: { repository: { default_branch: "main" } } },
        inputs: storage,
      });
      cleanup(merged);
      expect(merged.exitCode).toBe(0);

      const site = await runCli(
        [
          "bench",
          "site",
          "--storage",
          "git-branch",
          "--storage-repository",
          bare.path,
          "--out",
          "git-site",
        ],
        { cwd: work.path },
      );
      expect(site.exitCode).toBe(0);
      await expectAgreement(join(work.path, "git-site"), 3, comment);
    });

    it("the same runs uploaded by the CLI to S3 give the same verdicts", async () => {
      await using s3 = await startS3();
      const env = s3.env;
      const storage = [
        "--storage",
        `s3://${s3.bucket}/perf`,
        "--s3-endpoint",
        s3.endpoint,
        "--s3-path-style",
      ];
      repo.checkout(base);
      measure(repo.path, { fib10: 1, recursive20: 1, instructions: 1, size: 2048 });
      const upload = (args: string[]) =>
        runCli(["bench", "upload", "out", "out/sizes.json", ...storage, ...args], {
          cwd: repo.path,
          env,
        });
      expect(
        (await upload(["--commit", base, "--run-id", "1", "--timestamp", "2026-03-01T00:00:00Z"]))
          .exitCode,
      ).toBe(0);
      repo.checkout("feature");
      measure(repo.path, { fib10: 1.3, recursive20: 0.7, instructions: 1.05, size: 2050 });
      const pr = await upload([
        "--commit",
        head,
        "--run-id",
        "2",
        "--pull-request",
        "3",
        "--base-commit",
        base.slice(0, 10),
      ]);
      expect(pr.exitCode).toBe(0);
      expect(
        (await upload(["--commit", head, "--run-id", "3", "--timestamp", "2026-03-02T00:00:00Z"]))
          .exitCode,
      ).toBe(0);
      const site = await runCli(["bench", "site", ...storage, "--out", "s3-site"], {
        cwd: work.path,
        env,
      });
      expect(site.exitCode).toBe(0);
      await expectAgreement(join(work.path, "s3-site"), 3, comment);
    });

    /** The compare view of the PR and the "what changed" panel show the comment's verdicts. */
    async function expectAgreement(directory: string, pull: number, expected: Map<string, string>) {
      await using server = await serveDirectory(directory).then((served) => ({
        ...served,
        [Symbol.asyncDispose]: () => served.close(),
      }));
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      try {
        await page.goto(`${server.url}#compare?pr=${pull}`);
        await page.waitForSelector("#compare-table tbody tr");
        const rows = await page.$$eval("#compare-table tbody tr", (nodes) =>
          nodes.map((node) => [
            (node as HTMLElement).dataset.id,
            (node as HTMLElement).dataset.verdict,
          ]),
        );
        expect(new Map(rows as [string, string][])).toEqual(expected);
        await page.goto(`${server.url}#charts`);
        await page.waitForFunction(
          () => document.getElementById("changes-note")?.textContent !== "",
        );
        const panel = await page.$$eval("#changes-list li", (nodes) =>
          nodes.map((node) => [
            (node as HTMLElement).dataset.id,
            (node as HTMLElement).dataset.verdict,
          ]),
        );
        const changed = [...expected].filter(
          ([, verdict]) => verdict === "regressed" || verdict === "improved",
        );
        expect(new Map(panel as [string, string][])).toEqual(new Map(changed));
      } finally {
        await page.close();
      }
    }
  },
);
