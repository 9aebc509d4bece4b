// The status gate's efficiency figures:
// - API requests of the first poll cycle of a PR with 60 checks and 500 changed files that does
//   not settle at once (goal <= 3 charged), and what later polls cost (goal: free 304s), beside a
//   name-only poller that lists check runs on every poll;
// - cold start to the first API request beside a bare `node -e 0` (goal <= 2x), side by side in
//   one run; BENCH_BASELINE_DIST=<dir> adds another build (main's) to the same rounds;
// - planning 10,000 changed files against 200 rules, hostile globs included (goal < 200 ms), and
//   hostile globs against paths of 2,000 segments.
// BENCH_RUNS sets the repetitions; BENCH_PLAN_ONLY=1 prints only the planning figures.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { compilePath } from "../src/gate/globs.ts";
import { planRules } from "../src/gate/plan.ts";
import { parseRules } from "../src/gate/rules.ts";
import { createRepository } from "../test/harness/git.ts";
import { startGitHubSimulator } from "../test/harness/github-sim/index.ts";

const DIST = process.env.STATUS_GATE_DIST ?? join(import.meta.dirname, "..", "dist");

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const REPOSITORY = "wasmcloud/wasmcloud";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** On a shared machine the fastest run is the best estimate of the uncontended cost. */
function fastest(values: number[]): number {
  return Math.min(...values);
}

async function requestCounts(): Promise<void> {
  await using sim = await startGitHubSimulator();
  const github = sim.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
  using git = createRepository();
  const rules = Array.from(
    { length: 12 },
    (_, i) => `  - check: "suite-${i} (*)"\n    paths: ["crates/c${i}/**"]`,
  );
  const base = git.commit({
    message: "base",
    files: { ".github/status-gate.yml": `rules:\n${rules.join("\n")}\n` },
  });
  git.checkout("feature", { create: true });
  const files = Object.fromEntries(
    Array.from({ length: 500 }, (_, i) => [`crates/c${i % 12}/src/f${i}.rs`, `// ${i}\n`]),
  );
  const head = git.commit({ message: "500 files", files });
  github.addCommit({ sha: base, branch: "main", parents: [github.branch("main") as string] });
  github.addCommit({ sha: head, branch: "feature", parents: [base] });
  const pull = github.addPullRequest({ head: "feature", number: 1 });
  // 60 checks: 12 workflows of 5 matrix legs; the last leg stays pending for the polling figure.
  const jobs = [];
  const runs = [];
  for (let w = 0; w < 12; w++) {
    github.addWorkflow({ name: `suite-${w}`, path: `.github/workflows/suite-${w}.yml` });
    const run = github.addWorkflowRun({
      workflow: `.github/workflows/suite-${w}.yml`,
      headSha: head,
      event: "pull_request",
      status: "in_progress",
    });
    runs.push(run);
    for (let leg = 0; leg < 5; leg++) {
      jobs.push(
        github.addJob({ runId: run.id, name: `suite-${w} (leg ${leg})`, conclusion: "success" }),
      );
    }
  }
  const pending = jobs.at(-1);
  const pendingRun = runs.at(-1);
  if (!pending || !pendingRun) throw new Error("no jobs");
  github.updateJob(pending.id, { status: "in_progress" });
  // A pattern rule waits for its workflow run to finish: every run but the last one has.
  for (const run of runs.slice(0, -1)) github.updateWorkflowRun(run.id, { conclusion: "success" });
  const POLLS = 10;
  let polls = 0;
  let changedAt = Number.POSITIVE_INFINITY;
  sim.onRequest((request) => {
    if (request.operationId === "checks/list-for-ref" && ++polls === POLLS) {
      changedAt = sim.requests.length;
      github.updateJob(pending.id, { conclusion: "success" });
      github.updateWorkflowRun(pendingRun.id, { conclusion: "success" });
    }
  });
  const event = {
    name: "pull_request",
    payload: {
      pull_request: {
        number: pull.number,
        changed_files: 500,
        updated_at: pull.updatedAt,
        head: { sha: head },
        base: { sha: base, ref: "main" },
      },
    },
  };
  const result = await runGate(git.path, event, {
    GITHUB_API_URL: sim.url,
    INPUT_TOKEN: sim.token,
    "INPUT_POLL-INTERVAL": "20ms",
    "INPUT_MAX-POLL-INTERVAL": "40ms",
    INPUT_TIMEOUT: "60s",
  });
  if (result !== "success") throw new Error(`the gate ended ${result}`);
  const requests = sim.requests;
  // A poll cycle begins with the workflow runs and ends with the head check (pulls/get).
  const firstHeadCheck = requests.findIndex((r) => r.operationId === "pulls/get");
  const firstCycle = requests.slice(0, firstHeadCheck + 1);
  const laterCycles = requests.slice(firstHeadCheck + 1);
  const charged = requests.filter((r) => !r.conditional).length;
  const free = requests.filter((r) => r.conditional).length;
  console.log(`gate_first_cycle_requests: ${firstCycle.length} requests`);
  console.log(
    `gate_first_cycle_charged_requests: ${firstCycle.filter((r) => !r.conditional).length} requests`,
  );
  const unchanged = laterCycles.slice(0, changedAt - firstCycle.length);
  console.log(
    `gate_charged_requests_polls_2_to_${POLLS - 1}: ${unchanged.filter((r) => !r.conditional).length} of ${unchanged.length} requests`,
  );
  console.log(`gate_total_requests_${POLLS}_polls: ${requests.length} requests`);
  console.log(`gate_charged_requests_${POLLS}_polls: ${charged} requests`);
  console.log(`gate_free_304_requests_${POLLS}_polls: ${free} requests`);

  // A name-only poller: list the commit's check runs on every poll, unconditionally.
  const before = sim.requests.length;
  for (let poll = 0; poll < POLLS; poll++) {
    for (let page = 1; ; page++) {
      const response = await fetch(
        `${sim.url}/repos/${REPOSITORY}/commits/${head}/check-runs?per_page=100&page=${page}`,
        {
          headers: { authorization: `Bearer ${sim.token}`, accept: "application/vnd.github+json" },
        },
      );
      const body = (await response.json()) as { check_runs: unknown[] };
      if (body.check_runs.length < 100) break;
    }
  }
  const naive = sim.requests.slice(before).filter((r) => !r.conditional).length;
  console.log(`name_only_poller_charged_requests_${POLLS}_polls: ${naive} requests`);
}

/** Runs the built gate as the runner would (the bench cannot load the test runner's helpers). */
async function runGate(
  workspace: string,
  event: { name: string; payload: unknown },
  env: Record<string, string>,
) {
  const temp = mkdtempSync(join(tmpdir(), "sg-bench-"));
  const eventPath = join(temp, "event.json");
  const outputPath = join(temp, "output");
  writeFileSync(eventPath, JSON.stringify(event.payload));
  writeFileSync(outputPath, "");
  try {
    await new Promise<void>((resolve) => {
      execFile(
        process.execPath,
        [join(DIST, "gate.js")],
        {
          cwd: workspace,
          env: {
            PATH: process.env.PATH ?? "",
            GITHUB_REPOSITORY: REPOSITORY,
            GITHUB_EVENT_NAME: event.name,
            GITHUB_EVENT_PATH: eventPath,
            GITHUB_WORKSPACE: workspace,
            GITHUB_OUTPUT: outputPath,
            RUNNER_TEMP: temp,
            ...env,
          },
        },
        () => resolve(),
      );
    });
    return /^result<<(\S+)\n([^\n]*)\n/m.exec(readFileSync(outputPath, "utf8"))?.[2];
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

/**
 * Wall time from spawning `node <bundle>` until its first request reaches a local server, beside
 * a bare `node -e 0` in the same round (and, with BENCH_BASELINE_DIST, another build's gate).
 */
async function coldStart(): Promise<void> {
  let arrived: (() => void) | undefined;
  const server = createServer((_request, response) => {
    arrived?.();
    response.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = {
    PATH: process.env.PATH ?? "",
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_API_URL: url,
    GITHUB_EVENT_NAME: "workflow_dispatch",
    GITHUB_SHA: "a".repeat(40),
    INPUT_TOKEN: "bench-token",
    INPUT_MODE: "checks",
    RUNNER_TEMP: "/tmp",
  };
  const firstRequest = (dist: string) =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      let time = Number.NaN;
      const child = spawn(process.execPath, [join(dist, "gate.js")], { env, stdio: "ignore" });
      arrived = () => {
        time = performance.now() - start;
        child.kill("SIGKILL");
        arrived = undefined;
      };
      child.on("exit", () => resolve(time));
    });
  const bare = () =>
    new Promise<number>((resolve) => {
      const start = performance.now();
      spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }).on("exit", () =>
        resolve(performance.now() - start),
      );
    });
  const baseline = process.env.BENCH_BASELINE_DIST;
  const gateTimes: number[] = [];
  const baselineTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    gateTimes.push(await firstRequest(DIST));
    if (baseline) baselineTimes.push(await firstRequest(baseline));
    bareTimes.push(await bare());
  }
  server.close();
  const report = (name: string, times: number[]) => {
    const ratios = times.map((time, index) => time / (bareTimes[index] as number));
    console.log(`${name}_to_first_request_median: ${median(times).toFixed(1)} ms`);
    console.log(`${name}_to_first_request_fastest: ${fastest(times).toFixed(1)} ms`);
    console.log(`${name}_ratio_fastest: ${(fastest(times) / fastest(bareTimes)).toFixed(2)} x`);
    console.log(`${name}_ratio_median_of_pairs: ${median(ratios).toFixed(2)} x`);
  };
  console.log(`bare_node_e_0_median: ${median(bareTimes).toFixed(1)} ms`);
  console.log(`bare_node_e_0_fastest: ${fastest(bareTimes).toFixed(1)} ms`);
  report("cold_start", gateTimes);
  if (baseline) report("baseline_cold_start", baselineTimes);
}

/** Wall and CPU time of parsing the rules and planning; CPU time is steadier on a shared machine. */
function planTiming(
  name: string,
  globs: (rule: number) => string[],
  path: (file: number) => string,
): void {
  const rulesText = `rules:\n${Array.from({ length: 200 }, (_, i) => `  - check: "job-${i}"\n    paths: ${JSON.stringify(globs(i))}`).join("\n")}\n`;
  const files = Array.from({ length: 10_000 }, (_, i) => ({ path: path(i) }));
  const wall: number[] = [];
  const cpu: number[] = [];
  let required = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const rulesFile = parseRules(".github/status-gate.yml", rulesText);
    required = planRules(rulesFile, { files, complete: true, source: "bench" }).filter(
      (d) => d.applies,
    ).length;
    const usage = process.cpuUsage(startCpu);
    cpu.push((usage.user + usage.system) / 1000);
    wall.push(performance.now() - start);
  }
  console.log(`plan_10000_files_200_rules_${name}_wall_median: ${median(wall).toFixed(1)} ms`);
  console.log(`plan_10000_files_200_rules_${name}_cpu_median: ${median(cpu).toFixed(1)} ms`);
  console.log(`plan_10000_files_200_rules_${name}_cpu_fastest: ${fastest(cpu).toFixed(1)} ms`);
  console.log(`plan_10000_files_200_rules_${name}_required: ${required} rules`);
}

/** Globs that once took seconds on a long path: runs of globstars, many stars, braces. */
const HOSTILE_GLOBS = [
  "**/**/**/**/**/a",
  "**/x/**/y/**/z/**/*.rs",
  "**/*a*b*c*d*e*",
  "{crates,libs}/**/{src,tests}/**/*.{rs,toml}",
];

/**
 * Each hostile glob against paths of 2,000 segments that hold every literal of it (so no quick
 * rejection spares the matcher) and still do not match.
 */
function deepPaths(): void {
  const segments = (segment: string, last: string) =>
    `${Array.from({ length: 2000 }, () => segment).join("/")}/${last}`;
  const deep = [
    segments("a", "b"),
    segments("xx/yy/zz", "f.rs"),
    segments("s", `edcba${"x".repeat(2000)}`),
    segments("crates/src", "f.md"),
  ];
  for (const glob of HOSTILE_GLOBS) {
    const test = compilePath(glob);
    const wall: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      for (const path of deep) if (test(path)) throw new Error(`${glob} matched a deep path`);
      wall.push(performance.now() - start);
    }
    console.log(
      `glob_2000_segments_${JSON.stringify(glob)}_4_paths_median: ${median(wall).toFixed(2)} ms`,
    );
  }
}

const file = (i: number) => `crates/c${i % 400}/src/module ${i}/file-${i}.${i % 3 ? "rs" : "md"}`;
// Every rule applies (each stops at its first match); half apply; none has a literal prefix.
planTiming(
  "all_apply",
  (i) => [`crates/c${i}/**`, `!crates/c${i}/**/*.md`, `libs/{a,b}${i}/*.rs`],
  file,
);
planTiming(
  "half_apply",
  (i) => [`crates/c${i}/**`, "!**/*.md"],
  (i) => `crates/c${100 + (i % 300)}/src/module ${i}/file-${i}.rs`,
);
planTiming("no_prefix", (i) => [`**/c${i}-x/**`, `**/*.${i}`], file);
planTiming(
  "hostile_globs",
  (i) => [HOSTILE_GLOBS[i % HOSTILE_GLOBS.length] as string, `!**/c${i}/**`],
  (i) => `${Array.from({ length: 1 + (i % 40) }, (_, d) => `d${d}`).join("/")}/file-${i}.rs`,
);
deepPaths();
if (!process.env.BENCH_PLAN_ONLY) await requestCounts();
if (!process.env.BENCH_PLAN_ONLY) await coldStart();
