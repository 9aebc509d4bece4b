import type { Workflow } from "../../core/workflow.ts";
import { planRules } from "../plan.ts";
import type { Rule, RulesFile } from "../rules.ts";
import { JobConditions, scenarioOf } from "./conditions.ts";
import type { WorkflowRepository } from "./repository.ts";
import { type GateEvent, type Triggering, triggering } from "./triggers.ts";

/** The rules and workflows under examination, with what is worked out once and asked often. */
export class Analysis {
  private readonly triggerings = new Map<string, Triggering>();
  private readonly conditionSets = new Map<string, JobConditions>();

  readonly rulesFile: RulesFile;
  readonly repository: WorkflowRepository;

  constructor(rulesFile: RulesFile, repository: WorkflowRepository) {
    this.rulesFile = rulesFile;
    this.repository = repository;
  }

  triggering(workflow: Workflow, event: GateEvent): Triggering {
    const key = `${workflow.file.path}\0${event.event}\0${event.branch}\0${event.headBranch}\0${event.fromFork}\0${event.anyTypes}`;
    let found = this.triggerings.get(key);
    if (!found) {
      found = triggering(workflow, event);
      this.triggerings.set(key, found);
    }
    return found;
  }

  /**
   * When each job of a workflow runs on an event, read with the facts of the trigger that runs it:
   * a `pull_request_target` workflow sees `github.event_name == 'pull_request_target'`, a push
   * workflow that runs for a pull request's branch sees a push to that branch.
   */
  conditions(workflow: Workflow, event: GateEvent): JobConditions {
    const triggered = this.triggering(workflow, event);
    const name = triggered.runs ? triggered.trigger.event : event.event;
    const branch =
      name === "push" && event.event === "pull_request"
        ? (event.headBranch ?? event.branch)
        : event.branch;
    const key = `${workflow.file.path}\0${name}\0${branch}`;
    let found = this.conditionSets.get(key);
    if (!found) {
      found = new JobConditions(workflow, scenarioOf(name, branch));
      this.conditionSets.set(key, found);
    }
    return found;
  }

  /**
   * Whether the gate would require the rule for a change of just this path on this event, with
   * these pull request labels: by the rule's paths and labels, or because the path is the rules
   * file, a workflow or a local action (which make every rule apply). The gate's own planning.
   */
  ruleAppliesTo(rule: Rule, path: string, event: string, labels: readonly string[] = []): boolean {
    const [decision] = planRules(
      { ...this.rulesFile, rules: [rule] },
      { files: [{ path }], complete: true, source: "doctor" },
      { event, labels },
    );
    return decision?.applies ?? false;
  }
}
