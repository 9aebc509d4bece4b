import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction } from "../harness/runner.ts";
import { temporaryDirectory, writeSizes } from "./helpers.ts";

// A pull request judged against nothing (a storage prefix with a typo, a store main never
// uploaded to, no storage at all) passes with every benchmark "added": silence that looks like a
// clean comparison unless it is said where the author looks, in an annotation.

const storage = temporaryDirectory("sg-bench-empty-store-");
const repo = createRepository();
let head: string;

beforeAll(() => {
  repo.commit({ message: "base", files: { "src/lib.rs": "one" } });
  repo.checkout("feature", { create: true });
  head = repo.commit({ message: "change", files: { "src/lib.rs": "two" } });
  writeSizes(repo.path, 9_000_000);
});
afterAll(() => {
  storage[Symbol.dispose]();
  repo[Symbol.dispose]();
});

function pullRequest(inputs: Record<string, string>) {
  return {
    action: "actions/bench",
    workspace: repo.path,
    sha: "e".repeat(40),
    ref: "refs/pull/3/merge",
    repository: "wasmcloud/wasmcloud",
    event: {
      name: "pull_request",
      payload: {
        pull_request: { number: 3, head: { sha: head }, base: { ref: "main" } },
        repository: { default_branch: "main" },
      },
    },
    inputs: { results: "out/sizes.json", "base-ref": "main", comment: "false", ...inputs },
  };
}

describe("a pull request with no stored base run", () => {
  it("warns that nothing was compared, naming the store", async () => {
    const run = await runAction(pullRequest({ storage: storage.path }));
    cleanup(run);
    expect(run.exitCode).toBe(0);
    expect(run.outputs["base-commit"]).toBe("");
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        title: "bench: not compared",
        message: expect.stringMatching(
          new RegExp(`no stored run .*${storage.path}.*nothing was compared`),
        ),
      }),
    );
  });

  it("warns that nothing was compared when no storage is set", async () => {
    const run = await runAction(pullRequest({}));
    cleanup(run);
    expect(run.exitCode).toBe(0);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        title: "bench: not compared",
        message: expect.stringMatching(/input 'storage' is not set.*nothing was compared/),
      }),
    );
  });
});
