import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction } from "../harness/runner.ts";
import { temporaryDirectory, writeSizes } from "./helpers.ts";

// On issue_comment ("/bench" on a pull request) and workflow_run (the report half of a fork-safe
// split), GitHub sets GITHUB_REF to the default branch and GITHUB_SHA to its newest commit
// (GitHub's docs, "Events that trigger workflows"), whatever the job checked out and measured:
// usually a pull request's head. Stored as main's run of that commit, a pull request's numbers
// would enter main's history and an alert would blame main's commit for them.

const storage = temporaryDirectory("sg-bench-events-");
const repo = createRepository();
let tip: string;

beforeAll(() => {
  tip = repo.commit({ message: "main's tip", files: { "src/lib.rs": "one" } });
  writeSizes(repo.path, 5);
});
afterAll(() => {
  storage[Symbol.dispose]();
  repo[Symbol.dispose]();
});

let runs = 0;
function on(event: string, inputs: Record<string, string> = {}) {
  runs++;
  return runAction({
    env: { GITHUB_RUN_ID: String(2000 + runs) },
    action: "actions/bench",
    workspace: repo.path,
    sha: tip,
    ref: "refs/heads/main",
    repository: "wasmcloud/wasmcloud",
    event: { name: event, payload: { repository: { default_branch: "main" } } },
    inputs: { results: "out/sizes.json", storage: storage.path, ...inputs },
  });
}

describe("auto mode on events whose commit is not what was measured", () => {
  for (const event of ["issue_comment", "workflow_run"]) {
    it(`refuses to store a ${event} run as main's history, naming the input to set`, async () => {
      const run = await on(event);
      cleanup(run);
      expect(run.exitCode).not.toBe(0);
      expect(run.annotations).toContainEqual(
        expect.objectContaining({
          level: "error",
          message: expect.stringMatching(new RegExp(`${event}.*input 'mode'`)),
        }),
      );
      expect(existsSync(join(storage.path, "runs"))).toBe(false);
    });
  }

  it("still stores pushes, schedules and manual runs of main", async () => {
    for (const event of ["schedule", "workflow_dispatch"]) {
      const run = await on(event);
      cleanup(run);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.outputs["run-key"]).toMatch(/^runs\//);
    }
  });

  it("does as told when the mode is set", async () => {
    const run = await on("workflow_run", { mode: "upload" });
    cleanup(run);
    expect(run.exitCode, run.stderr).toBe(0);
  });
});
