import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import {
  annotationsOf,
  type ParsedAnnotation,
  parseFileCommands,
  parseWorkflowCommands,
  type WorkflowCommand,
} from "./workflow-commands.ts";

/** The runner uploads a step's summary only up to 1 MiB; a bigger one is dropped whole. */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

export const PROJECT_ROOT = resolve(import.meta.dirname, "../..");

/**
 * The built bundles. STATUS_GATE_DIST points tests at another build (`node scripts/build.mjs
 * --outdir DIR`); by default it is the committed dist/.
 */
export const DIST = process.env.STATUS_GATE_DIST ?? join(PROJECT_ROOT, "dist");

/** Where an action's `runs.main` points, mapped into DIST. */
export function resolveMain(action: string, main: string): string {
  const path = resolve(PROJECT_ROOT, action, main);
  const inDist = relative(join(PROJECT_ROOT, "dist"), path);
  return inDist.startsWith("..") ? path : join(DIST, inDist);
}

export interface RunActionOptions {
  /**
   * The action's folder relative to the project root ("." for the gate, "actions/<name>"), or an
   * absolute path (a fixture action written to a temp dir).
   */
  action: string;
  /**
   * The script to run instead of the action's `runs.main` (absolute path), such as a fixture
   * entry bundled into a temp dir; inputs and defaults still come from the action's action.yml.
   */
  main?: string;
  /** Inputs by their action.yml names; unset inputs take action.yml defaults. */
  inputs?: Record<string, string>;
  /** The event: its name and payload (written to GITHUB_EVENT_PATH). */
  event?: { name: string; payload: unknown };
  repository?: string;
  sha?: string;
  ref?: string;
  /** GITHUB_WORKSPACE and the step's working directory; a new temp dir by default. */
  workspace?: string;
  /** The REST root (the simulator's url) and GraphQL endpoint. */
  apiUrl?: string;
  graphqlUrl?: string;
  /** `github.token` as the runner would expand it in defaults. */
  token?: string;
  /** `strategy.job-index` as the runner would expand it in defaults: this matrix leg's index. */
  jobIndex?: number;
  /** Extra environment (`env:` of the step, `ACTIONS_ID_TOKEN_REQUEST_URL`, ...). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** stdout as the log shows it: each masked value replaced by `***` from its `add-mask` on. */
  log: string;
  commands: WorkflowCommand[];
  annotations: ParsedAnnotation[];
  masks: string[];
  outputs: Record<string, string>;
  env: Record<string, string>;
  state: Record<string, string>;
  /**
   * The job summary as GitHub shows it: empty when the step wrote more than GitHub's 1 MiB limit,
   * because the runner then drops the step's summary whole (see `summaryDropped`).
   */
  summary: string;
  /** The step wrote more than 1 MiB of summary, so GitHub shows none of it. */
  summaryDropped: boolean;
  workspace: string;
  runnerTemp: string;
}

interface ActionDefinition {
  inputs?: Record<string, { default?: unknown; required?: boolean }>;
  runs: { using: string; main: string };
}

export function readActionDefinition(action: string): ActionDefinition {
  const definition = parse(
    readFileSync(resolve(PROJECT_ROOT, action, "action.yml"), "utf8"),
  ) as ActionDefinition;
  if (definition.runs?.using !== "node24") {
    throw new Error(`${action}/action.yml: runs.using is ${definition.runs?.using}, not node24`);
  }
  return definition;
}

const loadable = new Map<string, string[]>();

/**
 * What stops the runner from loading an action.yml (or action.yaml), checked with GitHub's own action schema
 * (npm @actions/workflow-parser): a `${{ }}` in a description, an unknown key, a default using
 * a context the runner cannot offer. The runner fails the step before the action starts.
 */
export async function actionLoadErrors(action: string): Promise<string[]> {
  // The runner reads action.yml, else action.yaml.
  const yml = `${action}/action.yml`;
  const name = existsSync(resolve(PROJECT_ROOT, yml)) ? yml : `${action}/action.yaml`;
  const content = readFileSync(resolve(PROJECT_ROOT, name), "utf8");
  const cached = loadable.get(content);
  if (cached) return cached;
  const { NoOperationTraceWriter } = await import("@actions/workflow-parser");
  const { parseAction } = await import("@actions/workflow-parser/actions/index");
  const { context } = parseAction({ name, content }, new NoOperationTraceWriter());
  const errors = context.errors.getErrors().map((error) => error.message);
  loadable.set(content, errors);
  return errors;
}

/**
 * What the runner puts in `INPUT_*`: given inputs, else action.yml defaults with their
 * `${{ github.<name> }}` expressions expanded from the job's `GITHUB_*` variables (`github.token`
 * from `options.token`). Other expressions throw: the harness does not guess their value.
 */
function inputEnvironment(
  definition: ActionDefinition,
  options: RunActionOptions,
  runnerEnv: Record<string, string>,
) {
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(definition.inputs ?? {})) {
    const given = options.inputs?.[name];
    const fallback = spec.default === undefined ? "" : String(spec.default);
    const value =
      given ??
      fallback.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (expression, body: string) => {
        if (body === "strategy.job-index") return String(options.jobIndex ?? 0);
        const field = /^github\.([a-z_]+)$/.exec(body)?.[1];
        const expanded =
          field === "token"
            ? (options.token ?? "")
            : field && runnerEnv[`GITHUB_${field.toUpperCase()}`];
        if (expanded === undefined || expanded === "") {
          if (field === "token") return "";
          throw new Error(`harness cannot expand default '${expression}' of input '${name}'`);
        }
        return expanded;
      });
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  }
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!definition.inputs?.[name]) {
      throw new Error(`input '${name}' is not declared in ${options.action}/action.yml`);
    }
  }
  return env;
}

/**
 * Runs a built action as the runner does: `node <runs.main>` as a child process with the
 * runner's environment and files, then reads back its workflow commands and file commands.
 */
export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const definition = readActionDefinition(options.action);
  const loadErrors = await actionLoadErrors(options.action);
  if (loadErrors.length > 0) {
    throw new Error(
      `the runner would refuse to load ${options.action}/action.yml:\n  ${loadErrors.join("\n  ")}`,
    );
  }
  const main = options.main ?? resolveMain(options.action, definition.runs.main);
  const runnerTemp = mkdtempSync(join(tmpdir(), "sg-runner-"));
  const workspace = options.workspace ?? join(runnerTemp, "workspace");
  mkdirSync(workspace, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(runnerTemp, "_runner_file_commands", "set_output"),
    GITHUB_ENV: join(runnerTemp, "_runner_file_commands", "set_env"),
    GITHUB_STATE: join(runnerTemp, "_runner_file_commands", "save_state"),
    GITHUB_PATH: join(runnerTemp, "_runner_file_commands", "add_path"),
    GITHUB_STEP_SUMMARY: join(runnerTemp, "_runner_file_commands", "step_summary"),
  };
  mkdirSync(dirname(files.GITHUB_OUTPUT), { recursive: true });
  for (const file of Object.values(files)) writeFileSync(file, "");
  const eventPath = join(runnerTemp, "_github_workflow", "event.json");
  mkdirSync(dirname(eventPath), { recursive: true });
  writeFileSync(eventPath, JSON.stringify(options.event?.payload ?? {}));
  const repository = options.repository ?? "wasmcloud/wasmcloud";
  const apiUrl = options.apiUrl ?? "http://127.0.0.1:9";
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? runnerTemp,
    LANG: "C.UTF-8",
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_ACTION: "__run",
    GITHUB_ACTOR: "octocat",
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: options.graphqlUrl ?? `${apiUrl}/graphql`,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split("/")[0] as string,
    GITHUB_EVENT_NAME: options.event?.name ?? "push",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SHA: options.sha ?? "0".repeat(40),
    GITHUB_REF: options.ref ?? "refs/heads/main",
    ...refVariables(options.ref ?? "refs/heads/main", options.event),
    GITHUB_ACTION_REPOSITORY: "wasmcloud/status-gate",
    GITHUB_ACTION_REF: "v1",
    GITHUB_TRIGGERING_ACTOR: "octocat",
    RUNNER_ENVIRONMENT: "github-hosted",
    GITHUB_WORKFLOW: "CI",
    GITHUB_WORKFLOW_REF: `${repository}/.github/workflows/ci.yml@${options.ref ?? "refs/heads/main"}`,
    GITHUB_JOB: "check",
    GITHUB_RUN_ID: "1001",
    GITHUB_RUN_NUMBER: "7",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_WORKSPACE: workspace,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    RUNNER_NAME: "GitHub Actions 1",
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(runnerTemp, "_tool"),
    ...files,
  };
  Object.assign(env, options.env);
  Object.assign(env, inputEnvironment(definition, options, env), options.env);
  const { exitCode, stdout, stderr } = await spawnCollect(process.execPath, [main], {
    cwd: workspace,
    env,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  const commands = parseWorkflowCommands(stdout);
  const masks = commands.filter((c) => c.command === "add-mask").map((c) => c.message);
  const read = (path: string) => readFileSync(path, "utf8");
  const summary = read(files.GITHUB_STEP_SUMMARY);
  const summaryDropped = Buffer.byteLength(summary) > STEP_SUMMARY_LIMIT_BYTES;
  return {
    exitCode,
    stdout,
    stderr,
    log: logAsShown(stdout, commands),
    commands,
    annotations: annotationsOf(commands),
    masks,
    outputs: parseFileCommands(read(files.GITHUB_OUTPUT)),
    env: parseFileCommands(read(files.GITHUB_ENV)),
    state: parseFileCommands(read(files.GITHUB_STATE)),
    summary: summaryDropped ? "" : summary,
    summaryDropped,
    workspace,
    runnerTemp,
  };
}

/** GITHUB_REF_NAME, GITHUB_REF_TYPE, GITHUB_HEAD_REF and GITHUB_BASE_REF as the runner derives them. */
function refVariables(ref: string, event: RunActionOptions["event"]): Record<string, string> {
  const pullRequest = (event?.payload as { pull_request?: PullRequestRefs } | undefined)
    ?.pull_request;
  const isPullRequest = event?.name === "pull_request" || event?.name === "pull_request_target";
  return {
    GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags|pull)\//, ""),
    GITHUB_REF_TYPE: ref.startsWith("refs/tags/") ? "tag" : "branch",
    GITHUB_HEAD_REF: isPullRequest ? (pullRequest?.head?.ref ?? "") : "",
    GITHUB_BASE_REF: isPullRequest ? (pullRequest?.base?.ref ?? "") : "",
  };
}

interface PullRequestRefs {
  head?: { ref?: string };
  base?: { ref?: string };
}

/**
 * stdout as the runner shows it: a mask hides a secret only on lines after its `add-mask`
 * (which itself shows as `::add-mask::***`), so a secret printed before it is masked stays visible.
 */
function logAsShown(stdout: string, commands: readonly WorkflowCommand[]): string {
  const maskedOnLine = new Map(
    commands.filter((c) => c.command === "add-mask").map((c) => [c.line, c.message]),
  );
  const masks: string[] = [];
  return stdout
    .split(/\r\n|\r|\n/)
    .map((line, index) => {
      const secret = maskedOnLine.get(index);
      if (secret === undefined) return applyMasks(line, masks);
      if (secret.trim()) masks.push(secret);
      return "::add-mask::***";
    })
    .join("\n");
}

export function applyMasks(text: string, masks: readonly string[]): string {
  let result = text;
  for (const secret of [...masks].sort((a, b) => b.length - a.length)) {
    if (secret) result = result.split(secret).join("***");
  }
  return result;
}

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `status-gate <args>` from the built CLI, as a person would on a laptop. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; stdin?: string } = {},
): Promise<CliRun> {
  const entry = process.env.STATUS_GATE_DIST
    ? join(DIST, "cli.js")
    : join(PROJECT_ROOT, "bin", "status-gate.js");
  return spawnCollect(process.execPath, [entry, ...args], {
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
    timeoutMs: options.timeoutMs ?? 60_000,
    stdin: options.stdin,
  });
}

function spawnCollect(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number; stdin?: string },
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `${args.join(" ")} did not finish in ${options.timeoutMs} ms\n${Buffer.concat(stdout)}\n${Buffer.concat(stderr)}`,
        ),
      );
    }, options.timeoutMs);
    child.on("error", reject);
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    child.stdin.end(options.stdin ?? "");
  });
}

/** Removes a run's temp directories (for `afterEach`). */
export function cleanup(run: ActionRun): void {
  rmSync(run.runnerTemp, { recursive: true, force: true });
}
