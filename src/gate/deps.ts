import type { RunnerContext } from "../core/context.ts";
import { info, mask } from "../core/log.ts";
import type { GitHubApi } from "./api.ts";
import { createApi } from "./early.ts";
import { localGit } from "./git.ts";
import type { GateInputs } from "./inputs.ts";
import type { GateDeps } from "./run.ts";

/** The runner's edges: the workspace checkout, the API (the early one when it started), the log. */
export function actionDeps(
  inputs: GateInputs,
  context: RunnerContext,
  early: GitHubApi | undefined,
): GateDeps {
  if (inputs.token) mask(inputs.token);
  return {
    api: early ?? createApi(inputs),
    git: localGit(context.workspace),
    clock: {
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    },
    log: info,
  };
}
