import { describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction } from "../harness/runner.ts";

// GITHUB_WORKFLOW_REF names the workflow's file and its ref, joined by an `@` that a file's name
// may hold too. The gate's rules pinned to a workflow must still find it (the built gate action).
describe("a workflow whose file name holds an @", () => {
  it("keeps its pinned rules: a rightly skipped job stays green", async () => {
    using repo = createRepository();
    const rules =
      "rules:\n  - job: check\n    workflow: .github/workflows/ci@v2.yml\n    paths: ['src/**']\n";
    const base = repo.commit({
      message: "base",
      files: { ".github/status-gate.yml": rules, "docs/a.md": "a\n" },
    });
    repo.checkout("docs", { create: true });
    const head = repo.commit({ message: "docs", files: { "docs/a.md": "b\n" } });
    const run = await runAction({
      action: ".",
      event: {
        name: "pull_request",
        payload: {
          pull_request: { number: 7, head: { sha: head }, base: { sha: base, ref: "main" } },
        },
      },
      workspace: repo.path,
      sha: "f".repeat(40),
      inputs: { needs: JSON.stringify({ check: { result: "skipped", outputs: {} } }) },
      env: { GITHUB_WORKFLOW_REF: "o/r/.github/workflows/ci@v2.yml@refs/pull/7/merge" },
    });
    cleanup(run);
    expect(run.outputs.result, run.stdout).toBe("success");
    expect(run.exitCode).toBe(0);
  });
});
