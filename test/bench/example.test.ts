import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../harness/runner.ts";

interface Job {
  permissions?: Record<string, string>;
  steps: { uses?: string; run?: string }[];
}

const workflow = (name: string) =>
  parse(readFileSync(join(PROJECT_ROOT, "examples/workflows", name), "utf8")) as {
    jobs: Record<string, Job>;
    concurrency?: { group: string; "cancel-in-progress": boolean | string };
  };

describe("the bench example workflows", () => {
  it("measure the pull request's code without a token, and upload from a job that runs none of it", () => {
    const { jobs } = workflow("bench.yml");
    const measure = jobs.measure as Job;
    const report = jobs.report as Job;
    expect(measure.permissions).toEqual({ contents: "read" });
    expect(measure.steps.some((step) => step.uses?.startsWith("aws-actions/"))).toBe(false);
    expect(measure.steps.some((step) => step.uses?.includes("/actions/bench@"))).toBe(false);
    expect(report.permissions?.["id-token"]).toBe("write");
    // The trusted job runs no command at all: only pinned actions on the measured files.
    expect(report.steps.filter((step) => step.run !== undefined)).toEqual([]);
    expect(report.steps.map((step) => step.uses?.split("@")[0])).toEqual([
      "actions/checkout",
      "actions/download-artifact",
      "aws-actions/configure-aws-credentials",
      "wasmcloud/status-gate/actions/bench",
    ]);
  });

  it.each(["bench.yml", "bench-pages.yml"])(
    "%s never cancels a push's run: a cancelled commit is a run lost from the history",
    (name) => {
      const cancel = workflow(name).concurrency?.["cancel-in-progress"];
      const onlyPullRequests = ["$", "{{ github.event_name == 'pull_request' }}"].join("");
      expect([false, undefined, onlyPullRequests]).toContain(cancel);
    },
  );

  it("store a matrix on the gh-pages branch, one leg per run", () => {
    const store = workflow("bench-pages.yml").jobs.store as Job;
    const bench = store.steps.find((step) => step.uses?.includes("/actions/bench@")) as {
      with: Record<string, string>;
    };
    expect(bench.with).toMatchObject({ storage: "git-branch", "storage-branch": "gh-pages" });
    expect(bench.with["matrix-leg"]).toBe(["$", "{{ matrix.target }}"].join(""));
    expect(store.permissions).toEqual({ contents: "write" });
  });
});
