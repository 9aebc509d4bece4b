// The status gate's efficiency figures:
// - API requests of the first evaluation of a PR with 60 checks and 500 changed files (goal <= 3),
//   and what later polls cost, beside a name-only poller that lists check runs on every poll;
// - cold start to the first API request beside a bare `node -e 0` (goal <= 2x);
// - planning 10,000 changed files against 200 rules (goal < 200 ms).
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { planRules } from "../src/gate/plan.ts";
import { parseRules } from "../src/gate/rules.ts";
import { startGitHubSimulator } from "../test/harness/github-sim/index.ts";
import { createRepository } from "../test/harness/git.ts";
import { cleanup, DIST, runAction } from "../test/harness/runner.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const REPOSITORY = "wasmcloud/wasmcloud";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function requestCounts(): Promise<void> {
  await using sim = await startGitHubSimulator();
  const github = sim.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
  using git = createRepository();
  const rules = Array.from({ length: 12 }, (_, i) => `  - check: "suite-${i} (*)"\n    paths: ["crates/c${i}/**"]`);
  const base = git.commit({ message: "base", files: { ".github/status-gate.yml": `rules:\n${rules.join("\n")}\n` } });
  git.checkout("feature", { create: true });
  const files = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`crates/c${i % 12}/src/f${i}.rs`, `// ${i}\n`]));
  const head = git.commit({ message: "500 files", files });
  github.addCommit({ sha: base, branch: "main", parents: [github.branch("main") as string] });
  github.addCommit({ sha: head, branch: "feature", parents: [base] });
  const pull = github.addPullRequest({ head: "feature", number: 1 });
  // 60 checks: 12 workflows of 5 matrix legs; the last leg stays pending for the polling figure.
  const jobs = [];
  for (let w = 0; w < 12; w++) {
    github.addWorkflow({ name: `suite-${w}`, path: `.github/workflows/suite-${w}.yml` });
    const run = github.addWorkflowRun({ workflow: `.github/workflows/suite-${w}.yml`, headSha: head, event: "pull_request", status: "in_progress" });
    for (let leg = 0; leg < 5; leg++) {
      jobs.push(github.addJob({ runId: run.id, name: `suite-${w} (leg ${leg})`, conclusion: "success" }));
    }
  }
  const pending = jobs.at(-1);
  if (!pending) throw new Error("no jobs");
  github.updateJob(pending.id, { status: "in_progress" });
  const POLLS = 10;
  let polls = 0;
  sim.onRequest((request) => {
    if (request.operationId === "checks/list-for-ref" && ++polls === POLLS) {
      github.updateJob(pending.id, { conclusion: "success" });
    }
  });
  const event = {
    name: "pull_request",
    payload: { pull_request: { number: pull.number, changed_files: 500, head: { sha: head }, base: { sha: base, ref: "main" } } },
  };
  const run = await runAction({
    action: ".",
    event,
    workspace: git.path,
    repository: REPOSITORY,
    apiUrl: sim.url,
    token: sim.token,
    inputs: { "poll-interval": "20ms", "max-poll-interval": "40ms", timeout: "60s" },
  });
  cleanup(run);
  if (run.outputs.result !== "success") throw new Error(`gate ended ${run.outputs.result}\n${run.stdout}`);
  const requests = sim.requests;
  const firstEvaluation = requests.filter((r) => r.index <= 3 && r.operationId !== "pulls/get").length;
  const charged = requests.filter((r) => !r.conditional).length;
  const free = requests.filter((r) => r.conditional).length;
  console.log(`gate_first_evaluation_requests: ${firstEvaluation} requests`);
  console.log(`gate_total_requests_${POLLS}_polls: ${requests.length} requests`);
  console.log(`gate_charged_requests_${POLLS}_polls: ${charged} requests`);
  console.log(`gate_free_304_requests_${POLLS}_polls: ${free} requests`);

  // A name-only poller: list the commit's check runs on every poll, unconditionally.
  const before = sim.requests.length;
  for (let poll = 0; poll < POLLS; poll++) {
    for (let page = 1; ; page++) {
      const response = await fetch(`${sim.url}/repos/${REPOSITORY}/commits/${head}/check-runs?per_page=100&page=${page}`, {
        headers: { authorization: `Bearer ${sim.token}`, accept: "application/vnd.github+json" },
      });
      const body = (await response.json()) as { check_runs: unknown[] };
      if (body.check_runs.length < 100) break;
    }
  }
  const naive = sim.requests.slice(before).filter((r) => !r.conditional).length;
  console.log(`name_only_poller_charged_requests_${POLLS}_polls: ${naive} requests`);
}

/** Wall time from spawning `node <bundle>` until its first request reaches a local server. */
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
  const gateTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [join(DIST, "gate.js")], { env, stdio: "ignore" });
      arrived = () => {
        gateTimes.push(performance.now() - start);
        child.kill("SIGKILL");
        arrived = undefined;
      };
      child.on("exit", () => resolve());
    });
    const bareStart = performance.now();
    await new Promise<void>((resolve) => spawn(process.execPath, ["-e", "0"], { stdio: "ignore" }).on("exit", () => resolve()));
    bareTimes.push(performance.now() - bareStart);
  }
  server.close();
  const gate = median(gateTimes);
  const bare = median(bareTimes);
  console.log(`cold_start_to_first_request: ${gate.toFixed(1)} ms`);
  console.log(`bare_node_e_0: ${bare.toFixed(1)} ms`);
  console.log(`cold_start_ratio: ${(gate / bare).toFixed(2)} x`);
}

function planTiming(): void {
  const rulesText = `rules:\n${Array.from({ length: 200 }, (_, i) => `  - check: "job-${i}"\n    paths: ["crates/c${i}/**", "!crates/c${i}/**/*.md", "libs/{a,b}${i}/*.rs"]`).join("\n")}\n`;
  const files = Array.from({ length: 10_000 }, (_, i) => ({ path: `crates/x${i % 400}/src/module ${i}/file-${i}.rs` }));
  const times: number[] = [];
  let required = 0;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const rulesFile = parseRules(".github/status-gate.yml", rulesText);
    required = planRules(rulesFile, { files, complete: true, source: "bench" }).filter((d) => d.applies).length;
    times.push(performance.now() - start);
  }
  console.log(`plan_10000_files_200_rules: ${median(times).toFixed(1)} ms`);
  console.log(`plan_rules_required: ${required} rules`);
}

planTiming();
await requestCounts();
await coldStart();
