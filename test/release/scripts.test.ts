import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { figuresOf } from "../../scripts/bench-results.mjs";
import { pinExamples } from "../../scripts/pin-examples.mjs";
import { TestRepository } from "../harness/git.ts";
import { PROJECT_ROOT, runCli } from "../harness/runner.ts";

const SHA = "a".repeat(40);
const OLD = "b".repeat(40);

describe("scripts/pin-examples.mjs", () => {
  it("points unreleased and older pins at the release, and nothing else", () => {
    const text = [
      "- uses: wasmcloud/status-gate/actions/harden@<commit of v1.0.0> # v1.0.0",
      `- uses: wasmcloud/status-gate@${OLD} # v1.0.0`,
      "- uses: wasmcloud/status-gate/actions/zizmor@v1",
      `- uses: actions/checkout@${OLD} # v7.0.1`,
    ].join("\n");
    const { text: pinned, count } = pinExamples(text, SHA, "v1.2.0");
    expect(count).toBe(2);
    expect(pinned.split("\n")).toEqual([
      `- uses: wasmcloud/status-gate/actions/harden@${SHA} # v1.2.0`,
      `- uses: wasmcloud/status-gate@${SHA} # v1.2.0`,
      "- uses: wasmcloud/status-gate/actions/zizmor@v1",
      `- uses: actions/checkout@${OLD} # v7.0.1`,
    ]);
  });

  it("pins this repository's documentation to a tag's commit, then --check agrees", () => {
    using repo = new TestRepository();
    for (const path of ["README.md", "docs", "actions", "scripts"]) {
      cpSync(join(PROJECT_ROOT, path), join(repo.path, path), { recursive: true });
    }
    const release = repo.commit({ message: "release: v1.0.0", files: { "x.txt": "x\n" } });
    repo.git("tag", "-a", "v1.0.0", "-m", "Release v1.0.0");
    const script = join(repo.path, "scripts/pin-examples.mjs");
    const check = () =>
      spawnSync(process.execPath, [script, "v1.0.0", "--check"], { encoding: "utf8" });
    expect(check().status).toBe(1);
    const pinned = spawnSync(process.execPath, [script, "v1.0.0"], { encoding: "utf8" });
    expect(pinned.status, pinned.stderr).toBe(0);
    expect(pinned.stdout).toMatch(new RegExp(`examples now pin v1\\.0\\.0 \\(${release}\\)`));
    const harden = readFileSync(join(repo.path, "actions/harden/README.md"), "utf8");
    expect(harden).toContain(`wasmcloud/status-gate/actions/harden@${release} # v1.0.0`);
    expect(check().status).toBe(0);
    const missing = spawnSync(process.execPath, [script, "v9.9.9"], { encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("pin-examples: there is no tag v9.9.9 in this repository\n");
  });
});

describe("scripts/bench-results.mjs", () => {
  it("turns `label: value unit` lines into generic JSON, skipping parameters", () => {
    const log = [
      "## foundation.ts",
      "node -e 0 (median of 20): 35.2 ms",
      "shared chunks: 45 files, 3000.1 KiB",
      "## permissions.ts",
      "files: 2000 files",
      "check: 5123 files/s",
      "check / parse-only: 1.42 x",
      "## bench-action.ts",
      "dashboard bytes loaded at first view: 412 KiB (12 charts drawn)",
      "not a figure",
    ].join("\n");
    expect(figuresOf(log)).toEqual([
      {
        name: "foundation: node -e 0 (median of 20)",
        value: 35.2,
        unit: "ms",
        direction: "smaller",
      },
      { name: "permissions: check", value: 5123, unit: "files/s", direction: "bigger" },
      { name: "permissions: check / parse-only", value: 1.42, unit: "x", direction: "smaller" },
      {
        name: "bench-action: dashboard bytes loaded at first view",
        value: 412,
        unit: "KiB",
        direction: "smaller",
      },
    ]);
  });

  it("writes generic JSON that the bench action reads, each figure with its unit and direction", async () => {
    using repo = new TestRepository();
    const log = "## gate.ts\nplan wall median: 12.5 ms\n## permissions.ts\ncheck: 5123 files/s\n";
    const file = join(repo.path, "bench-results.json");
    writeFileSync(file, JSON.stringify({ benchmarks: figuresOf(log) }));
    const run = await runCli(["bench", "parse", file, "--format", "json"]);
    expect(run.stderr).toBe("");
    const { results } = JSON.parse(run.stdout) as { results: Record<string, unknown>[] };
    expect(results.map((result) => [result.id, result.unit])).toEqual([
      ["gate: plan wall median", "ns"],
      ["permissions: check", "files/s"],
    ]);
  });

  it("fails when the benchmarks print no figure", () => {
    using repo = new TestRepository();
    mkdirSync(join(repo.path, "bench"));
    mkdirSync(join(repo.path, "scripts"));
    cpSync(
      join(PROJECT_ROOT, "scripts/bench-results.mjs"),
      join(repo.path, "scripts/bench-results.mjs"),
    );
    // A bench runner that prints nothing measurable.
    writeFileSync(join(repo.path, "bench/run.mjs"), 'console.log("## quiet.ts");\n');
    const out = join(repo.path, "out.json");
    const run = spawnSync(process.execPath, [join(repo.path, "scripts/bench-results.mjs"), out], {
      encoding: "utf8",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("the benchmarks printed no figure");
  });
});
