import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { PROJECT_ROOT, runCli } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";

const generic = (entries: Record<string, number>) =>
  JSON.stringify(Object.entries(entries).map(([name, value]) => ({ name, value, unit: "bytes" })));

describe("status-gate bench for people", () => {
  it("lists its subcommands when none is given", async () => {
    const run = await runCli(["bench"]);
    expect(run.exitCode).toBe(2);
    for (const sub of ["parse", "compare", "upload", "site"]) {
      expect(run.stderr).toMatch(new RegExp(`^\\s+${sub}\\s+\\S`, "m"));
    }
  });

  it("ends quietly with status 0 when the reader closes the pipe (| head -1)", () => {
    using directory = temporaryDirectory();
    const many = Object.fromEntries(
      Array.from({ length: 50_000 }, (_, index) => [`size-${index}`, index]),
    );
    writeFileSync(join(directory.path, "sizes.json"), generic(many));
    const cli = join(PROJECT_ROOT, "bin", "status-gate.js");
    const result = spawnSync(
      "bash",
      [
        "-c",
        `"${process.execPath}" "${cli}" bench parse sizes.json 2>err.txt | head -1; echo "status \${PIPESTATUS[0]}"`,
      ],
      { cwd: directory.path, encoding: "utf8" },
    );
    expect(result.stdout).toBe("size-0  value  0 bytes\nstatus 0\n");
    expect(readFileSync(join(directory.path, "err.txt"), "utf8")).toBe("");
  });

  it("names flags as flags, with one prefix", async () => {
    const format = await runCli(["bench", "parse", "x.json", "--format", "yaml"]);
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toBe(
      "status-gate bench: --format is 'yaml'; valid values are text, json\n",
    );
    const threshold = await runCli(["bench", "compare", "--head", "h", "--time-threshold", "x"]);
    expect(threshold.stderr).toBe(
      "status-gate bench: --time-threshold is 'x'; use a percentage such as 1% or 0.5%\n",
    );
    const commit = await runCli(["bench", "upload", "x", "--storage", "s"]);
    expect(commit.stderr).toBe("status-gate bench: --commit is required\n");
  });
});

describe("bench upload and compare name runs the way people do", () => {
  it("takes short SHAs, branch names and pull-request runs; upload records base, time and URL", async () => {
    using directory = temporaryDirectory();
    using repo = createRepository();
    const first = repo.commit({ message: "first", files: { "a.txt": "1" } });
    const second = repo.commit({ message: "second", files: { "a.txt": "2" } });
    const store = join(directory.path, "store");
    const results = (name: string, size: number) => {
      const file = join(directory.path, `${name}.json`);
      writeFileSync(file, generic({ binary: size, docs: 100 }));
      return file;
    };
    const upload = (file: string, commit: string, extra: string[] = []) =>
      runCli(["bench", "upload", file, "--storage", store, "--commit", commit, ...extra], {
        cwd: repo.path,
      });
    expect((await upload(results("one", 1000), first)).exitCode).toBe(0);
    const second_ = await upload(results("two", 1500), second, ["--format", "json"]);
    expect(second_.exitCode).toBe(0);
    const report = JSON.parse(second_.stdout);
    expect(report.stored[0]).toMatch(new RegExp(`^runs/\\d{4}-\\d{2}-\\d{2}/${second}/`));
    expect(report.skipped).toEqual([]);
    const pull = await upload(results("pr", 900), "e".repeat(40), [
      "--pull-request",
      "5",
      "--base-commit",
      first.slice(0, 8),
      "--timestamp",
      "2026-02-03T04:05:06Z",
      "--url",
      "https://ghes.example.com/o/r/actions/runs/77",
    ]);
    expect(pull.exitCode).toBe(0);

    const short = await runCli(
      [
        "bench",
        "compare",
        "--storage",
        store,
        "--base",
        first.slice(0, 7),
        "--head",
        second.slice(0, 9),
        "--format",
        "json",
      ],
      { cwd: repo.path },
    );
    expect(short.exitCode).toBe(1);
    expect(JSON.parse(short.stdout).benchmarks).toEqual([
      { id: "binary", verdict: "regressed", metric: "value", relativeChange: 0.5 },
      { id: "docs", verdict: "unchanged", metric: "value", relativeChange: 0 },
    ]);

    const branch = await runCli(
      ["bench", "compare", "--storage", store, "--base", "main~1", "--head", "main"],
      { cwd: repo.path },
    );
    expect(branch.exitCode).toBe(1);
    expect(branch.stdout).toMatch(/regressed\s+binary\s+value\s+1,000 bytes → 1,500 bytes \+50%/);

    const pr = await runCli(["bench", "compare", "--storage", store, "--head", "pr:5"], {
      cwd: repo.path,
    });
    expect(pr.exitCode).toBe(0);
    expect(pr.stdout).toMatch(/improved\s+binary\s+value\s+1,000 bytes → 900 bytes -10%/);

    const index = JSON.parse(readFileSync(join(store, "site/data/index.json"), "utf8"));
    expect(index.pulls).toEqual([
      expect.objectContaining({
        number: 5,
        baseCommit: first,
        timestamp: "2026-02-03T04:05:06.000Z",
      }),
    ]);
    expect(index.pulls[0].baseFile).toMatch(/^runs\//);
    const stored = JSON.parse(
      readFileSync(join(store, report.stored[0].replace(second, second)), "utf8"),
    );
    expect(stored.run).toMatchObject({ commitMessage: "second", commit: second });
    const ambiguous = await runCli(
      ["bench", "compare", "--storage", store, "--base", "nope-branch", "--head", "main"],
      { cwd: repo.path },
    );
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toContain(
      "--base 'nope-branch' is neither a file nor a stored commit",
    );
  });

  it("prints --format json from site", async () => {
    using directory = temporaryDirectory();
    writeFileSync(join(directory.path, "r.json"), generic({ a: 1 }));
    await runCli(["bench", "upload", "r.json", "--storage", "s", "--commit", "a".repeat(40)], {
      cwd: directory.path,
    });
    const site = await runCli(
      ["bench", "site", "--storage", "s", "--out", "out", "--format", "json"],
      { cwd: directory.path },
    );
    expect(site.exitCode).toBe(0);
    expect(JSON.parse(site.stdout)).toMatchObject({ out: "out", skipped: [] });
  });
});
