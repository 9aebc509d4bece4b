import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction } from "../harness/runner.ts";
import { temporaryDirectory, writeSizes } from "./helpers.ts";

// A repository with a merge queue must run its required checks on `merge_group` (GitHub's docs,
// "Managing a merge queue"): the queue merges only when they pass. The bench check there is the
// last chance to stop a regression before it lands on main, so it must judge, not wave through.

const storage = temporaryDirectory("sg-bench-queue-store-");
const repo = createRepository();
let stored: string;
let queued: string;
const queueBranch = "gh-readonly-queue/main/pr-7-0123456789abcdef0123456789abcdef01234567";

const sizes = (bytes: number) => writeSizes(repo.path, bytes);

beforeAll(() => {
  stored = repo.commit({ message: "small binary", files: { "src/lib.rs": "small" } });
  // actions/checkout leaves the base branch as origin/main after a full fetch.
  repo.git("update-ref", "refs/remotes/origin/main", stored);
  repo.checkout(queueBranch, { create: true });
  queued = repo.commit({ message: "Bigger binary (#7)", files: { "src/lib.rs": "big" } });
});
afterAll(() => {
  storage[Symbol.dispose]();
  repo[Symbol.dispose]();
});

function mergeGroup() {
  return {
    action: "actions/bench",
    workspace: repo.path,
    sha: queued,
    ref: `refs/heads/${queueBranch}`,
    repository: "wasmcloud/wasmcloud",
    event: {
      name: "merge_group",
      payload: {
        action: "checks_requested",
        merge_group: {
          head_sha: queued,
          head_ref: `refs/heads/${queueBranch}`,
          base_sha: stored,
          base_ref: "refs/heads/main",
        },
        repository: { default_branch: "main" },
      },
    },
    inputs: { results: "out/sizes.json", storage: storage.path },
  };
}

describe("the bench action in a merge queue", () => {
  it("judges the queued commit against main and fails on a regression, storing nothing in main's history", async () => {
    repo.checkout(stored);
    sizes(1_000_000);
    const push = await runAction({
      action: "actions/bench",
      workspace: repo.path,
      sha: stored,
      ref: "refs/heads/main",
      repository: "wasmcloud/wasmcloud",
      event: { name: "push", payload: { repository: { default_branch: "main" } } },
      inputs: { results: "out/sizes.json", storage: storage.path },
    });
    cleanup(push);
    expect(push.exitCode).toBe(0);

    repo.checkout(queueBranch);
    sizes(1_500_000);
    const run = await runAction(mergeGroup());
    cleanup(run);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe("regressed");
    expect(run.outputs["base-commit"]).toBe(stored);
    expect(run.summary).toContain("host binary");
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: "error", title: "bench regression" }),
    );
    // The queue's commit is stored by the push that lands it; a queue run is not main's history.
    expect(readdirSync(join(storage.path, "runs"), { recursive: true })).not.toContainEqual(
      expect.stringContaining(queued),
    );
    expect(run.outputs["run-key"]).toBe("");
  });
});
