import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction, runCli } from "../harness/runner.ts";
import { temporaryDirectory, writeSizes } from "./helpers.ts";

// Generic JSON says per entry (or per file, or by input) which way is better. A head that says
// the opposite of its base, by mistake or by a pull request's edit, must not turn a binary that
// grew by half into an improvement.

describe("a benchmark whose better direction changed between base and head", () => {
  it("is shown with the reason and never judged", async () => {
    using work = temporaryDirectory();
    writeFileSync(
      join(work.path, "base.json"),
      JSON.stringify([{ name: "host binary", value: 1_000_000, unit: "bytes" }]),
    );
    writeFileSync(
      join(work.path, "head.json"),
      JSON.stringify([
        { name: "host binary", value: 1_500_000, unit: "bytes", direction: "bigger" },
      ]),
    );
    const run = await runCli(
      ["bench", "compare", "--base", "base.json", "--head", "head.json", "--format", "json"],
      { cwd: work.path },
    );
    const { comparisons } = JSON.parse(run.stdout);
    expect(comparisons).toEqual([
      expect.objectContaining({
        id: "host binary",
        verdict: "noisy",
        reason: "better direction changed from smaller to bigger, not compared",
      }),
    ]);
    const text = await runCli(["bench", "compare", "--base", "base.json", "--head", "head.json"], {
      cwd: work.path,
    });
    expect(text.stdout).toMatch(/noisy .*host binary.*better direction changed/);
  });
});

describe("the action on a pull request that flips a benchmark's direction", () => {
  it("warns that the benchmark was not compared", async () => {
    using storage = temporaryDirectory();
    using repo = createRepository();
    const base = repo.commit({ message: "base", files: { "src/lib.rs": "one" } });
    repo.checkout("feature", { create: true });
    const head = repo.commit({ message: "change", files: { "src/lib.rs": "two" } });
    const sizes = (entry: Record<string, unknown>) => writeSizes(repo.path, entry);
    const common = {
      action: "actions/bench",
      workspace: repo.path,
      repository: "wasmcloud/wasmcloud",
    };
    repo.checkout(base);
    sizes({ name: "host binary", value: 1_000_000, unit: "bytes" });
    const push = await runAction({
      ...common,
      sha: base,
      ref: "refs/heads/main",
      event: { name: "push", payload: { repository: { default_branch: "main" } } },
      inputs: { results: "out/sizes.json", storage: storage.path },
    });
    cleanup(push);
    expect(push.exitCode).toBe(0);
    repo.checkout("feature");
    sizes({ name: "host binary", value: 1_500_000, unit: "bytes", direction: "bigger" });
    const run = await runAction({
      ...common,
      sha: "e".repeat(40),
      ref: "refs/pull/4/merge",
      event: {
        name: "pull_request",
        payload: {
          pull_request: { number: 4, head: { sha: head }, base: { ref: "main" } },
          repository: { default_branch: "main" },
        },
      },
      inputs: {
        results: "out/sizes.json",
        storage: storage.path,
        "base-ref": "main",
        comment: "false",
      },
    });
    cleanup(run);
    expect(run.outputs["base-commit"]).toBe(base);
    expect(run.summary).toContain("better direction changed from smaller to bigger");
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        title: "bench: not compared",
        message: expect.stringContaining(
          "1 benchmark(s) judged the other way round, not compared: host binary",
        ),
      }),
    );
  });
});
