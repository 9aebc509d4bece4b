import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { type ActionRun, cleanup, runAction } from "../harness/runner.ts";
import { parseFileCommands } from "../harness/workflow-commands.ts";
import { type Contexts, condition, type ExpressionScope, interpolate } from "./expressions.ts";

/**
 * Runs a workflow file of this repository the way GitHub's runner would, job after job, on this
 * machine: expressions evaluated with GitHub's own expression library, `run:` steps in bash with
 * the runner's files (GITHUB_OUTPUT, ...), this repository's actions (`uses: ./...`) as built
 * bundles through the harness, `actions/checkout` as a clone of a local bare origin.
 *
 * Only the edge is replaced, and each replacement is named by the test with its reason: a step the
 * harness cannot run (a download, a service outside 127.0.0.1) is given a `substitute`; inputs that
 * point an action at a local service are added with `extraInputs`. A `uses:` the harness does not
 * know fails the run rather than being skipped, unless the test gives it a substitute too (its
 * script then runs instead of the action). This suite's actions are run as built bundles whether
 * the workflow names them `./...` (this repository) or `wasmcloud/status-gate[/actions/<name>]@ref`
 * (another repository's workflow, such as examples/wasmcloud).
 */
export interface WorkflowRunOptions {
  /** GITHUB_RUN_ID of the run (a forced train is named after it). */
  runId?: string;
  /** The workflow file (absolute path). */
  workflow: string;
  event: { name: string; payload?: Record<string, unknown>; inputs?: Record<string, unknown> };
  /** The ref and commit the run is for (`refs/heads/main` and its SHA). */
  ref: string;
  sha: string;
  repository: string;
  /** The bare repository `actions/checkout` clones. */
  origin: string;
  /** The GitHub simulator: its REST root and a token it accepts. */
  apiUrl: string;
  token: string;
  /** Environment of every step (the edge: OIDC token endpoint, registry URLs). */
  env?: Record<string, string>;
  /**
   * `job.step-id` → a function from the step's script to the script run instead; for a `uses:`
   * step it gets the `uses:` value and its script replaces the action.
   */
  substitutes?: Record<string, { reason: string; script: (original: string) => string }>;
  /** Only these jobs run (the others are left out of the results); all of them by default. */
  jobs?: string[];
  /** The `secrets` and `vars` contexts (empty by default, as for a fork). */
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** `job.step-id` → inputs added to an action step (local service URLs). */
  extraInputs?: Record<string, Record<string, string>>;
  /** `registry-url` of actions/setup-node → the local registry standing in for it. */
  registries?: Record<string, string>;
  /** Called before each checkout: brings refs made through the API into the origin. */
  beforeCheckout?: () => void;
  /** Called once per job after its workspace is made (before any step). */
  prepareWorkspace?: (job: string, workspace: string) => void;
}

export interface StepResult {
  id: string;
  outcome: "success" | "failure" | "skipped";
  outputs: Record<string, string>;
  log: string;
  action?: ActionRun;
}

export interface JobResult {
  result: "success" | "failure" | "skipped";
  outputs: Record<string, string>;
  steps: StepResult[];
  workspace: string;
}

interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}

interface WorkflowJob {
  needs?: string | string[];
  if?: string;
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps?: WorkflowStep[];
}

const exec = promisify(execFile);

export async function runWorkflow(options: WorkflowRunOptions): Promise<Record<string, JobResult>> {
  const workflow = parse(readFileSync(options.workflow, "utf8")) as {
    jobs: Record<string, WorkflowJob>;
  };
  const used = new Set<string>();
  const results: Record<string, JobResult> = {};
  // Artifacts of this run (upload-artifact / download-artifact), by name.
  const artifacts = mkdtempSync(join(tmpdir(), "sg-wf-artifacts-"));
  const pending = Object.keys(workflow.jobs).filter(
    (id) => options.jobs === undefined || options.jobs.includes(id),
  );
  while (pending.length > 0) {
    const ready = pending.find((id) =>
      needsOf(workflow.jobs[id] as WorkflowJob).every(
        (need) => results[need] || !pending.includes(need),
      ),
    );
    if (!ready) throw new Error(`jobs ${pending.join(", ")} wait for each other`);
    pending.splice(pending.indexOf(ready), 1);
    const job = workflow.jobs[ready] as WorkflowJob;
    results[ready] = await runJob(ready, job, results, { ...options, artifacts }, used);
  }
  const unused = [
    ...Object.keys(options.substitutes ?? {}),
    ...Object.keys(options.extraInputs ?? {}),
  ].filter((key) => !used.has(key));
  if (unused.length > 0) {
    const summary = Object.entries(results).flatMap(([id, job]) => [
      `${id}: ${job.result}`,
      ...job.steps.map((step) => `  ${step.id}: ${step.outcome}\n${indentLog(step.log)}`),
    ]);
    throw new Error(`no step ran for ${unused.join(", ")}:\n${summary.join("\n")}`);
  }
  return results;
}

/** Each failed step of a run as `job.step:` and its log, for an assertion that names them. */
export const failedSteps = (jobs: Record<string, JobResult>): string[] =>
  Object.entries(jobs).flatMap(([name, job]) =>
    job.steps
      .filter((step) => step.outcome === "failure")
      .map((step) => `${name}.${step.id}:\n${step.log}`),
  );

const indentLog = (log: string) =>
  log
    .trimEnd()
    .split("\n")
    .slice(-40)
    .map((line) => `    ${line}`)
    .join("\n");

const needsOf = (job: WorkflowJob) =>
  job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];

type RunOptions = WorkflowRunOptions & { artifacts: string };

async function runJob(
  id: string,
  job: WorkflowJob,
  done: Record<string, JobResult>,
  options: RunOptions,
  used: Set<string>,
): Promise<JobResult> {
  const workspace = mkdtempSync(join(tmpdir(), `sg-wf-${id}-`));
  const temp = mkdtempSync(join(tmpdir(), `sg-wf-temp-${id}-`));
  const needs = Object.fromEntries(
    needsOf(job).map((need) => [
      need,
      { result: done[need]?.result, outputs: done[need]?.outputs },
    ]),
  );
  const steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const contexts: Contexts = {
    github: {
      event_name: options.event.name,
      event: options.event.payload ?? {},
      ref: options.ref,
      sha: options.sha,
      repository: options.repository,
      repository_owner: options.repository.split("/")[0],
      token: options.token,
      workspace,
      server_url: "https://github.com",
      api_url: options.apiUrl,
      run_id: options.runId ?? "7001",
      run_attempt: "1",
      job: id,
    },
    inputs: options.event.inputs ?? {},
    needs,
    steps,
    env: {},
    runner: { os: "Linux", arch: "X64", temp },
    job: { status: "success" },
    secrets: options.secrets ?? {},
    vars: options.vars ?? {},
    matrix: {},
    strategy: {},
  };
  const jobScope: ExpressionScope = {
    contexts,
    failed: Object.values(needs).some((need) => need.result === "failure"),
    succeeded: Object.values(needs).every((need) => need.result === "success"),
    workspace,
  };
  if (!condition(job.if, jobScope)) {
    return { result: "skipped", outputs: {}, steps: [], workspace };
  }
  options.prepareWorkspace?.(id, workspace);
  const jobEnv = evaluatedStrings(job.env, jobScope);
  // What steps export to the steps after them (GITHUB_ENV, setup-node's npm configuration).
  const exported: Record<string, string> = {};
  const stepResults: StepResult[] = [];
  let failed = false;
  for (const [index, step] of (job.steps ?? []).entries()) {
    const stepId = step.id ?? `step${index}`;
    const scope: ExpressionScope = { contexts: { ...contexts, env: jobEnv }, failed, workspace };
    if (!condition(step.if, scope)) {
      stepResults.push({ id: stepId, outcome: "skipped", outputs: {}, log: "" });
      steps[stepId] = { outputs: {}, outcome: "skipped" };
      continue;
    }
    const env = { ...jobEnv, ...exported, ...evaluatedStrings(step.env, scope) };
    const key = `${id}.${stepId}`;
    const result = await runStep(key, step, env, scope, options, used, temp);
    Object.assign(exported, result.exported);
    stepResults.push({ id: stepId, ...result });
    steps[stepId] = { outputs: result.outputs, outcome: result.outcome };
    if (result.outcome === "failure") failed = true;
  }
  const scope: ExpressionScope = { contexts: { ...contexts, env: jobEnv }, failed, workspace };
  return {
    result: failed ? "failure" : "success",
    outputs: failed ? {} : evaluatedStrings(job.outputs, scope),
    steps: stepResults,
    workspace,
  };
}

function evaluatedStrings(
  values: Record<string, unknown> | undefined,
  scope: ExpressionScope,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values ?? {}).map(([name, value]) => [name, interpolate(String(value), scope)]),
  );
}

async function runStep(
  key: string,
  step: WorkflowStep,
  env: Record<string, string>,
  scope: ExpressionScope,
  options: RunOptions,
  used: Set<string>,
  temp: string,
): Promise<Omit<StepResult, "id"> & { exported?: Record<string, string> }> {
  const workspace = scope.workspace;
  const substitute = options.substitutes?.[key];
  if (step.run !== undefined) {
    let script = interpolate(step.run, scope);
    if (substitute) {
      used.add(key);
      const replaced = substitute.script(script);
      if (replaced === script) throw new Error(`the substitute for ${key} changed nothing`);
      script = replaced;
    }
    const cwd = step["working-directory"] ? join(workspace, step["working-directory"]) : workspace;
    return runScript(script, cwd, { ...runnerEnv(options, workspace, temp), ...env });
  }
  const uses = suiteAction(step.uses ?? "");
  const inputs = evaluatedStrings(step.with, scope);
  if (substitute) {
    used.add(key);
    const cwd = step["working-directory"] ? join(workspace, step["working-directory"]) : workspace;
    return runScript(substitute.script(uses), cwd, {
      ...runnerEnv(options, workspace, temp),
      ...env,
    });
  }
  if (/^actions\/checkout@/.test(uses)) {
    options.beforeCheckout?.();
    execFileSync("git", ["clone", "--quiet", options.origin, workspace]);
    execFileSync("git", ["checkout", "--quiet", "--detach", inputs.ref || options.sha], {
      cwd: workspace,
    });
    return { outcome: "success", outputs: {}, log: `checked out ${inputs.ref || options.sha}` };
  }
  if (/^actions\/setup-node@/.test(uses)) {
    // This process runs Node.js 24 already. With registry-url, setup-node writes an npm user
    // configuration naming the registry and reading the token from NODE_AUTH_TOKEN.
    const registryUrl = inputs["registry-url"];
    if (!registryUrl) return { outcome: "success", outputs: {}, log: "node is set up" };
    const local = options.registries?.[registryUrl];
    if (!local) throw new Error(`${key}: no local registry stands in for ${registryUrl}`);
    const npmrc = join(temp, ".npmrc");
    writeFileSync(
      npmrc,
      `registry=${local}/\n//${new URL(local).host}/:_authToken=\${NODE_AUTH_TOKEN}\n`,
    );
    return {
      outcome: "success",
      outputs: {},
      log: `npm registry ${registryUrl} (${local})`,
      exported: { NPM_CONFIG_USERCONFIG: npmrc, NODE_AUTH_TOKEN: "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX" },
    };
  }
  if (/^actions\/(upload|download)-artifact@/.test(uses)) {
    // The run's artifact storage is a folder per name.
    const stored = join(options.artifacts, inputs.name || "artifact");
    // An absolute path (`${{ runner.temp }}/x`) stays as it is, as with the runner.
    const local = resolve(workspace, inputs.path || ".");
    const [from, to] = uses.includes("upload") ? [local, stored] : [stored, local];
    if (!existsSync(from)) {
      return { outcome: "failure", outputs: {}, log: `${key}: nothing at ${from}` };
    }
    cpSync(from, to, { recursive: true });
    return { outcome: "success", outputs: {}, log: `copied ${from} to ${to}` };
  }
  if (uses.startsWith("./")) {
    const extra = options.extraInputs?.[key];
    if (extra) used.add(key);
    const run = await runAction({
      action: uses === "./" ? "." : uses.slice(2),
      workspace,
      repository: options.repository,
      apiUrl: options.apiUrl,
      token: options.token,
      sha: options.sha,
      ref: options.ref,
      event: { name: options.event.name, payload: options.event.payload ?? {} },
      inputs: { ...inputs, ...extra },
      env: {
        ...options.env,
        GITHUB_WORKFLOW_REF: `${options.repository}/${relativeWorkflow(options)}@${options.ref}`,
        GITHUB_RUN_ID: options.runId ?? "7001",
        ...env,
      },
      timeoutMs: 120_000,
    });
    cleanup(run);
    return {
      outcome: run.exitCode === 0 ? "success" : "failure",
      outputs: run.outputs,
      log: `${run.stdout}${run.stderr}`,
      action: run,
    };
  }
  throw new Error(`${key}: the harness cannot run '${uses}'; give the test a substitute`);
}

/** This suite's actions as another repository names them, as this repository's own `./` paths. */
function suiteAction(uses: string): string {
  const match = /^wasmcloud\/status-gate(\/actions\/[\w-]+)?@[\w.-]+$/.exec(uses);
  if (!match) return uses;
  return match[1] ? `.${match[1]}` : "./";
}

const relativeWorkflow = (options: WorkflowRunOptions) =>
  options.workflow.slice(options.workflow.indexOf(".github/workflows/"));

/** The variables the runner gives every `run:` step. */
function runnerEnv(options: WorkflowRunOptions, workspace: string, temp: string) {
  return {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    HOME: process.env.HOME ?? temp,
    LANG: "C.UTF-8",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_REPOSITORY: options.repository,
    GITHUB_REF: options.ref,
    GITHUB_SHA: options.sha,
    GITHUB_EVENT_NAME: options.event.name,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_WORKSPACE: workspace,
    GITHUB_WORKFLOW_REF: `${options.repository}/${relativeWorkflow(options)}@${options.ref}`,
    GITHUB_RUN_ID: options.runId ?? "7001",
    RUNNER_TEMP: temp,
    ...options.env,
  };
}

async function runScript(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<Omit<StepResult, "id"> & { exported?: Record<string, string> }> {
  const files = mkdtempSync(join(tmpdir(), "sg-wf-files-"));
  const output = join(files, "output");
  const summary = join(files, "summary");
  const exports = join(files, "env");
  for (const file of [output, summary, exports]) writeFileSync(file, "");
  mkdirSync(cwd, { recursive: true });
  try {
    const { stdout, stderr } = await exec(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
      {
        cwd,
        env: { ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, GITHUB_ENV: exports },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 300_000,
      },
    );
    return {
      outcome: "success",
      outputs: parseFileCommands(readFileSync(output, "utf8")),
      log: stdout + stderr,
      exported: parseFileCommands(readFileSync(exports, "utf8")),
    };
  } catch (thrown) {
    const error = thrown as { stdout?: string; stderr?: string; message: string };
    return {
      outcome: "failure",
      outputs: {},
      log: `${error.stdout ?? ""}${error.stderr ?? error.message}`,
    };
  }
}
