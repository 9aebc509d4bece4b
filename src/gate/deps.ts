import * as core from "@actions/core";
import { annotate, info, mask, setOutput } from "../core/log.ts";
import type { GitHubApi } from "./api.ts";
import { createApi } from "./early.ts";
import { localGit } from "./git.ts";
import type { GateInputs } from "./inputs.ts";
import type { GateVerdict } from "./report.ts";
import type { GateDeps } from "./run.ts";

/** The runner's edges: the workspace checkout, the API, the log, outputs and the job summary. */
export function actionDeps(inputs: GateInputs, early: GitHubApi | undefined): GateDeps {
  if (inputs.token) mask(inputs.token);
  return {
    api: early ?? createApi(inputs),
    git: localGit(inputs.workspace),
    clock: {
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    },
    info,
    notice: (message) => annotate({ level: "notice", title: "status gate", message }),
    setOutput,
    writeSummary: (summary) => summary.write(),
  };
}

/** Anything but a green verdict fails the step, with the reason. */
export function reportVerdict(verdict: GateVerdict): void {
  if (verdict.result === "success") {
    info(`gate: ${verdict.reason}`);
    return;
  }
  core.setFailed(`gate: ${verdict.result}: ${verdict.reason}`);
}
