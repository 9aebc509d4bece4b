import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

/** The files of the branch's tip in a bare repository. */
function filesOn(bare: string, branch: string): string[] {
  return git(bare, "ls-tree", "-r", "--name-only", branch).split("\n").filter(Boolean);
}

describe("storage: git-branch against a real bare repository", () => {
  it("keeps all 20 runs pushed at once (fetch, rebuild, push again when the branch moved)", async () => {
    using directory = temporaryDirectory();
    const bare = join(directory.path, "origin.git");
    git(directory.path, "init", "--quiet", "--bare", bare);
    const uploads = Array.from({ length: 20 }, async (_, index) => {
      const file = join(directory.path, `leg-${index}.json`);
      writeFileSync(
        file,
        JSON.stringify([{ name: `shard ${index}`, value: 100 + index, unit: "bytes" }]),
      );
      return runCli(
        [
          "bench",
          "upload",
          file,
          "--storage",
          "git-branch",
          "--storage-repository",
          bare,
          "--commit",
          "a".repeat(40),
          "--run-id",
          "77",
          "--job",
          "bench",
          "--matrix-leg",
          String(index),
        ],
        { cwd: directory.path, timeoutMs: 240_000 },
      );
    });
    const runs = await Promise.all(uploads);
    for (const run of runs) expect(run.stderr).toBe("");
    expect(runs.map((run) => run.exitCode)).toEqual(Array(20).fill(0));
    const files = filesOn(bare, "gh-pages");
    const stored = files.filter((file) => file.startsWith("runs/"));
    expect(stored).toHaveLength(20);
    expect(stored).toContain(
      `runs/${stored[0]?.split("/")[1]}/${"a".repeat(40)}/77-1-bench-7.json`,
    );
    const index = JSON.parse(git(bare, "show", "gh-pages:site/data/index.json"));
    expect(index.runs).toHaveLength(20);
    expect(index.benchmarks).toHaveLength(20);
    expect(files).toContain("site/index.html");
    // One commit per upload, none lost or squashed.
    expect(Number(git(bare, "rev-list", "--count", "gh-pages"))).toBe(20);
  }, 300_000);

  it("rebuilds the site deterministically: a second build from the branch gives the same bytes", async () => {
    using directory = temporaryDirectory();
    const bare = join(directory.path, "origin.git");
    git(directory.path, "init", "--quiet", "--bare", bare);
    writeFileSync(
      join(directory.path, "r.json"),
      JSON.stringify([{ name: "a", value: 1, unit: "ms" }]),
    );
    const storage = [
      "--storage",
      "git-branch",
      "--storage-repository",
      bare,
      "--storage-branch",
      "perf",
    ];
    expect(
      (
        await runCli(["bench", "upload", "r.json", ...storage, "--commit", "b".repeat(40)], {
          cwd: directory.path,
        })
      ).exitCode,
    ).toBe(0);
    const built = git(bare, "show", "perf:site/data/index.json");
    for (const out of ["one", "two"]) {
      const site = await runCli(["bench", "site", ...storage, "--out", out], {
        cwd: directory.path,
      });
      expect(site.exitCode).toBe(0);
    }
    const read = (out: string) =>
      execFileSync("cat", [join(directory.path, out, "data/index.json")], { encoding: "utf8" });
    expect(read("one")).toBe(read("two"));
    expect(read("one")).toBe(built);
    // Building the site is read-only: the branch did not move.
    expect(Number(git(bare, "rev-list", "--count", "perf"))).toBe(1);
  });
});
