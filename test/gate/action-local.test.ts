import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { cleanup, runAction } from "../harness/runner.ts";

const RULES = readFileSync(join(import.meta.dirname, "fixtures/wasmcloud-rules.yml"), "utf8");
const WORKFLOW_REF = "wasmcloud/wasmcloud/.github/workflows/wash.yml@refs/pull/7/merge";

/** A `toJSON(needs)` payload as the runner renders it. */
function needs(results: Record<string, string>): string {
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(results).map(([job, result]) => [job, { result, outputs: {} }]),
    ),
    null,
    2,
  );
}

describe("the gate action on a local checkout (plan and needs modes)", () => {
  let repo: TestRepository;
  let base: string;
  let docsHead: string;
  let codeHead: string;
  let rulesHead: string;

  beforeAll(() => {
    repo = createRepository();
    base = repo.commit({
      message: "base",
      files: { ".github/status-gate.yml": RULES, "crates/a/lib.rs": "a\n", "docs/x.md": "x\n" },
    });
    repo.checkout("docs", { create: true });
    docsHead = repo.commit({ message: "docs", files: { "docs/x.md": "y\n" } });
    repo.checkout("main");
    repo.checkout("code", { create: true });
    codeHead = repo.commit({ message: "code", files: { "crates/a/lib.rs": "b\n" } });
    repo.checkout("main");
    repo.checkout("rules", { create: true });
    // The PR loosens the rules: they must still be read from the base.
    rulesHead = repo.commit({
      message: "rules",
      files: { ".github/status-gate.yml": "rules:\n  - job: changes\n" },
    });
  });
  afterAll(() => repo[Symbol.dispose]());

  const pullRequest = (head: string) => ({
    name: "pull_request",
    payload: {
      action: "synchronize",
      pull_request: { number: 7, head: { sha: head }, base: { sha: base, ref: "main" } },
    },
  });

  async function gate(head: string, inputs: Record<string, string>) {
    const run = await runAction({
      action: ".",
      event: pullRequest(head),
      workspace: repo.path,
      sha: "f".repeat(40),
      inputs,
      env: { GITHUB_WORKFLOW_REF: WORKFLOW_REF },
    });
    return run;
  }

  it("plan mode outputs, per rule, whether it applies and why", async () => {
    const run = await gate(docsHead, { mode: "plan" });
    cleanup(run);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.applies ?? "")).toEqual({
      changes: true,
      check: false,
      lint: false,
      "canary-publish": true,
    });
    expect(run.outputs.check).toBe("false");
    expect(JSON.parse(run.outputs.required ?? "")).toEqual(["changes", "canary-publish"]);
    expect(run.summary).toMatch(/none of 1 changed paths match crates\/\\\*\\\*/);
  });

  it("needs mode: a failed changes job is red even when nothing else ran", async () => {
    const run = await gate(docsHead, {
      needs: needs({
        changes: "failure",
        check: "skipped",
        lint: "skipped",
        "canary-publish": "skipped",
      }),
    });
    cleanup(run);
    expect(run.exitCode).toBe(1);
    expect(run.outputs.result).toBe("failure");
    expect(JSON.parse(run.outputs.failed ?? "")).toEqual(["changes"]);
    expect(
      run.annotations.some((a) => a.level === "error" && /changes: failure/.test(a.message)),
    ).toBe(true);
  });

  it("needs mode: skipped jobs are green when their rules do not apply", async () => {
    const run = await gate(docsHead, {
      needs: needs({
        changes: "success",
        check: "skipped",
        lint: "skipped",
        "canary-publish": "skipped",
      }),
    });
    cleanup(run);
    expect(run.outputs.result).toBe("success");
    expect(run.exitCode).toBe(0);
  });

  it("needs mode: a skipped job whose rule applies is red, saying which path made it apply", async () => {
    const run = await gate(codeHead, {
      needs: needs({
        changes: "success",
        check: "skipped",
        lint: "success",
        "canary-publish": "skipped",
      }),
    });
    cleanup(run);
    expect(run.outputs.result).toBe("failure");
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /check was skipped but the rule applies \(crates\/a\/lib\.rs matches crates\/\*\*\)/,
    );
  });

  it("needs mode: a cancelled run leaves a red gate", async () => {
    const run = await gate(codeHead, {
      needs: needs({
        changes: "success",
        check: "cancelled",
        lint: "cancelled",
        "canary-publish": "skipped",
      }),
    });
    cleanup(run);
    expect(run.outputs.result).toBe("failure");
  });

  it("needs mode: a required job missing from needs is a configuration error at the rule's line", async () => {
    const run = await gate(docsHead, { needs: needs({ changes: "success", check: "success" }) });
    cleanup(run);
    expect(run.exitCode).toBe(1);
    const error = run.annotations.find((a) => a.level === "error");
    expect(error?.title).toBe("gate configuration");
    expect(error?.message).toMatch(
      /rule 'lint' requires job 'lint', which is not in this job's needs/,
    );
    expect(error?.file).toBe(".github/status-gate.yml");
    expect(error?.line).toBe(7);
  });

  it("reads the rules from the base branch: a PR that loosens them still needs every job", async () => {
    const run = await gate(rulesHead, {
      needs: needs({
        changes: "success",
        check: "skipped",
        lint: "skipped",
        "canary-publish": "skipped",
      }),
    });
    cleanup(run);
    expect(run.outputs.result).toBe("failure");
    expect(JSON.parse(run.outputs.required ?? "")).toEqual([
      "changes",
      "check",
      "lint",
      "canary-publish",
    ]);
    expect(run.summary).toContain(
      "the rules file \\.github/status\\-gate\\.yml changed, so every rule applies",
    );
  });
});

describe("needs mode when the base has no rules file", () => {
  it("requires every need to succeed, whatever rules the change adds", async () => {
    using repo = createRepository();
    const base = repo.commit({ message: "base", files: { "README.md": "x\n" } });
    repo.checkout("feature", { create: true });
    // The change adds rules that would let `check` be skipped.
    const head = repo.commit({
      message: "add rules",
      files: { ".github/status-gate.yml": 'rules:\n  - job: check\n    paths: ["never/**"]\n' },
    });
    const gate = async (results: Record<string, string>) => {
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
        inputs: { needs: needs(results) },
        env: { GITHUB_WORKFLOW_REF: WORKFLOW_REF },
      });
      cleanup(run);
      return run;
    };
    const skipped = await gate({ changes: "success", check: "skipped" });
    expect(skipped.outputs.result).toBe("failure");
    expect(skipped.summary).toMatch(/has no rules file .*so every need must pass/);
    const green = await gate({ changes: "success", check: "success" });
    expect(green.outputs.result).toBe("success");
  });
});
