import type { RunnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import type { Inputs } from "../core/inputs.ts";

export const DEFAULT_RULES_PATH = ".github/status-gate.yml";
export const MODES = ["auto", "plan", "checks", "needs"] as const;

/** Everything the gate reads from its inputs and the runner's context, read once. */
export interface GateInputs {
  mode: "plan" | "checks" | "needs";
  rulesPath: string;
  token: string;
  repository: string;
  apiUrl: string;
  eventName: string;
  eventPayload: Record<string, unknown>;
  githubSha: string;
  sha: string | undefined;
  base: string | undefined;
  /** `toJSON(needs)` text for needs mode. */
  needs: string | undefined;
  /** `.github/workflows/ci.yml`, from GITHUB_WORKFLOW_REF. */
  workflowPath: string | undefined;
  timeoutMs: number;
  /** How long to keep polling while everything outstanding only awaits approval. */
  approvalTimeoutMs: number;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  maxRequests: number;
  apiRetries: number;
  checkRunId: number | undefined;
  /** This job's workflow run, attempt and runner, to find its own check run when not given. */
  self: { runId: number; attempt: number; runnerName: string } | undefined;
  verdictCheck: string | undefined;
  failFast: boolean;
}

export function readGateInputs(inputs: Inputs, context: RunnerContext): GateInputs {
  const needs = inputs.optional("needs");
  const chosen = inputs.enumeration("mode", MODES, "auto");
  const mode = chosen === "auto" ? (needs ? "needs" : "checks") : chosen;
  if (mode === "needs" && !needs) {
    throw new ConfigurationError(
      "mode 'needs' requires input 'needs' (the expression toJSON(needs))",
    );
  }
  const pollIntervalMs = inputs.duration("poll-interval", "10s");
  // Unchanged polls are free 304s that the request budget does not count: a zero interval
  // would poll without pause until the timeout.
  if (pollIntervalMs <= 0) {
    throw new ConfigurationError(
      `input 'poll-interval' is '${inputs.optional("poll-interval")}'; use a duration above zero such as 10s`,
    );
  }
  const maxPollIntervalMs = Math.max(pollIntervalMs, inputs.duration("max-poll-interval", "60s"));
  const verdictCheck = inputs.optional("verdict-check");
  const checkRunId = inputs.optional("check-run-id");
  if (checkRunId !== undefined && !/^\d+$/.test(checkRunId)) {
    throw new ConfigurationError(
      `input 'check-run-id' is '${checkRunId}'; pass the job.check_run_id context, a number`,
    );
  }
  return {
    mode,
    rulesPath: inputs.string("rules", DEFAULT_RULES_PATH).replace(/^\.\//, ""),
    token:
      mode === "checks" || (mode === "needs" && verdictCheck !== undefined)
        ? inputs.required("token")
        : (inputs.optional("token") ?? ""),
    repository: context.repositoryName,
    apiUrl: context.urls.api,
    eventName: context.eventName,
    eventPayload: context.payload,
    githubSha: context.sha,
    sha: inputs.optional("sha"),
    base: inputs.optional("base"),
    needs,
    workflowPath: context.workflowPath,
    timeoutMs: inputs.duration("timeout", "1h"),
    approvalTimeoutMs: inputs.duration("approval-timeout", "10m"),
    pollIntervalMs,
    maxPollIntervalMs,
    maxRequests: inputs.integer("max-requests", 300, { min: 3, max: 5000 }),
    apiRetries: inputs.integer("api-retries", 3, { min: 0, max: 10 }),
    checkRunId: checkRunId === undefined ? undefined : Number(checkRunId),
    self:
      context.runId !== undefined && context.runnerName
        ? { runId: context.runId, attempt: context.runAttempt, runnerName: context.runnerName }
        : undefined,
    verdictCheck,
    failFast: inputs.boolean("fail-fast", true),
  };
}
