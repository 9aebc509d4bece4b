import { runnerContext } from "../core/context.ts";
import { Inputs } from "../core/inputs.ts";
import { GitHubApi } from "./api.ts";
import { resolveTarget } from "./event.ts";
import { type GateInputs, readGateInputs } from "./inputs.ts";
import { firstSnapshotPaths } from "./snapshot.ts";

export function createApi(inputs: GateInputs): GitHubApi {
  return new GitHubApi({
    apiUrl: inputs.apiUrl,
    token: inputs.token,
    maxRequests: inputs.maxRequests,
    retries: inputs.apiRetries,
    retryDelayMs: Math.min(2000, inputs.pollIntervalMs),
    longestWaitMs: inputs.timeoutMs,
  });
}

/**
 * Sends the first poll's requests as the process starts, before @actions/core and the rest of
 * the gate are loaded; `run`'s first poll takes their answers (or their failures). Anything
 * unusual (another mode, a bad input, an odd event) sends nothing here: `run` reports it.
 */
export function startFirstPoll(env: NodeJS.ProcessEnv): GitHubApi | undefined {
  try {
    const inputs = readGateInputs(new Inputs(env), runnerContext(env));
    if (inputs.mode !== "checks" || !inputs.repository) return undefined;
    const target = resolveTarget(inputs.eventName, inputs.eventPayload, {
      sha: inputs.sha,
      base: inputs.base,
      githubSha: inputs.githubSha,
    });
    const api = createApi(inputs);
    for (const path of firstSnapshotPaths(inputs.repository, target.sha)) api.prefetch(path);
    return api;
  } catch {
    return undefined;
  }
}
