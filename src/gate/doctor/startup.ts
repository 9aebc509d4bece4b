import { Git } from "../../core/git.ts";
import { FileProblems, type YamlPosition } from "../../core/yaml-file.ts";
import { COMPARE_FILES_CAP } from "../changes.ts";
import type { ChangeSet, RuleDecision } from "../plan.ts";
import type { RulesFile } from "../rules.ts";
import { Analysis } from "./analysis.ts";
import { type ExpectedRun, expectedRuns } from "./expected-runs.ts";
import type { FindingKind } from "./findings.ts";
import { readRepository } from "./repository.ts";
import { checkRule, externalApp, type PathCheck } from "./rule-checks.ts";
import type { GateEvent } from "./triggers.ts";

/** What the gate knows when it starts in checks mode, before it waits for anything. */
export interface StartupCheck {
  rulesFile: RulesFile;
  decisions: readonly RuleDecision[];
  changes: ChangeSet;
  /** The event the gate runs for, and its payload (for the base branch or the pushed branch). */
  event: string;
  payload: Record<string, unknown>;
  /** Whether the change was measured from an exact base commit (not a merge base fallback). */
  exactBase: boolean;
  workspace: string;
  /** The commits whose workflows would run: the evaluated head and `GITHUB_SHA` (a PR's merge commit). */
  commits: readonly string[];
  log(text: string): void;
}

/** Kinds that would make the gate wait until its timeout; the others the gate judges at once. */
const WAITS_FOREVER = new Set<FindingKind>([
  "no-check",
  "workflow-missing",
  "invalid-workflow",
  "not-triggered",
  "branch-filtered",
  "path-filtered",
]);

/**
 * The doctor's checks for the rules this change requires that are pinned to a workflow, when the
 * gate starts: a rule whose check no workflow of the checkout will produce on this event (no such job, a missing or broken
 * workflow, a trigger, branches or paths filter that leaves this change out) fails the gate now,
 * annotated at the rule's line, instead of after the timeout. The workflows are read from the
 * workspace only when it holds the commit being judged; otherwise the check is skipped, saying so.
 * Returns the workflow runs each rule must see created before it can be satisfied
 * (expected-runs.ts); undefined when the check was skipped.
 */
export async function checkRulesAtStart(
  check: StartupCheck,
): Promise<Map<string, ExpectedRun[]> | undefined> {
  const event = gateEvent(check.event, check.payload);
  if (!event) {
    check.log(
      `Start-up check of the rules skipped: it knows no workflow triggers for '${check.event}' events.`,
    );
    return undefined;
  }
  const repository = await readRepository(check.workspace);
  const head = await new Git(check.workspace).value(["rev-parse", "HEAD"]).catch(() => undefined);
  if (!repository || !head || !check.commits.includes(head)) {
    check.log(
      "Start-up check of the rules skipped: the workspace holds no checkout of this commit's workflows.",
    );
    return undefined;
  }
  const analysis = new Analysis(check.rulesFile, repository);
  const paths = pathCheck(check);
  // Only a rule pinned to a workflow waits for that workflow's jobs alone. Any other rule may be
  // satisfied by a commit status, another app's check run, or a check run a step posts through
  // the API, none of which the workflow files show: it is waited for as usual.
  const judged = check.decisions.filter(
    ({ rule, applies }) =>
      applies && !rule.advisory && rule.workflow !== undefined && !externalApp(rule),
  );
  const findings = judged
    .flatMap(({ rule }) => checkRule(analysis, rule, [event], paths))
    .filter((finding) => finding.level === "error" && WAITS_FOREVER.has(finding.kind));
  if (findings.length === 0) {
    const others = check.decisions.filter((d) => d.applies && !judged.includes(d)).length;
    check.log(
      `Start-up check: every required rule has a workflow that runs for this ${check.event}.${others > 0 ? ` (${others} not pinned to a workflow, which a commit status or another app's check may satisfy, are left to the wait.)` : ""}`,
    );
    return expectedRuns(analysis, check.decisions, event, paths);
  }
  throw new FileProblems(
    check.rulesFile.path,
    findings.map((finding) => ({
      message: `${finding.message}; it can never be satisfied, so the gate stops now (status-gate gate doctor: ${finding.kind})`,
      position: {
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        ...finding.position,
      } as YamlPosition,
    })),
  );
}

/**
 * The changed files against the workflows' paths filters, when GitHub filters the same diff:
 * a pull request's files, or a push from an exact `before`, complete and within the 300 files
 * that GitHub's paths filters read. Otherwise paths filters are not judged at all.
 */
function pathCheck(check: StartupCheck): PathCheck {
  const { changes } = check;
  const files = changes.files.flatMap((file) =>
    file.previousPath ? [file.path, file.previousPath] : [file.path],
  );
  const comparable =
    check.event.startsWith("pull_request") || (check.event === "push" && check.exactBase);
  if (!comparable || !changes.complete || changes.everythingBecause || files.length === 0)
    return { skip: true };
  if (files.length > COMPARE_FILES_CAP) return { skip: true };
  return { changed: files };
}

function gateEvent(name: string, payload: Record<string, unknown>): GateEvent | undefined {
  const field = (path: string[]) =>
    path.reduce<unknown>(
      (value, key) => (value as Record<string, unknown> | undefined)?.[key],
      payload,
    );
  if (name === "pull_request" || name === "pull_request_target") {
    const branch = field(["pull_request", "base", "ref"]);
    if (typeof branch !== "string") return undefined;
    const head = field(["pull_request", "head", "ref"]);
    const headRepository = field(["pull_request", "head", "repo", "full_name"]);
    const baseRepository = field(["pull_request", "base", "repo", "full_name"]);
    // Pushes to a branch of this repository run push workflows on the pull request's commits.
    const known = typeof headRepository === "string" && typeof baseRepository === "string";
    const own = known && typeof head === "string" && headRepository === baseRepository;
    return {
      event: "pull_request",
      branch,
      headBranch: own ? head : undefined,
      fromFork: known && headRepository !== baseRepository,
      anyTypes: true,
    };
  }
  if (name === "merge_group") {
    const ref = field(["merge_group", "base_ref"]);
    return typeof ref === "string"
      ? { event: "merge_group", branch: ref.replace(/^refs\/heads\//, "") }
      : undefined;
  }
  if (name === "push") {
    const ref = field(["ref"]);
    return typeof ref === "string" && ref.startsWith("refs/heads/")
      ? { event: "push", branch: ref.slice("refs/heads/".length) }
      : undefined;
  }
  return undefined;
}
