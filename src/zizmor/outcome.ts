import { Outcome } from "../core/outcome.ts";
import type { Analysis } from "./analyse.ts";

/**
 * What an analysis shows and decides, added to `outcome`: the gate's outputs, the annotations
 * within GitHub's per-step caps (most severe first), the summary, and the failure when findings
 * reach the threshold. The action and `zizmor report` publish the same outcome.
 */
export function analysisOutcome(
  analysis: Analysis,
  outcome = new Outcome(),
  options: { failOn: string; newFindingsOnly: string },
): Outcome {
  const { verdict } = analysis;
  outcome
    .output("findings", analysis.findings.length)
    .output("failing-findings", verdict.failing.length)
    .output("highest-severity", verdict.highest)
    .output("passed", verdict.passed);
  for (const annotation of analysis.annotations.shown) outcome.annotate(annotation);
  outcome.summary = analysis.summary;
  if (!verdict.passed) {
    outcome.fail(
      `${verdict.failing.length} finding(s) at or above fail-on '${options.failOn}'` +
        (options.newFindingsOnly === "off" ? "" : " that this change introduces"),
    );
  }
  return outcome;
}
