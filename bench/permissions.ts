// Checks 2,000 generated workflows of about 100 lines each, a tenth of them reusable workflows the
// others call (so the cross-file reads are in), through `run` as the action does, and compares
// with parsing the same files with `yaml` alone (the floor). Goal: the whole check within 2x of
// parse-only. Then single files of 1 to 16 MiB, to show that time grows linearly with size.
import { performance } from "node:perf_hooks";
import { LineCounter, parseDocument } from "yaml";
import { checkFile } from "../src/permissions/check.ts";
import { fixWorkflowText } from "../src/permissions/fix.ts";
import { defaultPolicy } from "../src/permissions/policy.ts";
import { run, type WorkflowFiles } from "../src/permissions/run.ts";

const FILES = 2000;
const ROUNDS = 5;

const ACTIONS = [
  "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
  "actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e # v7.0.0",
  "actions/upload-artifact@043fb46d1a93c77aae656e7c1c64a875d1fc6a0a # v7.0.1",
  "docker/login-action@dbcb813823bdd20940b903addbd779551569679f # v4.6.0",
  "someone/unknown-action@v1",
];

/** A job of about 22 lines: some with a block, some without, four steps. */
function jobLines(index: number, job: number): string[] {
  const lines = [
    `  job-${job}:`,
    `    name: Job ${job} of ${index}`,
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 20",
  ];
  if ((index + job) % 2 === 0)
    lines.push("    permissions:", "      contents: read", "      pull-requests: read");
  lines.push("    env:", `      JOB: "${job}"`, "    steps:");
  for (let step = 0; step < 4; step++) {
    const action = ACTIONS[(index + job + step) % ACTIONS.length] as string;
    lines.push(
      `      - name: Step ${step}`,
      `        uses: ${action}`,
      "        with:",
      "          persist-credentials: false",
    );
  }
  return lines;
}

/**
 * A workflow of about 100 lines: comments, triggers, several jobs, some with blocks, some without.
 * Every tenth is a reusable workflow; the others' last job calls the nearest one.
 */
function workflow(index: number): string {
  const callable = index % 10 === 0;
  const lines = [`# Generated workflow ${index}.`, `name: generated-${index}`, "on:"];
  lines.push(
    ...(callable ? ["  workflow_call:"] : ["  push:", "    branches: [main]", "  pull_request:"]),
  );
  lines.push("");
  if (index % 3 !== 0) lines.push("permissions: {}", "");
  lines.push("jobs:");
  for (let job = 0; job < 4; job++) lines.push(...jobLines(index, job));
  if (!callable) {
    lines.push(
      "  call:",
      ...(index % 2 === 0 ? ["    permissions:", "      contents: read"] : []),
      `    uses: ./.github/workflows/w${index - (index % 10)}.yml`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The files in memory, as `run` reads and writes them. */
function memoryFiles(texts: Map<string, string>): WorkflowFiles {
  return {
    async list(path) {
      return [...texts.keys()].filter((name) => name.startsWith(`${path}/`)).sort();
    },
    async isSymlink() {
      return false;
    },
    async read(path) {
      return texts.get(path);
    },
    async write(path, text) {
      texts.set(path, text);
    },
  };
}

/** Fastest of `rounds` runs of each measure, interleaved so that load from others hits all alike. */
async function fastestAsync(
  measures: Record<string, () => number | Promise<number>>,
  rounds = ROUNDS,
): Promise<Record<string, number>> {
  const times: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [name, body] of Object.entries(measures)) {
      const start = performance.now();
      if ((await body()) < 0) throw new Error(`${name} counted below zero`);
      times[name] = Math.min(times[name] ?? Number.POSITIVE_INFINITY, performance.now() - start);
    }
  }
  return times;
}

const inputs = (fix: boolean) => ({
  paths: [".github/workflows"],
  policyPath: ".github/permissions-policy.yml",
  fix,
  failOn: "error" as const,
});

const files = Array.from({ length: FILES }, (_, index) => workflow(index));
const named = new Map(files.map((text, index) => [`.github/workflows/w${index}.yml`, text]));
const lines = files.reduce((total, text) => total + text.split("\n").length - 1, 0);

const times = await fastestAsync({
  parseOnly: () => {
    let errors = 0;
    for (const text of files)
      errors += parseDocument(text, { lineCounter: new LineCounter() }).errors.length;
    return errors;
  },
  check: async () =>
    (await run(inputs(false), { files: memoryFiles(new Map(named)) })).findings.length,
  fix: async () => (await run(inputs(true), { files: memoryFiles(new Map(named)) })).fixes.length,
});
const parseOnly = times.parseOnly as number;
const check = times.check as number;
const fix = times.fix as number;

console.log(`files: ${FILES} files (${FILES / 10} reusable workflows, called by the others)`);
console.log(`average length: ${(lines / FILES).toFixed(0)} lines`);
console.log(`parse-only (yaml): ${((FILES / parseOnly) * 1000).toFixed(0)} files/s`);
console.log(`check (run, cross-file): ${((FILES / check) * 1000).toFixed(0)} files/s`);
console.log(`fix (run --fix, then check): ${((FILES / fix) * 1000).toFixed(0)} files/s`);
console.log(`check / parse-only: ${(check / parseOnly).toFixed(2)} x`);

// One file of many jobs, 1 to 16 MiB: time per MiB stays flat when the work is linear.
console.log("\nsize (MiB) | parse-only ms | check ms | fix ms | check ms/MiB | fix ms/MiB");
// BENCH_SIZES=1,2 measures fewer sizes (for a quick look).
const sizes = (process.env.BENCH_SIZES ?? "1,2,4,8,16").split(",").filter(Boolean).map(Number);
for (const mebibytes of sizes) {
  const parts = ["name: big", "on: push", "jobs:"];
  let size = 30;
  for (let job = 0; size < mebibytes * 1024 * 1024; job++) {
    const text = jobLines(job, job).join("\n");
    parts.push(text);
    size += text.length + 1;
  }
  const text = `${parts.join("\n")}\n`;
  const big = await fastestAsync(
    {
      parseOnly: () => parseDocument(text, { lineCounter: new LineCounter() }).errors.length,
      check: () => checkFile(".github/workflows/big.yml", text, defaultPolicy).length,
      fix: () => fixWorkflowText(".github/workflows/big.yml", text, defaultPolicy).changes.length,
    },
    2,
  );
  const megabytes = text.length / (1024 * 1024);
  console.log(
    `${megabytes.toFixed(1)} | ${(big.parseOnly as number).toFixed(0)} | ${(big.check as number).toFixed(0)} | ${(big.fix as number).toFixed(0)} | ${((big.check as number) / megabytes).toFixed(0)} | ${((big.fix as number) / megabytes).toFixed(0)}`,
  );
}
