import type { Job, Workflow } from "../core/workflow.ts";
import { nodePosition } from "../core/yaml-file.ts";
import { Analysis } from "./doctor/analysis.ts";
import { deriveCondition } from "./doctor/derive.ts";
import { gateEventSet } from "./doctor/doctor.ts";
import { commonPattern, escapeNamePattern } from "./doctor/name-pattern.ts";
import type { CheckName } from "./doctor/names.ts";
import type { WorkflowRepository } from "./doctor/repository.ts";
import type { GateEvent, GateEventName } from "./doctor/triggers.ts";
import { renderRules } from "./init-yaml.ts";
import { compileName } from "./names.ts";
import { parseRules } from "./rules.ts";

/** A rule `init` writes, with where each of its lines came from. */
export interface StarterRule {
  id: string;
  /** The job id (for needs mode); undefined when GitHub would not accept it as one. */
  job: string | undefined;
  /** The check name or pattern, when it is not just the job id. */
  check: string | undefined;
  workflow: string;
  paths: string[];
  /** Labels that run the job whatever changed. */
  labels: string[];
  /** The events on which the job may be skipped, which the rule allows there. */
  skippedOn: string[];
  /** One line on where the rule came from (the workflow, the job, the gate job that needs it). */
  source: string;
  checkNote: string | undefined;
  pathsFrom: string | undefined;
  notes: string[];
}

export interface StarterRules {
  rules: StarterRule[];
  events: GateEvent[];
  /** Where the events came from, in words. */
  eventsFrom: string;
  /** The jobs whose needs became rules (`.github/workflows/wash.yml: gate`), or why there were none. */
  gateJobs: string[];
  /** The file's text. */
  text: string;
}

export interface InitOptions {
  events?: GateEventName[];
  defaultBranch: string;
  rulesPath: string;
}

/**
 * The rules a gate would need, read from the workflows: one per job that the workflows' own gate
 * jobs wait for (jobs with `if: always()` or `!cancelled()` that judge `needs.*.result`, or the
 * status gate in needs mode); without any, one per job of the workflows that run on the events.
 */
export function starterRules(repository: WorkflowRepository, options: InitOptions): StarterRules {
  const placeholder = parseRules(options.rulesPath, "rules: []\n");
  const analysis = new Analysis(placeholder, repository);
  const { events, eventsFrom } = gateEventSet(repository, options.events, options.defaultBranch);
  const gates = gateJobs(repository);
  const wanted: { workflow: Workflow; job: Job; source: string }[] = [];
  if (gates.length > 0) {
    for (const { workflow, job: gate } of gates) {
      for (const need of gate.needs) {
        const job = workflow.jobs.find((candidate) => candidate.id === need.id);
        if (!job || wanted.some((w) => w.workflow === workflow && w.job === job)) continue;
        const line = nodePosition(workflow.file, need.node).line;
        wanted.push({
          workflow,
          job,
          source: `${workflow.file.path}: job '${job.id}', in the needs of job '${gate.id}' (line ${line})`,
        });
      }
    }
  } else {
    for (const workflow of repository.workflows) {
      if (!events.some((event) => analysis.triggering(workflow, event).runs)) continue;
      for (const job of workflow.jobs) {
        const line = nodePosition(workflow.file, job.key).line;
        wanted.push({
          workflow,
          job,
          source: `${workflow.file.path}: job '${job.id}' (line ${line})`,
        });
      }
    }
  }
  const ids = new Set<string>();
  const rules = wanted.map(({ workflow, job, source }) => {
    const derived = deriveCondition(analysis, workflow, job, events);
    const { check, note } = checkPattern(repository, workflow, job, derived.skippedOn.length > 0);
    return {
      id: uniqueId(ids, `${stem(workflow.file.path)}-${job.id}`),
      job: JOB_ID.test(job.id) ? job.id : undefined,
      check,
      workflow: workflow.file.path,
      paths: derived.paths,
      labels: derived.labels,
      skippedOn: derived.skippedOn,
      source,
      checkNote: note,
      pathsFrom: derived.pathsFrom,
      notes: derived.notes,
    };
  });
  const result = {
    rules,
    events,
    eventsFrom,
    gateJobs:
      gates.length > 0
        ? gates.map(({ workflow, job }) => `${workflow.file.path}: ${job.id}`)
        : ["none found, so every job of the workflows that run on these events"],
    text: "",
  };
  result.text = renderRules(result, options.rulesPath);
  return result;
}

/** GitHub's job ids, which the rules schema takes for `job:`. */
const JOB_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Jobs that judge the results of their needs: a hand-written gate, or the status gate in needs mode. */
export function gateJobs(repository: WorkflowRepository): { workflow: Workflow; job: Job }[] {
  const found = repository
    .gateUsages()
    .filter((usage) => usage.mode === "needs")
    .map(({ workflow, job }) => ({ workflow, job }));
  for (const workflow of repository.workflows) {
    for (const job of workflow.jobs) {
      if (job.needs.length === 0 || found.some((gate) => gate.job === job)) continue;
      if (!/always\(\)|cancelled\(\)/.test(job.condition ?? "")) continue;
      const texts = [
        ...job.env,
        ...job.steps.flatMap((step) => [step.run ?? "", ...step.env, ...Object.values(step.with)]),
      ];
      if (texts.some((text) => /needs\.\*\.result|toJSON\(\s*needs\s*\)/i.test(text))) {
        found.push({ workflow, job });
      }
    }
  }
  return found;
}

/**
 * The check a job's rule waits for: nothing (the job id is the check name), its one name, or the
 * pattern of its names (`check (*)`, `matrix / *`), which also matches the names GitHub cuts at
 * 100 characters. A rule that allows a skipped job also matches the name its check has then
 * (`build*` for `build (*)` and `build`).
 */
function checkPattern(
  repository: WorkflowRepository,
  workflow: Workflow,
  job: Job,
  allowSkipped: boolean,
): { check: string | undefined; note: string | undefined } {
  const producer = repository.producers().find((p) => p.workflow === workflow && p.job === job);
  if (!producer) return { check: undefined, note: undefined };
  let { check, note } = runPattern(producer.names, job);
  const skipped = producer.skipped;
  const matches = compileName(check ?? job.id);
  if (allowSkipped && skipped.literal !== undefined && !matches(skipped.literal)) {
    check = commonPattern([check ?? escapeNamePattern(job.id), skipped.template]);
    note = `${note ? `${note}; ` : ""}when the job is skipped GitHub names its check '${skipped.text}', which the pattern matches too`;
  }
  return { check, note };
}

function runPattern(
  names: CheckName[],
  job: Job,
): { check: string | undefined; note: string | undefined } {
  const [first] = names;
  if (!first) return { check: undefined, note: undefined };
  if (names.length === 1 && first.literal !== undefined) {
    if (first.literal === job.id) return { check: undefined, note: undefined };
    return { check: first.template, note: undefined };
  }
  const templates = [...new Set(names.map((name) => name.template))];
  const pattern = commonPattern(templates);
  const shown = names.slice(0, 3).map((name) => name.text);
  const note = `${names.length === 1 ? "a name computed at run time" : `${names.length} checks`}: ${shown.join(", ")}${names.length > 3 ? ", ..." : ""}`;
  return { check: pattern, note };
}

function stem(path: string): string {
  return (path.split("/").at(-1) ?? path).replace(/\.ya?ml$/i, "");
}

/**
 * An id of the rules schema, unused so far in any case (outputs do not tell `CI-lint` from
 * `ci-lint`); with a `-` in it, it can never be an output's name.
 */
function uniqueId(taken: Set<string>, wanted: string): string {
  const cleaned = wanted.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "");
  const short = cleaned.slice(0, 64).replace(/-+$/, "");
  const base = short.includes("-") ? short : `${short || "rule"}-job`;
  let id = base;
  for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base}-${n}`;
  taken.add(id.toLowerCase());
  return id;
}
