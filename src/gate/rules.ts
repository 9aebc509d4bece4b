import { type ConfigContext, type ConfigLocation, loadYamlConfig } from "../core/config.ts";
import { parseDuration } from "../core/duration.ts";
import type { SourcePosition } from "../core/errors.ts";
import { didYouMean } from "../core/text.ts";
import { getPair, nodePosition } from "../core/yaml-file.ts";
import { compilePaths, type PathMatcher, pathGlobProblem } from "./globs.ts";
import { compileName, type NameTest, namePatternProblem } from "./names.ts";

/** GitHub Actions' app id: the app behind every workflow job's check run. */
export const GITHUB_ACTIONS_APP_ID = 15368;
export { DEFAULT_RULES_PATH } from "./inputs.ts";

/** Conclusions a rule may accept besides `success`; everything else is never success. */
export const ALLOWABLE = ["neutral", "skipped"] as const;
export type Allowable = (typeof ALLOWABLE)[number];

/** The events a workflow can run on, which `events:` and a per-event `allow:` may name. */
export const EVENTS = [
  "branch_protection_rule",
  "check_run",
  "check_suite",
  "create",
  "delete",
  "deployment",
  "deployment_status",
  "discussion",
  "discussion_comment",
  "fork",
  "gollum",
  "issue_comment",
  "issues",
  "label",
  "merge_group",
  "milestone",
  "page_build",
  "public",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_target",
  "push",
  "registry_package",
  "release",
  "repository_dispatch",
  "schedule",
  "status",
  "watch",
  "workflow_call",
  "workflow_dispatch",
  "workflow_run",
] as const;

export interface Rule {
  /** Unique; the key in outputs and the summary. Defaults to `job`, then `check`. */
  id: string;
  /** Check run name or commit status context; a pattern (`test (*)`). */
  check: string | undefined;
  /** Job id in the gate's workflow, for `needs` mode. */
  job: string | undefined;
  /** Workflow file the check must come from (`.github/workflows/wash.yml`); implies GitHub Actions. */
  workflow: string | undefined;
  /** App id or slug the check must come from. */
  app: number | string | undefined;
  /** Changed-path globs that make the rule apply; empty means always. */
  paths: readonly string[];
  /** The events on which the rule is required at all; undefined means every event. */
  events: readonly string[] | undefined;
  /** Pull request labels that make the rule apply whatever the paths. */
  labels: readonly string[];
  /** Conclusions accepted besides success on every event (when `allow` is a list). */
  allow: readonly Allowable[];
  /** Conclusions accepted per event (when `allow` is a mapping); other events accept none. */
  allowByEvent: Readonly<Record<string, readonly Allowable[]>> | undefined;
  /** Check names inside the group that may fail (`continue-on-error` legs). */
  continueOnError: readonly string[];
  timeoutMs: number | undefined;
  advisory: boolean;
  position: SourcePosition;
  matchesPath: PathMatcher;
  matchesName: NameTest;
  mayFail: NameTest;
}

export interface RulesFile {
  path: string;
  rules: Rule[];
  /** Check names that are never waited for (other gates, the verdict check). */
  ignore: NameTest[];
  ignorePatterns: readonly string[];
}

const NAME_PATTERNS = {
  type: "array",
  items: { type: "string", minLength: 1, description: "a check name or pattern such as 'gate'" },
} as const;
const ALLOWED = {
  enum: [...ALLOWABLE],
  description: "a conclusion accepted besides success: neutral or skipped",
} as const;

/** JSON Schema of `.github/status-gate.yml`; editors can use it too (docs/status-gate.md). */
export const RULES_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["rules"],
  properties: {
    ignore: NAME_PATTERNS,
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        anyOf: [{ required: ["check"] }, { required: ["job"] }],
        description:
          "a rule needs 'check' (a check name or pattern) or 'job' (a job id for needs mode)",
        properties: {
          id: {
            type: "string",
            pattern: "^[A-Za-z0-9_.-]+$",
            description: "letters, digits, '_', '.' and '-', such as 'wash'",
          },
          check: { type: "string", minLength: 1 },
          job: {
            type: "string",
            pattern: "^[A-Za-z_][A-Za-z0-9_-]*$",
            description: "a job id such as 'build'",
          },
          workflow: {
            type: "string",
            pattern: "^\\.github/workflows/[^/]+\\.ya?ml$",
            description: "a file under .github/workflows/, such as .github/workflows/ci.yml",
          },
          app: { type: ["integer", "string"] },
          paths: {
            type: "array",
            items: { type: "string", minLength: 1, format: "glob" },
          },
          events: {
            type: "array",
            minItems: 1,
            items: { type: "string", description: "an event name such as push or pull_request" },
          },
          labels: {
            type: "array",
            items: { type: "string", minLength: 1, description: "a pull request label" },
          },
          allow: {
            type: ["array", "object"],
            items: ALLOWED,
            additionalProperties: { type: "array", items: ALLOWED },
            description: "a list such as [skipped], or per event such as {pull_request: [skipped]}",
          },
          "continue-on-error": NAME_PATTERNS,
          timeout: { type: "string", format: "duration" },
          advisory: { type: "boolean" },
        },
      },
    },
  },
} as const;

/** Output names of the action; no rule id may take one (nor `<id>_files` of another rule). */
const RESERVED_IDS = new Set([
  "result",
  "required",
  "satisfied",
  "missing",
  "failed",
  "applies",
  "matched-files",
]);

/** The output listing the changed files that made a rule apply. */
export function filesOutputName(ruleId: string): string {
  return `${ruleId}_files`;
}

interface RawRule {
  id?: string;
  check?: string;
  job?: string;
  workflow?: string;
  app?: number | string;
  paths?: string[];
  events?: string[];
  labels?: string[];
  allow?: Allowable[] | Record<string, Allowable[]>;
  "continue-on-error"?: string[];
  timeout?: string;
  advisory?: boolean;
}

interface RawRules {
  ignore?: string[];
  rules: RawRule[];
}

/**
 * Parses and validates a rules file; every problem, YAML and schema and the gate's own checks, is
 * reported at once as a `FileProblems` at `file:line:column`.
 */
export function parseRules(path: string, text: string): RulesFile {
  const { file, data } = loadYamlConfig<RawRules>(path, text, RULES_SCHEMA, checkRules);
  const rules = data.rules.map((raw, index) =>
    buildRule(raw, nodePosition(file, file.document.getIn(["rules", index], true) as never)),
  );
  const ignorePatterns = data.ignore ?? [];
  return { path, rules, ignorePatterns, ignore: ignorePatterns.map(compileName) };
}

/** The gate's own checks, beyond the schema: ids, globs, name patterns and event names. */
function checkRules(data: RawRules, context: ConfigContext): void {
  // Ids become output names, which GitHub reads without case (`outputs.Lint` is `outputs.lint`):
  // they are told apart in lower case. Each maps to its rule's index and its spelling.
  const ids = new Map<string, { index: number; id: string }>();
  data.rules.forEach((raw, index) => {
    const at = (...path: (string | number)[]) => ["rules", index, ...path];
    const id = idOf(raw);
    const idField = raw.id !== undefined ? "id" : raw.job !== undefined ? "job" : "check";
    const first = ids.get(id.toLowerCase());
    if (first?.id === id) {
      context.problem(
        at(idField),
        `rule id '${id}' is also the id of rule ${first.index + 1}; give one an 'id:'`,
      );
    } else if (first !== undefined) {
      context.problem(
        at(idField),
        `rule id '${id}' is also the id of rule ${first.index + 1} ('${first.id}'), which outputs do not tell apart from it (GitHub reads output names without case); give one another 'id:'`,
      );
    } else ids.set(id.toLowerCase(), { index, id });
    if (RESERVED_IDS.has(id.toLowerCase())) {
      context.problem(at(idField), `rule id '${id}' is an output name; set another 'id:'`);
    }
    for (const [position, pattern] of (raw.paths ?? []).entries()) {
      const problem = pathGlobProblem(pattern);
      if (problem) context.problem(at("paths", position), `path glob '${pattern}': ${problem}`);
    }
    const named = raw.check ?? raw.job;
    const nameProblem = named === undefined ? undefined : namePatternProblem(named);
    if (nameProblem) context.problem(at(idField === "job" ? "job" : "check"), nameProblem);
    checkNamePatterns(raw["continue-on-error"] ?? [], at("continue-on-error"), context);
    for (const [position, event] of (raw.events ?? []).entries()) {
      checkEvent(event, at("events", position), context);
    }
    if (raw.allow !== undefined && !Array.isArray(raw.allow)) {
      const allow = context.node(at("allow"));
      for (const event of Object.keys(raw.allow)) {
        checkEvent(event, getPair(allow, event) ?? at("allow", event), context);
      }
    }
  });
  for (const { id } of ids.values()) {
    const owner = ids.get(filesOutputName(id).toLowerCase());
    if (owner !== undefined) {
      context.problem(
        ["rules", owner.index],
        `rule id '${owner.id}' is the output listing the files of rule '${id}'; set another 'id:'`,
      );
    }
  }
  checkNamePatterns(data.ignore ?? [], ["ignore"], context);
}

function checkNamePatterns(
  patterns: readonly string[],
  path: (string | number)[],
  context: ConfigContext,
): void {
  for (const [index, pattern] of patterns.entries()) {
    const problem = namePatternProblem(pattern);
    if (problem) context.problem([...path, index], problem);
  }
}

function checkEvent(event: string, where: ConfigLocation, context: ConfigContext): void {
  if ((EVENTS as readonly string[]).includes(event)) return;
  context.problem(
    where,
    `'${event}' is not an event a workflow runs on${didYouMean(event, EVENTS)} (such as push, pull_request, merge_group)`,
  );
}

function idOf(raw: RawRule): string {
  return raw.id ?? raw.job ?? (raw.check as string);
}

function buildRule(raw: RawRule, position: SourcePosition): Rule {
  const mayFail = (raw["continue-on-error"] ?? []).map(compileName);
  return {
    id: idOf(raw),
    check: raw.check,
    job: raw.job,
    workflow: raw.workflow,
    app: raw.app,
    paths: raw.paths ?? [],
    events: raw.events,
    labels: raw.labels ?? [],
    allow: Array.isArray(raw.allow) ? raw.allow : [],
    allowByEvent: raw.allow !== undefined && !Array.isArray(raw.allow) ? raw.allow : undefined,
    continueOnError: raw["continue-on-error"] ?? [],
    timeoutMs: raw.timeout === undefined ? undefined : parseDuration(raw.timeout),
    advisory: raw.advisory ?? false,
    position,
    matchesPath: compilePaths(raw.paths ?? []),
    // A job's check run is named after the job when it has no name: of its own.
    matchesName: compileName((raw.check ?? raw.job) as string),
    mayFail: (name) => mayFail.some((matches) => matches(name)),
  };
}

/** What a rule accepts besides success on this event. */
export function allowedOn(rule: Rule, event: string): readonly Allowable[] {
  return rule.allowByEvent ? (rule.allowByEvent[event] ?? []) : rule.allow;
}

/**
 * The one rule that stands in for a rules file the base does not have: every check run and status
 * on the head must pass, and every workflow run on it must finish (as alls-green does), so a
 * pull request that adds the rules file cannot choose what it is held to.
 */
export function everyCheckRule(path: string): Rule {
  const rule = buildRule({ id: "every-check", check: "*" }, { file: path });
  return rule;
}

/** Whether a rule's check must come from GitHub Actions (it pins a workflow or the Actions app). */
export function pinsActions(rule: Rule): boolean {
  return (
    rule.workflow !== undefined ||
    rule.app === GITHUB_ACTIONS_APP_ID ||
    rule.app === "github-actions"
  );
}
