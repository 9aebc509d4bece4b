// Checks 2,000 generated workflows of about 100 lines each and compares with parsing the same
// files with `yaml` alone (the floor). Goal: the whole check within 2x of parse-only.
import { performance } from "node:perf_hooks";
import { LineCounter, parseDocument } from "yaml";
import { checkFile } from "../src/permissions/check.ts";
import { fixWorkflowText } from "../src/permissions/fix.ts";
import { defaultPolicy } from "../src/permissions/policy.ts";

const FILES = 2000;
const ROUNDS = 5;

const ACTIONS = [
  "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
  "actions/setup-go@b7ad1dad31e06c5925ef5d2fc7ad053ef454303e # v7.0.0",
  "actions/upload-artifact@043fb46d1a93c77aae656e7c1c64a875d1fc6a0a # v7.0.1",
  "docker/login-action@dbcb813823bdd20940b903addbd779551569679f # v4.6.0",
  "someone/unknown-action@v1",
];

/** A workflow of about 100 lines: comments, triggers, several jobs, some with blocks, some without. */
function workflow(index: number): string {
  const lines = [
    `# Generated workflow ${index}.`,
    `name: generated-${index}`,
    "on:",
    "  push:",
    "    branches: [main]",
    "  pull_request:",
    "",
  ];
  if (index % 3 !== 0) lines.push("permissions: {}", "");
  lines.push("jobs:");
  for (let job = 0; job < 4; job++) {
    lines.push(
      `  job-${job}:`,
      `    name: Job ${job} of ${index}`,
      "    runs-on: ubuntu-latest",
      "    timeout-minutes: 20",
    );
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
  }
  return `${lines.join("\n")}\n`;
}

/** Fastest of ROUNDS runs of each measure, interleaved so that load from others hits all alike. */
function fastest(measures: Record<string, () => number>): Record<string, number> {
  const times: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, body] of Object.entries(measures)) {
      const start = performance.now();
      if (body() < 0) throw new Error(`${name} counted below zero`);
      times[name] = Math.min(times[name] ?? Number.POSITIVE_INFINITY, performance.now() - start);
    }
  }
  return times;
}

const files = Array.from({ length: FILES }, (_, index) => workflow(index));
const lines = files.reduce((total, text) => total + text.split("\n").length - 1, 0);

const times = fastest({
  parseOnly: () => {
    let errors = 0;
    for (const text of files)
      errors += parseDocument(text, { lineCounter: new LineCounter() }).errors.length;
    return errors;
  },
  check: () => {
    let findings = 0;
    for (const [index, text] of files.entries()) {
      findings += checkFile(`.github/workflows/w${index}.yml`, text, defaultPolicy).length;
    }
    return findings;
  },
  fix: () => {
    let changed = 0;
    for (const [index, text] of files.entries()) {
      if (
        fixWorkflowText(`.github/workflows/w${index}.yml`, text, defaultPolicy).changes.length > 0
      )
        changed++;
    }
    return changed;
  },
});
const parseOnly = times.parseOnly as number;
const check = times.check as number;
const fix = times.fix as number;

console.log(`files: ${FILES} files`);
console.log(`average length: ${(lines / FILES).toFixed(0)} lines`);
console.log(`parse-only (yaml): ${((FILES / parseOnly) * 1000).toFixed(0)} files/s`);
console.log(`check: ${((FILES / check) * 1000).toFixed(0)} files/s`);
console.log(`fix: ${((FILES / fix) * 1000).toFixed(0)} files/s`);
console.log(`check / parse-only: ${(check / parseOnly).toFixed(2)} x`);
