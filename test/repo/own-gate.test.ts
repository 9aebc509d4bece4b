import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { cleanup, PROJECT_ROOT, runAction } from "../harness/runner.ts";

// This repository's one required check is the `gate` job of ci.yml, judging its needs with
// .github/status-gate.yml. These tests hold the two files together and run the built gate on them.
const RULES = readFileSync(join(PROJECT_ROOT, ".github/status-gate.yml"), "utf8");
const CI = parse(readFileSync(join(PROJECT_ROOT, ".github/workflows/ci.yml"), "utf8")) as {
  jobs: Record<
    string,
    { needs?: string[]; if?: string; steps?: { uses?: string; with?: Record<string, string> }[] }
  >;
};

describe("this repository's own gate", () => {
  it("needs every job the rules name, runs always, and is the repository's own action in needs mode", () => {
    const gate = CI.jobs.gate;
    const ruleJobs = (parse(RULES) as { rules: { job: string }[] }).rules.map((rule) => rule.job);
    const otherJobs = Object.keys(CI.jobs).filter((job) => job !== "gate");
    expect(gate?.if).toBe("always()");
    expect([...(gate?.needs ?? [])].sort()).toEqual([...otherJobs].sort());
    expect([...ruleJobs].sort()).toEqual([...otherJobs].sort());
    const step = gate?.steps?.find((candidate) => candidate.uses === "./");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    expect(step?.with).toEqual({ mode: "needs", needs: "${{ toJSON(needs) }}" });
  });

  describe("run on a pull request", () => {
    let repo: TestRepository;
    let base: string;
    let head: string;
    beforeAll(() => {
      repo = createRepository();
      base = repo.commit({ message: "base", files: { ".github/status-gate.yml": RULES } });
      head = repo.commit({ message: "feat: change", files: { "src/x.ts": "export {};\n" } });
    });
    afterAll(() => repo[Symbol.dispose]());

    async function gate(results: Record<string, string>) {
      const needs = Object.fromEntries(
        Object.entries(results).map(([job, result]) => [job, { result, outputs: {} }]),
      );
      const run = await runAction({
        action: ".",
        workspace: repo.path,
        event: {
          name: "pull_request",
          payload: {
            pull_request: { number: 1, head: { sha: head }, base: { sha: base, ref: "main" } },
          },
        },
        inputs: { mode: "needs", needs: JSON.stringify(needs) },
        env: {
          GITHUB_WORKFLOW_REF: "wasmcloud/status-gate/.github/workflows/ci.yml@refs/pull/1/merge",
        },
      });
      cleanup(run);
      return run;
    }

    it("is green when every job succeeded", async () => {
      const run = await gate({
        test: "success",
        lint: "success",
        "check-dist": "success",
        harden: "success",
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.result).toBe("success");
    });

    it("is red when one job failed or was cancelled", async () => {
      const failed = await gate({
        test: "success",
        lint: "failure",
        "check-dist": "cancelled",
        harden: "failure",
      });
      expect(failed.exitCode).toBe(1);
      expect(JSON.parse(failed.outputs.failed ?? "[]")).toEqual(["lint", "check-dist", "harden"]);
    });
  });
});
