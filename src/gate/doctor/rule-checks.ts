import { closest } from "../../core/text.ts";
import { nodePosition } from "../../core/yaml-file.ts";
import { allowedOn, pinsActions, type Rule } from "../rules.ts";
import type { Analysis } from "./analysis.ts";
import { type Finding, type FindingKind, listed, some } from "./findings.ts";
import { commonPattern, type NameToken, overlap, patternTokens } from "./name-pattern.ts";
import type { CheckName } from "./names.ts";
import type { Producer } from "./repository.ts";
import {
  describeEvent,
  examplePaths,
  filterExamplePaths,
  filterRuns,
  type GateEvent,
  type PathFilter,
} from "./triggers.ts";

/** The jobs whose check runs a rule matches, and which of their names it matches. */
export interface RuleMatch {
  producer: Producer;
  names: CheckName[];
}

/** What a rule waits for in checks mode: its check name, or its job id when it has no check. */
export function ruleCheckName(rule: Rule): string {
  return (rule.check ?? rule.job) as string;
}

export function nameMatches(rule: Rule, tokens: NameToken[], name: CheckName): boolean {
  if (name.literal !== undefined) return rule.matchesName(name.literal);
  return name.forms.some((form) => overlap(tokens, form));
}

/**
 * The jobs that produce a check run the rule would count, within its pinned workflow if any. A
 * job whose whole name is computed at run time (`name: ${{ matrix.bench }}`) could match any
 * rule: such jobs count only when no job with a known name matches.
 */
export function matchRule(analysis: Analysis, rule: Rule): RuleMatch[] {
  const tokens = patternTokens(ruleCheckName(rule));
  const matching = (opaque: boolean) =>
    candidates(analysis, rule).flatMap((producer) => {
      const names = producer.names.filter(
        (name) => (name.template === "*") === opaque && nameMatches(rule, tokens, name),
      );
      return names.length > 0 ? [{ producer, names }] : [];
    });
  const known = matching(false);
  return known.length > 0 ? known : matching(true);
}

function candidates(analysis: Analysis, rule: Rule): Producer[] {
  const { repository } = analysis;
  return rule.workflow === undefined
    ? repository.producers()
    : repository.producersOf(rule.workflow);
}

/** A rule checks mode cannot judge here: its checks come from an app other than GitHub Actions. */
export function externalApp(rule: Rule): boolean {
  return rule.app !== undefined && !pinsActions(rule);
}

/**
 * How to judge workflows' paths filters: by example paths the rule applies to (the doctor), or
 * against the files a change really touches (the gate, when it starts).
 */
export type PathCheck = { examples: true } | { changed: readonly string[] } | { skip: true };

/**
 * Checks mode: why a rule can never be satisfied, or not on some of the events. Each finding is
 * at the rule's line.
 */
export function checkRule(
  analysis: Analysis,
  rule: Rule,
  events: readonly GateEvent[],
  paths: PathCheck = { examples: true },
): Finding[] {
  const finding = (kind: FindingKind, message: string, extra: Partial<Finding> = {}): Finding => ({
    kind,
    level: rule.advisory ? "warning" : "error",
    rule: rule.id,
    message: `rule '${rule.id}': ${message}`,
    position: rule.position,
    ...extra,
  });
  if (rule.workflow !== undefined && !analysis.repository.workflow(rule.workflow)) {
    const invalid = analysis.repository.invalid.find((file) => file.path === rule.workflow);
    if (invalid) {
      return [
        finding(
          "invalid-workflow",
          `its workflow ${rule.workflow} cannot run: ${invalid.problem.message} (line ${invalid.problem.position.line})`,
          { workflow: rule.workflow },
        ),
      ];
    }
    const hint = closest(rule.workflow, analysis.repository.paths, 4);
    return [
      finding(
        "workflow-missing",
        `workflow: ${rule.workflow} is not a file of this repository${hint ? `; did you mean ${hint}?` : ""}`,
        { workflow: rule.workflow },
      ),
    ];
  }
  const matches = matchRule(analysis, rule);
  if (matches.length === 0) {
    const message = noCheckMessage(analysis, rule);
    // Without workflow: a commit status, another app's check or one a step posts may satisfy the
    // rule, which no workflow file shows: an error only when a job's name makes a slip likely.
    const slip = /did you mean|add check:/.test(message);
    const level = rule.workflow === undefined && !slip ? "warning" : finding("no-check", "").level;
    return [{ ...finding("no-check", message), level }];
  }
  if (matches.every((match) => match.names.every((name) => name.template === "*"))) {
    const jobs = matches.map(
      ({ producer }) => `'${producer.job.id}' of ${producer.workflow.file.path}`,
    );
    const message = noCheckMessage(analysis, rule);
    // Without a likely typo to name, the computed name may well be the one the rule means.
    const level = message.includes("did you mean") ? "error" : "warning";
    return [
      {
        ...finding(
          "no-check",
          `${message}; only jobs whose whole name is computed at run time could (${some(jobs, 3)})`,
        ),
        level,
      },
    ];
  }
  // A rule with `events:` is required on those events only.
  const required = events.filter((event) => rule.events?.includes(event.event) ?? true);
  return required.flatMap((event) => eventFindings(analysis, rule, matches, event, finding, paths));
}

function noCheckMessage(analysis: Analysis, rule: Rule): string {
  const wanted = ruleCheckName(rule);
  const within = rule.workflow ? `no job of ${rule.workflow}` : "no job of any workflow";
  const base = `it waits for a check named '${wanted}', and ${within} produces one`;
  const names = candidates(analysis, rule).flatMap((producer) =>
    producer.names.map((name) => ({ producer, name })),
  );
  if (rule.check === undefined) {
    const job = names.filter(({ producer }) => producer.job.id === rule.job);
    if (job.length > 0) {
      return `${base}: a rule without check: waits for a check named after the job id, and job '${rule.job}' is shown as ${some(
        job.map(({ name }) => `'${name.text}'`),
        3,
      )}; add check: '${job[0]?.name.template}'`;
    }
  }
  const texts = [...new Set(names.map(({ name }) => name.text))];
  const hint = closest(wanted, texts);
  if (hint) return `${base}; did you mean '${hint}'?`;
  const listedNames = rule.workflow
    ? `; its checks are ${some(
        texts.map((t) => `'${t}'`),
        6,
      )}`
    : "";
  const outside = rule.workflow
    ? ""
    : pinsActions(rule)
      ? " (a check run a step posts through the API may still satisfy it)"
      : " (a commit status or another app's check run may still satisfy it; pin an app's check with app:)";
  return `${base}${listedNames}${outside}`;
}

type MakeFinding = (kind: FindingKind, message: string, extra?: Partial<Finding>) => Finding;

interface Running extends RuleMatch {
  filter: PathFilter | undefined;
}

function eventFindings(
  analysis: Analysis,
  rule: Rule,
  matches: RuleMatch[],
  event: GateEvent,
  finding: MakeFinding,
  paths: PathCheck,
): Finding[] {
  const where = describeEvent(event);
  const triggered: Running[] = [];
  const refused: { match: RuleMatch; kind: FindingKind; reason: string; onPush: boolean }[] = [];
  for (const match of matches) {
    const result = analysis.triggering(match.producer.workflow, event);
    if (result.runs) triggered.push({ ...match, filter: result.filter });
    else
      refused.push({
        match,
        kind: result.kind,
        reason: result.reason,
        onPush: result.onPush === true,
      });
  }
  if (triggered.length === 0) {
    const reasons = [
      ...new Set(
        refused.map(({ match, reason }) => `${match.producer.workflow.file.path}: ${reason}`),
      ),
    ];
    const [first] = refused;
    const found = finding(
      first?.kind ?? "not-triggered",
      `on ${where}, where the gate runs, the workflow of its check does not run (${reasons.join("; ")})`,
      { event: where, workflow: first?.match.producer.workflow.file.path },
    );
    // Pushes to this repository's branches may still bring the checks: a warning, not an error.
    return [refused.every((refusal) => refusal.onPush) ? { ...found, level: "warning" } : found];
  }
  const found: Finding[] = [];
  const allowSkipped = allowedOn(rule, event.event).includes("skipped");
  const skipped = triggered.filter(
    (match) =>
      analysis.conditions(match.producer.workflow, event).runsWhen(match.producer.job) === false,
  );
  if (skipped.length > 0 && !allowSkipped) {
    const jobs = skipped.map(({ producer }) => {
      const line = producer.job.condition === undefined ? undefined : conditionLine(producer);
      return `job '${producer.job.id}' of ${producer.workflow.file.path}${line ? ` (if: at line ${line})` : " (a job it needs never runs)"}`;
    });
    found.push(
      finding(
        "skipped",
        `on ${where} ${listed(jobs)} is always skipped, which fails the rule; add allow: [skipped], or give the rule the paths for which the job runs`,
        {
          event: where,
          workflow: skipped[0]?.producer.workflow.file.path,
          job: skipped[0]?.producer.job.id,
        },
      ),
    );
  }
  if (allowSkipped) {
    const tokens = patternTokens(ruleCheckName(rule));
    const unmatched = triggered.filter(
      ({ producer }) =>
        analysis.conditions(producer.workflow, event).runsWhen(producer.job) !== true &&
        !nameMatches(rule, tokens, producer.skipped),
    );
    for (const { producer } of unmatched) {
      const written = producer.skipped.text;
      found.push(
        finding(
          "skipped-name",
          `on ${where} job '${producer.job.id}' of ${producer.workflow.file.path} may be skipped, and then GitHub names its check '${written}' (${producer.job.calls ? "the workflow it calls is not run" : "its matrix is not expanded"}), which the rule does not match: the gate would wait for it until its timeout; match that name too, such as '${commonPattern([producer.names[0]?.template ?? "", producer.skipped.template])}'`,
          { event: where, workflow: producer.workflow.file.path, job: producer.job.id },
        ),
      );
    }
  }
  const running = allowSkipped ? triggered : triggered.filter((match) => !skipped.includes(match));
  if ("skip" in paths || running.length === 0 || !running.every((match) => match.filter)) {
    return found;
  }
  const filters = [
    ...new Set(
      running.map(
        ({ producer, filter }) =>
          `${producer.workflow.file.path} (${filter?.kind}: ${some((filter as PathFilter).patterns, 3)}, line ${nodePosition(producer.workflow.file, filter?.node).line})`,
      ),
    ),
  ];
  const extra = { event: where, workflow: running[0]?.producer.workflow.file.path };
  if ("changed" in paths) {
    if (running.some((match) => filterRuns(match.filter, paths.changed))) return found;
    found.push(
      finding(
        "path-filtered",
        `on this ${where} the paths filter of ${listed(filters)} skips the workflow: none of the ${paths.changed.length} changed files passes it, yet the rule applies`,
        extra,
      ),
    );
    return found;
  }
  const example = pathExample(analysis, rule, running, event);
  if (example) {
    const { path, label } = example;
    const why = label
      ? ` (the label '${label}' makes the rule apply whatever changed)`
      : rule.paths.length > 0 && !rule.matchesPath.match(path)
        ? ` (a change to the rules file, to a workflow or to a local action makes every rule apply: let the workflow run for ${analysis.rulesFile.path}, .github/workflows/** and .github/actions/** too)`
        : "";
    found.push(
      finding(
        "path-filtered",
        `on ${where} the paths filter of ${listed(filters)} skips the workflow for a change to only '${path}'${label ? ` in a pull request labelled '${label}'` : ""}, yet the rule applies to it${why}`,
        { ...extra, example: path },
      ),
    );
  }
  return found;
}

function conditionLine(producer: Producer): number | undefined {
  const pair = producer.job.body?.items.find(
    (item) => (item.key as { value?: unknown }).value === "if",
  );
  return pair ? nodePosition(producer.workflow.file, pair.key).line : undefined;
}

/**
 * A changed path the rule applies to for which none of the running workflows' paths filters let
 * them run: tried from the rule's own globs, the filters' globs, the rules file, the workflows and
 * a local action; then, on pull requests, with one of the rule's labels, which make it apply.
 */
function pathExample(
  analysis: Analysis,
  rule: Rule,
  running: Running[],
  event: GateEvent,
): { path: string; label?: string } | undefined {
  const filters = running.map((match) => match.filter as PathFilter);
  const candidates = new Set([
    ...examplePaths(rule.paths.filter((path) => !path.startsWith("!"))),
    ...filterExamplePaths(filters.flatMap((filter) => filter.patterns)),
    "README.md",
    "example.txt",
    analysis.rulesFile.path,
    ...analysis.repository.paths,
    ".github/actions/example/action.yml",
  ]);
  const skipped = [...candidates].filter((path) => !filters.some((f) => filterRuns(f, [path])));
  const path = skipped.find((candidate) => analysis.ruleAppliesTo(rule, candidate, event.event));
  if (path !== undefined) return { path };
  const [label] = event.event === "pull_request" ? rule.labels : [];
  if (label === undefined) return undefined;
  const labelled = skipped.find((candidate) =>
    analysis.ruleAppliesTo(rule, candidate, event.event, [label]),
  );
  return labelled === undefined ? undefined : { path: labelled, label };
}
