// `status-gate gate doctor` on a repository of 50 workflows, the whole process from spawn to exit
// (goal < 300 ms), beside a bare `node -e 0` and `status-gate --version` on the same machine.
// Each workflow is shaped like wasmCloud's: a paths-filter `changes` job, a matrix job, a lint
// job, a call of a local reusable workflow every fifth file, and a copy-pasted gate job; the
// rules are the ones `gate init` writes for them. BENCH_RUNS sets the repetitions.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const WORKFLOWS = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CLI = join(import.meta.dirname, "..", "bin", "status-gate.js");
const CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1";
const FILTER = "dorny/paths-filter@ceb8a2b8f2d89434be7ff52d3de7ec3738c5cc9d # v4.0.3";
const expr = (text: string) => ["$", `{{ ${text} }}`].join("");

function workflow(index: number): string {
  const relevant = `needs.changes.result == 'skipped' || needs.changes.outputs.relevant == 'true'`;
  const steps = (count: number) =>
    Array.from({ length: count }, (_, step) => [
      `      - name: Step ${step} of component ${index}`,
      step === 0
        ? `        uses: ${CHECKOUT}`
        : `        run: make step-${step} COMPONENT=c${index}`,
      ...(step === 0 ? ["        with:", "          persist-credentials: false"] : []),
    ]).flat();
  const lines = [
    `name: component-${index}`,
    "on:",
    "  pull_request:",
    "    branches: [main]",
    "  push:",
    "    branches: [main]",
    "permissions: {}",
    "jobs:",
    "  changes:",
    "    if: github.event_name == 'pull_request'",
    "    runs-on: ubuntu-latest",
    "    permissions:",
    "      contents: read",
    "      pull-requests: read",
    "    outputs:",
    `      relevant: ${expr("steps.filter.outputs.relevant")}`,
    "    steps:",
    `      - uses: ${CHECKOUT}`,
    "        with:",
    "          persist-credentials: false",
    `      - uses: ${FILTER}`,
    "        id: filter",
    "        with:",
    "          filters: |",
    "            relevant:",
    `              - 'components/c${index}/**'`,
    "              - 'Cargo.lock'",
    `              - '.github/workflows/component-${index}.yml'`,
    "  check:",
    "    needs: [changes]",
    `    if: always() && (${relevant})`,
    `    runs-on: ${expr("matrix.os")}`,
    "    timeout-minutes: 30",
    "    permissions:",
    "      contents: read",
    "    strategy:",
    "      fail-fast: false",
    "      matrix:",
    "        os: [ubuntu-latest, macos-latest, windows-latest]",
    "        toolchain: [stable, beta]",
    "    steps:",
    ...steps(8),
    "  lint:",
    "    needs: [changes]",
    `    if: always() && (${relevant})`,
    "    runs-on: ubuntu-latest",
    "    permissions:",
    "      contents: read",
    "    steps:",
    ...steps(6),
  ];
  const needs = ["check", "lint"];
  if (index % 5 === 0) {
    needs.push("images");
    lines.push(
      "  images:",
      "    needs: [check]",
      "    permissions:",
      "      contents: read",
      "      packages: write",
      "    uses: ./.github/workflows/reusable-image.yml",
      "    with:",
      `      component: c${index}`,
    );
  }
  lines.push(
    "  gate:",
    `    needs: [${needs.join(", ")}]`,
    `    if: ${expr("!cancelled()")}`,
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - name: Require all jobs to pass or be skipped",
    "        env:",
    `          RESULTS: ${expr("toJSON(needs.*.result)")}`,
    "        run: |",
    `          if echo "$RESULTS" | grep -qE '"(failure|cancelled)"'; then exit 1; fi`,
  );
  return `${lines.join("\n")}\n`;
}

const REUSABLE = `name: reusable-image
on:
  workflow_call:
    inputs:
      component: { type: string, required: true }
permissions: {}
jobs:
  build:
    name: build ${expr("inputs.component")} (${expr("matrix.arch")})
    strategy:
      matrix:
        arch: [amd64, arm64]
    runs-on: ubuntu-latest
    steps:
      - run: make image
  merge:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - run: make manifest
`;

const root = mkdtempSync(join(tmpdir(), "sg-bench-doctor-"));
try {
  const folder = join(root, ".github", "workflows");
  mkdirSync(folder, { recursive: true });
  for (let index = 0; index < WORKFLOWS - 1; index++) {
    writeFileSync(join(folder, `component-${index}.yml`), workflow(index));
  }
  writeFileSync(join(folder, "reusable-image.yml"), REUSABLE);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "ignore" });
  git("init", "--quiet", "--initial-branch=main");
  const init = spawnSync(process.execPath, [CLI, "gate", "init"], { cwd: root, encoding: "utf8" });
  if (init.status !== 0) throw new Error(`gate init failed: ${init.stderr}`);

  const time = (args: string[], expected: number) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    const elapsed = performance.now() - start;
    if (result.status !== expected) {
      throw new Error(
        `${args.join(" ")} exited ${result.status}: ${result.stdout}${result.stderr}`,
      );
    }
    return elapsed;
  };
  const measures: Record<string, () => number> = {
    "node -e 0": () => time(["-e", "0"], 0),
    "status-gate --version": () => time([CLI, "--version"], 0),
    "status-gate gate doctor": () => time([CLI, "gate", "doctor"], 0),
  };
  const samples: Record<string, number[]> = {};
  // Interleaved, so that load from other processes falls on every measure alike.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, measure] of Object.entries(measures)) {
      samples[name] = [...(samples[name] ?? []), measure()];
    }
  }
  const rules = spawnSync(process.execPath, [CLI, "gate", "doctor", "--format", "json"], {
    cwd: root,
    encoding: "utf8",
  });
  const report = JSON.parse(rules.stdout) as { rules: number; workflows: number };
  console.log(
    `repository: ${report.workflows} workflows, ${report.rules} rules (written by gate init)`,
  );
  for (const [name, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(
      `${name}: fastest ${(sorted[0] as number).toFixed(0)} ms, median ${median.toFixed(0)} ms`,
    );
  }
  const doctor = Math.min(...(samples["status-gate gate doctor"] as number[]));
  console.log(`gate doctor whole process (fastest): ${doctor.toFixed(0)} ms (goal < 300 ms)`);
} finally {
  if (!process.env.BENCH_KEEP) rmSync(root, { recursive: true, force: true });
  else console.log(root);
}
