import type { RuleDecision } from "../plan.ts";
import type { Analysis } from "./analysis.ts";
import { externalApp, matchRule, type PathCheck } from "./rule-checks.ts";
import { filterRuns, type GateEvent, triggerList } from "./triggers.ts";

/** A workflow run the gate waits to see created: its workflow file and its event. */
export interface ExpectedRun {
  workflow: string;
  event: string;
}

/**
 * For each required rule, the workflows of the commit that will surely run for this event and
 * change and have a job whose check the rule matches. GitHub creates an event's runs one by one,
 * some late, so a check of the rule's name from one workflow must not satisfy the rule before
 * the others' runs exist. Only what is certain counts: the gate's own trigger (not a push that a
 * pull request's branch may have had), `types` that hold new commits, and a paths filter judged
 * against the complete list of changed files; anything else is not waited for.
 */
export function expectedRuns(
  analysis: Analysis,
  decisions: readonly RuleDecision[],
  event: GateEvent,
  paths: PathCheck,
): Map<string, ExpectedRun[]> {
  const expected = new Map<string, ExpectedRun[]>();
  for (const { rule, applies } of decisions) {
    if (!applies || rule.advisory || externalApp(rule)) continue;
    const runs = new Map<string, ExpectedRun>();
    for (const { producer, names } of matchRule(analysis, rule)) {
      // A job whose whole name is computed could be named anything: no sure match.
      if (names.every((name) => name.template === "*")) continue;
      const run = sureRun(analysis, producer.workflow, event, paths);
      if (run) runs.set(run.workflow, run);
    }
    if (runs.size > 0) expected.set(rule.id, [...runs.values()]);
  }
  return expected;
}

function sureRun(
  analysis: Analysis,
  workflow: Parameters<Analysis["triggering"]>[0],
  event: GateEvent,
  paths: PathCheck,
): ExpectedRun | undefined {
  const triggered = analysis.triggering(workflow, event);
  // Only the gate's own event: a pull_request_target workflow's runs may be filed under another
  // commit than the pull request's head, and a push workflow's run under another push.
  if (!triggered.runs || triggered.trigger.event !== event.event) return undefined;
  if (event.event === "pull_request") {
    const types = triggerList(workflow, triggered.trigger, "types");
    if (types && !(types.includes("opened") && types.includes("synchronize"))) return undefined;
  }
  if (triggered.filter && !("changed" in paths && filterRuns(triggered.filter, paths.changed)))
    return undefined;
  return { workflow: workflow.file.path, event: event.event };
}
