import { type ActionOutcome, Outcome } from "../core/outcome.ts";
import { attachStep } from "./attach.ts";
import { findDrift } from "./drift.ts";
import type { ActionInputs } from "./inputs.ts";
import { planJson } from "./plan.ts";
import { driftSummary, trainSummary } from "./report.ts";
import { loadConfig, runTrain, type TrainDeps } from "./run.ts";

export type ActionDeps = Omit<TrainDeps, "outcome">;

/**
 * The action: with `attach`, the attach step for the drafts of a departed train; on a pull
 * request, the drift check; otherwise the train. Returns the outcome; `runAction` publishes it.
 */
export async function run(inputs: ActionInputs, deps: ActionDeps): Promise<ActionOutcome> {
  if (inputs.attach) return attachStep(inputs.attach, deps.remote, inputs.workspace);
  const config = loadConfig(inputs.repoDir, inputs.configPath);
  const outcome = new Outcome();
  if (inputs.event === "pull_request" || inputs.event === "pull_request_target") {
    deps.git.assertFullHistory();
    const { drift } = await findDrift(deps.git, config, deps.git.resolve("HEAD"));
    for (const item of drift) {
      outcome.annotate({
        level: inputs.failOnDrift ? "error" : "warning",
        title: "train-release: unreleased changes",
        file: item.manifest,
        message: `${item.name} has ${item.commits} releasable commit(s) since ${item.released} and no version bump; the next train releases ${item.next}`,
      });
    }
    outcome
      .output("drift", drift)
      .output("departed", false)
      .output("slot", "")
      .output("reason", "drift-check")
      .output("released", [])
      .output("release-notes", "")
      .output("release-notes-text", "");
    outcome.summary = driftSummary(drift);
    if (inputs.failOnDrift && drift.length > 0) {
      outcome.fail(`${drift.length} component(s) changed without a release`);
    }
    return outcome;
  }
  const result = await runTrain(inputs, config, { ...deps, outcome });
  deps.log(result.detail);
  if (result.plan) {
    deps.log(`plan at ${result.plan.cutoff}:\n${JSON.stringify(planJson(result.plan), null, 2)}`);
  }
  outcome
    .output("departed", result.departed)
    .output("slot", result.slot)
    .output("reason", result.reason)
    .output("released", result.released)
    .output("release-notes", result.releaseNotes)
    .output("release-notes-text", result.releaseNotesText)
    .output("pull-request-url", result.pullRequestUrl ?? "")
    .output("next", result.next ?? "")
    .output("attach", result.attach ?? "");
  outcome.summary = trainSummary(result);
  if (result.failure) outcome.fail(result.failure);
  return outcome;
}
