import { didYouMean } from "../../core/text.ts";
import type { Workflow } from "../../core/workflow.ts";
import { nodePosition } from "../../core/yaml-file.ts";
import { rulesForWorkflow } from "../needs.ts";
import { allowedOn, type RulesFile } from "../rules.ts";
import { Analysis } from "./analysis.ts";
import { byPosition, type Finding, listed } from "./findings.ts";
import { describe } from "./formula.ts";
import type { GateUsage, WorkflowRepository } from "./repository.ts";
import { checkRule, externalApp } from "./rule-checks.ts";
import {
  describeEvent,
  filterMatches,
  GATE_EVENTS,
  type GateEvent,
  type GateEventName,
  triggerList,
} from "./triggers.ts";

export interface DoctorOptions {
  rulesFile: RulesFile;
  repository: WorkflowRepository;
  /** The events to check (`--events`), instead of those of the workflows that run the gate. */
  events?: GateEventName[];
  /** The repository's default branch: what `push` and pull requests target without a filter. */
  defaultBranch: string;
}

export interface DoctorReport {
  rulesPath: string;
  rules: number;
  workflows: number;
  /** Checks-mode gates (or the assumed one) and needs-mode gates, with the events each runs for. */
  gates: {
    workflow: string | undefined;
    job: string | undefined;
    mode: "checks" | "needs";
    events: GateEvent[];
  }[];
  /** Where the events came from, in words. */
  eventsFrom: string;
  findings: Finding[];
  /** Rules the doctor cannot judge, and why. */
  notChecked: { rule: string; reason: string }[];
}

/**
 * Every reason a rule of the file can never be satisfied by the repository's workflows, or not on
 * an event the gate runs for; and, for gates in needs mode, needs the rules do not cover safely.
 */
export function diagnose(options: DoctorOptions): DoctorReport {
  const { rulesFile, repository } = options;
  const analysis = new Analysis(rulesFile, repository);
  const usages = repository.gateUsages().filter((usage) => usage.mode !== "plan");
  const eventsOf = (workflow: Workflow | undefined) =>
    options.events
      ? options.events.map((event) => ({ event, branch: options.defaultBranch }))
      : workflow
        ? gateEvents(workflow, options.defaultBranch)
        : [{ event: "pull_request" as const, branch: options.defaultBranch }];
  const gates: DoctorReport["gates"] = usages.map((usage) => ({
    workflow: usage.workflow.file.path,
    job: usage.job.id,
    mode: usage.mode as "checks" | "needs",
    events: eventsOf(usage.workflow),
  }));
  if (usages.length === 0) {
    gates.push({
      workflow: undefined,
      job: undefined,
      mode: "checks",
      events: eventsOf(undefined),
    });
  }
  const findings: Finding[] = [];
  const notChecked: DoctorReport["notChecked"] = [];
  const checksGates = gates.filter((gate) => gate.mode === "checks");
  const events = unique(checksGates.flatMap((gate) => gate.events));
  for (const rule of checksGates.length > 0 ? rulesFile.rules : []) {
    if (externalApp(rule)) {
      notChecked.push({
        rule: rule.id,
        reason: `its checks come from the app ${rule.app}, not from workflows`,
      });
      continue;
    }
    findings.push(...checkRule(analysis, rule, events));
  }
  for (const usage of usages.filter((candidate) => candidate.mode === "needs")) {
    findings.push(...needsFindings(analysis, usage, eventsOf(usage.workflow)));
  }
  for (const invalid of repository.invalid) {
    if (findings.some((finding) => finding.workflow === invalid.path)) continue;
    findings.push({
      kind: "invalid-workflow",
      level: "warning",
      rule: undefined,
      message: `${invalid.path} cannot run: ${invalid.problem.message}; no check of it can satisfy a rule`,
      position: invalid.problem.position,
      workflow: invalid.path,
    });
  }
  return {
    rulesPath: rulesFile.path,
    rules: rulesFile.rules.length,
    workflows: repository.paths.length,
    gates,
    eventsFrom: gateEventSet(repository, options.events, options.defaultBranch).eventsFrom,
    findings: findings.sort(byPosition),
    notChecked,
  };
}

/**
 * The events the gate runs for: `--events` on the default branch, else those of the workflows
 * that run the status gate, else pull requests to the default branch (said so in `eventsFrom`).
 */
export function gateEventSet(
  repository: WorkflowRepository,
  override: readonly GateEventName[] | undefined,
  defaultBranch: string,
): { events: GateEvent[]; eventsFrom: string } {
  if (override) {
    return {
      events: override.map((event) => ({ event, branch: defaultBranch })),
      eventsFrom: "chosen with --events",
    };
  }
  const usages = repository.gateUsages().filter((usage) => usage.mode !== "plan");
  if (usages.length === 0) {
    return {
      events: [{ event: "pull_request", branch: defaultBranch }],
      eventsFrom:
        "no workflow runs the status gate yet, so pull requests are assumed; --events to choose",
    };
  }
  const workflows = [...new Set(usages.map((usage) => usage.workflow))];
  return {
    events: unique(workflows.flatMap((workflow) => gateEvents(workflow, defaultBranch))),
    eventsFrom: `the triggers of ${listed(workflows.map((workflow) => workflow.file.path))}, which run the status gate`,
  };
}

function unique(events: GateEvent[]): GateEvent[] {
  const seen = new Map(events.map((event) => [`${event.event}\0${event.branch}`, event]));
  return [...seen.values()];
}

/**
 * The events a workflow that runs the gate is triggered on, each with a branch: the literal
 * branches of its filter (a pattern stands for an example branch), else the default branch.
 */
export function gateEvents(workflow: Workflow, defaultBranch: string): GateEvent[] {
  const events: GateEvent[] = [];
  for (const name of GATE_EVENTS) {
    const names = name === "pull_request" ? ["pull_request", "pull_request_target"] : [name];
    const trigger = workflow.triggers.find((candidate) => names.includes(candidate.event));
    if (!trigger) continue;
    const list = (key: string) => triggerList(workflow, trigger, key);
    const branches = list("branches");
    const ignored = list("branches-ignore");
    if (name === "push" && !branches && !ignored && (list("tags") || list("tags-ignore"))) continue;
    const chosen = branches
      ? branches.filter((branch) => !branch.startsWith("!")).map(exampleBranch)
      : [defaultBranch];
    for (const branch of chosen) {
      if (ignored && filterMatches(ignored, branch)) continue;
      events.push({ event: name, branch });
    }
  }
  return events;
}

function exampleBranch(pattern: string): string {
  return pattern
    .replace(/\*\*?/g, "example")
    .replace(/\?/g, "x")
    .replace(/\[!?([^\]]*)\]/g, (_, body: string) => body[0] ?? "x");
}

/** Needs mode: rules whose job the gate cannot see, and needs it would judge red when skipped. */
function needsFindings(analysis: Analysis, usage: GateUsage, events: GateEvent[]): Finding[] {
  const { workflow, job: gate } = usage;
  const path = workflow.file.path;
  const needs = gate.needs.map((need) => need.id);
  const rules = rulesForWorkflow(analysis.rulesFile.rules, path);
  const findings: Finding[] = [];
  for (const rule of rules) {
    const job = rule.job as string;
    const level = rule.advisory ? "warning" : "error";
    if (!needs.includes(job)) {
      const exists = workflow.jobs.some((candidate) => candidate.id === job);
      findings.push({
        kind: "not-in-needs",
        level,
        rule: rule.id,
        message: `rule '${rule.id}': job '${job}' is not in the needs of the gate job '${gate.id}' of ${path}${
          exists
            ? ""
            : ` (${path} has no job '${job}'${didYouMean(
                job,
                workflow.jobs.map((j) => j.id),
              )})`
        }, so the gate stops with a configuration error; add it to needs:${rule.workflow ? "" : " or pin the rule to its workflow: with workflow:"}`,
        position: rule.position,
        workflow: path,
        job,
      });
      continue;
    }
    const target = workflow.jobs.find((candidate) => candidate.id === job);
    const skippedOn = events.filter(
      (event) =>
        target &&
        (rule.events?.includes(event.event) ?? true) &&
        !allowedOn(rule, event.event).includes("skipped") &&
        analysis.conditions(workflow, event).runsWhen(target) === false,
    );
    if (target && skippedOn.length > 0) {
      findings.push({
        kind: "skipped",
        level,
        rule: rule.id,
        message: `rule '${rule.id}': job '${job}' of ${path} is always skipped on ${listed(skippedOn.map(describeEvent))}, which fails the rule; add allow: [skipped], or give the rule the paths for which the job runs`,
        position: rule.position,
        event: describeEvent(skippedOn[0] as GateEvent),
        workflow: path,
        job,
      });
    }
  }
  const ruled = new Set(rules.map((rule) => rule.job));
  for (const need of gate.needs) {
    const job = workflow.jobs.find((candidate) => candidate.id === need.id);
    if (ruled.has(need.id) || !job) continue;
    const when = events.map((event) => ({
      event,
      runs: analysis.conditions(workflow, event).runsWhen(job),
    }));
    const skippable = when.filter(({ runs }) => runs !== true);
    if (skippable.length === 0) continue;
    const [first] = skippable as [(typeof when)[number]];
    const condition =
      first.runs === false ? "it never runs there" : `it runs only when ${describe(first.runs)}`;
    findings.push({
      kind: "unruled-need",
      level: "error",
      rule: undefined,
      message: `job '${need.id}' is in the needs of the gate job '${gate.id}' without a rule, and may be skipped on ${listed(skippable.map(({ event }) => describeEvent(event)))} (${condition}); a skipped need without a rule turns the gate red: add a rule with job: ${need.id} and the paths for which it runs, or allow: [skipped]`,
      position: nodePosition(workflow.file, need.node),
      event: describeEvent(first.event),
      workflow: path,
      job: need.id,
    });
  }
  return findings;
}
