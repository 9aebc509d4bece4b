import { readFileSync } from "node:fs";
import { ConfigurationError } from "./errors.ts";

/**
 * What the runner tells a step about its run, read once from the environment and the event file.
 * Every action takes it from here (outside Actions, the CLI builds one from the same variables, so
 * `GITHUB_*` set by hand work as they do on a runner). Light on purpose: the gate reads it before
 * anything else is loaded.
 */
export interface RunnerContext {
  /** `GITHUB_ACTIONS=true`: standard output is the step's log, which runs workflow commands. */
  inActions: boolean;
  eventName: string;
  /** The webhook payload of the event; `{}` when there is no event file. */
  payload: Record<string, unknown>;
  /** `owner/name`, split; undefined outside a repository's run. */
  repository: Repository | undefined;
  /** `owner/name` as one string; empty outside a repository's run. */
  repositoryName: string;
  sha: string;
  ref: string;
  /** `GITHUB_REF_NAME`: the branch or tag the ref names. */
  refName: string;
  /** The pull request's branches on pull_request events; empty otherwise. */
  headRef: string;
  baseRef: string;
  runId: number | undefined;
  runAttempt: number;
  runNumber: number | undefined;
  /** The job's id in its workflow (`GITHUB_JOB`). */
  job: string;
  /** `owner/repo/.github/workflows/ci.yml@refs/heads/main` */
  workflowRef: string;
  /** `.github/workflows/ci.yml`, from the workflow ref; undefined outside Actions. */
  workflowPath: string | undefined;
  actor: string;
  workspace: string;
  /** `RUNNER_TEMP`; the system's temporary folder outside Actions. */
  temp: string | undefined;
  toolCache: string | undefined;
  runnerName: string | undefined;
  runnerEnvironment: "github-hosted" | "self-hosted" | undefined;
  urls: ServerUrls;
  /** The pull request of pull_request and pull_request_target events. */
  pullRequest: PullRequestInfo | undefined;
  /**
   * Why this run's GITHUB_TOKEN is read-only, when it is: pull requests from forks and runs
   * Dependabot starts get one, so check runs, comments and code-scanning uploads are refused.
   */
  readOnlyToken: string | undefined;
}

/** `owner/repo`, split as Octokit's parameters take it (spread it into a request as it is). */
export interface Repository {
  owner: string;
  repo: string;
}

export interface ServerUrls {
  /** `https://github.com`, `https://ghes.example.com` or `https://octo.ghe.com` */
  server: string;
  /** `https://api.github.com`, `https://ghes.example.com/api/v3` or `https://api.octo.ghe.com` */
  api: string;
  graphql: string;
  kind: "github.com" | "ghe.com" | "ghes";
}

export interface PullRequestInfo {
  number: number;
  /** The pull request's head commit: its checks live there, not on the test merge commit. */
  headSha: string;
  baseSha: string | undefined;
  baseRef: string | undefined;
  /** The head's repository, `owner/repo`; another one than the base's for a fork. */
  headRepository: string | undefined;
  fork: boolean;
  /** How many files the pull request changes, as the event says. */
  changedFiles: number | undefined;
}

const cache = new WeakMap<NodeJS.ProcessEnv, RunnerContext>();

/**
 * The runner's context for `env`, read once per environment object. An event file that cannot be
 * read or is not JSON is an error naming the file: deciding on a guessed event could pass what
 * should fail.
 */
export function runnerContext(env: NodeJS.ProcessEnv = process.env): RunnerContext {
  let context = cache.get(env);
  if (!context) {
    context = readRunnerContext(env);
    cache.set(env, context);
  }
  return context;
}

function readRunnerContext(env: NodeJS.ProcessEnv): RunnerContext {
  const payload = readEventPayload(env.GITHUB_EVENT_PATH);
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const repository = env.GITHUB_REPOSITORY ? parseRepository(env.GITHUB_REPOSITORY) : undefined;
  const pullRequest = pullRequestOf(eventName, payload, repository);
  const context: RunnerContext = {
    inActions: env.GITHUB_ACTIONS === "true",
    eventName,
    payload,
    repository,
    repositoryName: repository ? `${repository.owner}/${repository.repo}` : "",
    sha: env.GITHUB_SHA ?? "",
    ref: env.GITHUB_REF ?? "",
    refName: env.GITHUB_REF_NAME ?? "",
    headRef: env.GITHUB_HEAD_REF ?? "",
    baseRef: env.GITHUB_BASE_REF ?? "",
    runId: positiveInteger(env.GITHUB_RUN_ID),
    runAttempt: positiveInteger(env.GITHUB_RUN_ATTEMPT) ?? 1,
    runNumber: positiveInteger(env.GITHUB_RUN_NUMBER),
    job: env.GITHUB_JOB ?? "",
    workflowRef: env.GITHUB_WORKFLOW_REF ?? "",
    workflowPath: workflowPathOf(env.GITHUB_WORKFLOW_REF),
    actor: env.GITHUB_ACTOR ?? "",
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    temp: env.RUNNER_TEMP || undefined,
    toolCache: env.RUNNER_TOOL_CACHE || undefined,
    runnerName: env.RUNNER_NAME || undefined,
    runnerEnvironment:
      env.RUNNER_ENVIRONMENT === "github-hosted" || env.RUNNER_ENVIRONMENT === "self-hosted"
        ? env.RUNNER_ENVIRONMENT
        : undefined,
    urls: serverUrls(env),
    pullRequest,
    readOnlyToken: undefined,
  };
  context.readOnlyToken = readOnlyTokenReason(context);
  return context;
}

function readEventPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (thrown) {
    throw new ConfigurationError(
      `the event file GITHUB_EVENT_PATH=${path} cannot be read (${(thrown as Error).message})`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (thrown) {
    throw new ConfigurationError(
      `the event file GITHUB_EVENT_PATH=${path} is not JSON (${(thrown as Error).message})`,
    );
  }
  if (!isRecord(payload)) {
    throw new ConfigurationError(`the event file GITHUB_EVENT_PATH=${path} is not a JSON object`);
  }
  return payload;
}

/** `owner/name` split and checked; the error names where the value came from. */
export function parseRepository(value: string | undefined, source = "GITHUB_REPOSITORY") {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value ?? "");
  if (!match) {
    throw new ConfigurationError(`${source} is '${value ?? ""}'; expected owner/name`);
  }
  const [, owner = "", repo = ""] = match;
  return { owner, repo } satisfies Repository;
}

/**
 * The server, REST and GraphQL URLs: from the runner's variables when set, else derived from the
 * server URL the way GitHub lays them out (GHES serves the API under `/api/v3` and GraphQL at
 * `/api/graphql`; GHE.com under `api.<subdomain>.ghe.com`).
 */
export function serverUrls(env: NodeJS.ProcessEnv): ServerUrls {
  const server = trimSlashes(env.GITHUB_SERVER_URL || "https://github.com");
  const host = hostOf(server);
  const kind =
    host === "github.com" ? "github.com" : host.endsWith(".ghe.com") ? "ghe.com" : "ghes";
  const derivedApi =
    kind === "github.com"
      ? "https://api.github.com"
      : kind === "ghe.com"
        ? server.replace(/^(https?:\/\/)/, "$1api.")
        : `${server}/api/v3`;
  const api = trimSlashes(env.GITHUB_API_URL || derivedApi);
  const graphql = trimSlashes(env.GITHUB_GRAPHQL_URL || graphqlUrlFor(api));
  return { server, api, graphql, kind };
}

/** GitHub Enterprise Server answers GraphQL at `/api/graphql`, beside (not under) `/api/v3`. */
export function graphqlUrlFor(apiUrl: string): string {
  const api = trimSlashes(apiUrl);
  return /\/api\/v3$/.test(api) ? api.replace(/\/v3$/, "/graphql") : `${api}/graphql`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    throw new ConfigurationError(`GITHUB_SERVER_URL is '${url}'; expected a URL`);
  }
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, "");
}

function pullRequestOf(
  eventName: string,
  payload: Record<string, unknown>,
  repository: Repository | undefined,
): PullRequestInfo | undefined {
  if (eventName !== "pull_request" && eventName !== "pull_request_target") return undefined;
  const pull = payload.pull_request;
  if (!isRecord(pull) || typeof pull.number !== "number") return undefined;
  const head = isRecord(pull.head) ? pull.head : {};
  const base = isRecord(pull.base) ? pull.base : {};
  const headSha = typeof head.sha === "string" ? head.sha : undefined;
  if (!headSha) return undefined;
  const headRepository = fullNameOf(head.repo);
  const baseRepository =
    fullNameOf(base.repo) ?? (repository ? `${repository.owner}/${repository.repo}` : undefined);
  return {
    number: pull.number,
    headSha,
    baseSha: typeof base.sha === "string" ? base.sha : undefined,
    baseRef: typeof base.ref === "string" ? base.ref : undefined,
    headRepository,
    // A deleted fork has no head repository; its token is read-only all the same.
    fork:
      head.repo === null ||
      (headRepository !== undefined &&
        baseRepository !== undefined &&
        headRepository.toLowerCase() !== baseRepository.toLowerCase()),
    changedFiles: typeof pull.changed_files === "number" ? pull.changed_files : undefined,
  };
}

function fullNameOf(repo: unknown): string | undefined {
  return isRecord(repo) && typeof repo.full_name === "string" ? repo.full_name : undefined;
}

/** Events whose runs Dependabot starts with a read-only token (GitHub's Dependabot docs). */
const DEPENDABOT_READ_ONLY_EVENTS = new Set([
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "push",
  "create",
  "deployment",
  "deployment_status",
]);

function readOnlyTokenReason(context: RunnerContext): string | undefined {
  if (context.eventName === "pull_request" && context.pullRequest?.fork) {
    return "this is a pull request from a fork, whose GITHUB_TOKEN is read-only";
  }
  if (context.actor === "dependabot[bot]" && DEPENDABOT_READ_ONLY_EVENTS.has(context.eventName)) {
    return "Dependabot started this run, and its GITHUB_TOKEN is read-only";
  }
  return undefined;
}

/**
 * `.github/workflows/ci.yml` from `owner/repo/.github/workflows/ci.yml@refs/heads/main`: up to the
 * `@` before the ref (`refs/...`, or a commit), since a file's or a branch's name may hold an `@`.
 */
export function workflowPathOf(workflowRef: string | undefined): string | undefined {
  const match = /^[^/]+\/[^/]+\/(.+?)@(?:refs\/|[0-9a-f]{40}$)/.exec(workflowRef ?? "");
  return match?.[1];
}

/** A link to this run on the server, when the run is known. */
export function runUrl(context: RunnerContext): string | undefined {
  if (!context.repository || context.runId === undefined) return undefined;
  const attempt = context.runAttempt > 1 ? `/attempts/${context.runAttempt}` : "";
  return `${context.urls.server}/${context.repositoryName}/actions/runs/${context.runId}${attempt}`;
}

function positiveInteger(text: string | undefined): number | undefined {
  if (!text || !/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
