// `status-gate gate doctor` on a repository of 50 workflows, the whole process from spawn to exit
// (goal < 300 ms), beside a bare `node -e 0` and `status-gate --version` on the same machine.
// The repository is shaped like wasmCloud's, where 11 of 21 workflows end in a copy-pasted gate
// job: 25 component workflows (a paths-filter `changes` job, a matrix job, a lint job, a call of
// a local reusable workflow every fifth file, a gate job), 24 release, scheduled and maintenance
// workflows, and the reusable workflow; the rules are the ones `gate init` writes for them. A
// second repository gates all 49 workflows, the worst case. BENCH_RUNS sets the repetitions.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

/** A workflow no gate waits for: a scheduled or manual release and maintenance job. */
function maintenance(index: number): string {
  const lines = [
    `name: maintenance-${index}`,
    "on:",
    "  schedule:",
    `    - cron: "${index % 60} 3 * * *"`,
    "  workflow_dispatch:",
    "    inputs:",
    "      dry-run: { type: boolean, default: true }",
    "permissions: {}",
    "jobs:",
  ];
  for (const job of ["prepare", "build", "publish", "notify"]) {
    lines.push(
      `  ${job}:`,
      "    runs-on: ubuntu-latest",
      "    permissions:",
      "      contents: read",
      "    steps:",
      `      - uses: ${CHECKOUT}`,
      "        with:",
      "          persist-credentials: false",
      ...Array.from({ length: 5 }, (_, step) => [
        `      - name: ${job} step ${step}`,
        "        run: |",
        "          set -euo pipefail",
        `          ./scripts/${job}.sh --step ${step} --dry-run "$DRY_RUN"`,
        "        env:",
        `          DRY_RUN: ${expr("inputs.dry-run")}`,
      ]).flat(),
    );
  }
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

/** A repository of 50 workflows, `gated` of them ending in a gate job, with init's rules. */
function repository(gated: number): string {
  const root = mkdtempSync(join(tmpdir(), "sg-bench-doctor-"));
  const folder = join(root, ".github", "workflows");
  mkdirSync(folder, { recursive: true });
  for (let index = 0; index < WORKFLOWS - 1; index++) {
    const text = index < gated ? workflow(index) : maintenance(index);
    writeFileSync(
      join(folder, `${index < gated ? "component" : "maintenance"}-${index}.yml`),
      text,
    );
  }
  writeFileSync(join(folder, "reusable-image.yml"), REUSABLE);
  execFileSync("git", ["init", "--quiet", "--initial-branch=main"], { cwd: root, stdio: "ignore" });
  const init = spawnSync(process.execPath, [CLI, "gate", "init"], { cwd: root, encoding: "utf8" });
  if (init.status !== 0) throw new Error(`gate init failed: ${init.stderr}`);
  return root;
}

// CPU time (user + system, every thread of the process) is reported beside wall time: on a
// machine others share, it says what the process itself costs.
const probe = join(mkdtempSync(join(tmpdir(), "sg-bench-probe-")), "cpu.mjs");
writeFileSync(
  probe,
  [
    'process.on("exit", () => {',
    "  const used = process.cpuUsage();",
    '  process.stderr.write("\\ncpu " + (used.user + used.system) / 1000 + "\\n");',
    "});",
    "",
  ].join("\n"),
);

interface Sample {
  wall: number;
  cpu: number;
}

function time(root: string, args: string[]): Sample {
  const start = performance.now();
  const result = spawnSync(process.execPath, ["--import", probe, ...args], {
    cwd: root,
    encoding: "utf8",
  });
  const wall = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stdout}${result.stderr}`);
  }
  return { wall, cpu: Number(/cpu ([\d.]+)\s*$/.exec(result.stderr)?.[1]) };
}

const typical = repository(25);
const worst = repository(WORKFLOWS - 1);
try {
  const measures: Record<string, () => Sample> = {
    "node -e 0": () => time(typical, ["-e", "0"]),
    "status-gate --version": () => time(typical, [CLI, "--version"]),
    "gate doctor, 25 of 50 workflows gated": () => time(typical, [CLI, "gate", "doctor"]),
    "gate doctor, 49 of 50 workflows gated": () => time(worst, [CLI, "gate", "doctor"]),
  };
  const samples: Record<string, Sample[]> = {};
  // Interleaved, so that load from other processes falls on every measure alike.
  for (let run = 0; run < RUNS; run++) {
    for (const [name, measure] of Object.entries(measures)) {
      samples[name] = [...(samples[name] ?? []), measure()];
    }
  }
  for (const root of [typical, worst]) {
    const json = spawnSync(process.execPath, [CLI, "gate", "doctor", "--format", "json"], {
      cwd: root,
      encoding: "utf8",
    });
    const report = JSON.parse(json.stdout) as { rules: number; workflows: number };
    console.log(`repository: ${report.workflows} workflows, ${report.rules} rules (gate init)`);
  }
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)] as number;
  for (const [name, values] of Object.entries(samples)) {
    const walls = values.map((sample) => sample.wall);
    const cpus = values.map((sample) => sample.cpu);
    console.log(
      `${name}: wall fastest ${Math.min(...walls).toFixed(0)} ms, median ${median(walls).toFixed(0)} ms; cpu median ${median(cpus).toFixed(0)} ms`,
    );
  }
  const doctor = samples["gate doctor, 25 of 50 workflows gated"] as Sample[];
  console.log(
    `gate doctor whole process (fastest): ${Math.min(...doctor.map((sample) => sample.wall)).toFixed(0)} ms (goal < 300 ms)`,
  );
} finally {
  for (const root of [typical, worst]) {
    if (process.env.BENCH_KEEP) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
  rmSync(dirname(probe), { recursive: true, force: true });
}
