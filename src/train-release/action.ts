import { annotate } from "../core/log.ts";
import type { Summary } from "../core/summary.ts";
import { findDrift } from "./drift.ts";
import { planJson } from "./plan.ts";
import { driftSummary, trainSummary } from "./report.ts";
import { loadConfig, runTrain, type TrainDeps, type TrainInputs } from "./run.ts";

export interface ActionInputs extends TrainInputs {
  repoDir: string;
  failOnDrift: boolean;
}

export interface ActionOutcome {
  outputs: Record<string, string>;
  summary: Summary;
  /** The step fails (drift with fail-on-drift). */
  failure: string | undefined;
}

/**
 * The action: on a pull request, the drift check; on a schedule or dispatch, the train. Returns
 * the outputs and the job summary for the entry to write.
 */
export async function run(inputs: ActionInputs, deps: TrainDeps): Promise<ActionOutcome> {
  const config = loadConfig(inputs.repoDir, inputs.configPath);
  if (inputs.event === "pull_request" || inputs.event === "pull_request_target") {
    deps.git.assertFullHistory();
    const { drift } = findDrift(deps.git, config, deps.git.resolve("HEAD"));
    for (const item of drift) {
      annotate({
        level: inputs.failOnDrift ? "error" : "warning",
        title: "train-release: unreleased changes",
        file: item.manifest,
        message: `${item.name} has ${item.commits} releasable commit(s) since ${item.released} and no version bump; the next train releases ${item.next}`,
      });
    }
    return {
      outputs: {
        drift: JSON.stringify(drift),
        departed: "false",
        slot: "",
        reason: "drift-check",
        released: "[]",
        "release-notes": "",
      },
      summary: driftSummary(drift),
      failure:
        inputs.failOnDrift && drift.length > 0
          ? `${drift.length} component(s) changed without a release`
          : undefined,
    };
  }
  const result = await runTrain(inputs, config, deps);
  deps.log(result.detail);
  if (result.plan)
    deps.log(`plan at ${result.plan.cutoff}:\n${JSON.stringify(planJson(result.plan), null, 2)}`);
  return {
    outputs: {
      departed: String(result.departed),
      slot: result.slot,
      reason: result.reason,
      released: JSON.stringify(result.released),
      "release-notes": result.releaseNotes,
      "pull-request-url": result.pullRequestUrl ?? "",
    },
    summary: trainSummary(result),
    failure: undefined,
  };
}
