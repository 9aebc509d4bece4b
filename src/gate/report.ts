import { formatDuration } from "../core/duration.ts";
import { escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
import type { MatchedCheck, RuleEvaluation } from "./evaluate.ts";
import type { UnruledNeed } from "./needs.ts";

export type GateResult = "success" | "failure" | "pending" | "awaiting-approval" | "stale";

export interface GateVerdict {
  result: GateResult;
  /** One sentence: why the gate is (not) green. */
  reason: string;
  evaluations: RuleEvaluation[];
  unruled: UnruledNeed[];
}

/** The outputs every mode writes: `result` and four JSON arrays of rule ids. */
export function verdictOutputs(verdict: GateVerdict): Record<string, string> {
  const ids = (keep: (evaluation: RuleEvaluation) => boolean) =>
    JSON.stringify(verdict.evaluations.filter(keep).map((evaluation) => evaluation.rule.id));
  return {
    result: verdict.result,
    required: ids((e) => e.state !== "not-required"),
    satisfied: ids((e) => e.state === "satisfied"),
    missing: ids((e) => ["pending", "missing", "awaiting-approval", "timed-out"].includes(e.state)),
    failed: ids((e) => e.state === "failed"),
  };
}

/** What is still outstanding, printed on every poll. */
export function progressLine(evaluations: readonly RuleEvaluation[], elapsedMs: number): string {
  const required = evaluations.filter((e) => e.state !== "not-required");
  const satisfied = required.filter((e) => e.state === "satisfied").length;
  const waiting = required
    .filter((e) => e.state === "pending")
    .map((e) => `${e.rule.id} [${pendingText(e)}]`);
  const missing = required.filter((e) => e.state === "missing").map((e) => e.rule.id);
  const approval = required.filter((e) => e.state === "awaiting-approval").map((e) => e.rule.id);
  const parts = [`${satisfied}/${required.length} satisfied`];
  if (waiting.length > 0) parts.push(`running: ${waiting.join(", ")}`);
  if (missing.length > 0) parts.push(`not started: ${missing.join(", ")}`);
  if (approval.length > 0) parts.push(`awaiting approval: ${approval.join(", ")}`);
  return `[${formatDuration(elapsedMs)}] ${parts.join("; ")}`;
}

/** The checks still running, or, when all have finished, what the rule still waits for. */
function pendingText(evaluation: RuleEvaluation): string {
  const running = evaluation.checks.filter(isWaiting);
  return running.length > 0 ? running.map(waitingText).join(", ") : evaluation.detail;
}

function isWaiting(check: MatchedCheck): boolean {
  return check.outcome === "queued" || check.outcome === "running";
}

function waitingText(check: MatchedCheck): string {
  const time = check.outcome === "running" ? check.runMs : check.queuedMs;
  return `${check.name} ${check.outcome}${time !== undefined ? ` ${formatDuration(time)}` : ""}`;
}

const ICON: Record<GateResult, string> = {
  success: "✅",
  failure: "❌",
  pending: "⏳",
  "awaiting-approval": "⏸️",
  stale: "⚠️",
};

const STATE_TEXT: Record<RuleEvaluation["state"], string> = {
  "not-required": "not required",
  satisfied: "✅ satisfied",
  failed: "❌ failed",
  pending: "⏳ pending",
  missing: "⏳ not started",
  "awaiting-approval": "⏸️ awaiting approval",
  "timed-out": "❌ timed out",
};

/** The job summary: the verdict, where the change came from, and one row per rule. */
export function summaryOf(
  verdict: GateVerdict,
  context: { title: string; changeSource?: string; requests?: string; notes?: string[] },
): Summary {
  const summary = new Summary()
    .heading(`${ICON[verdict.result]} ${context.title}: ${verdict.result}`, 2)
    .paragraph(verdict.reason);
  for (const note of context.notes ?? []) summary.paragraph(note);
  if (context.changeSource) summary.paragraph(`Changes: ${context.changeSource}.`);
  const rows = verdict.evaluations.map((evaluation) => [
    inlineCode(evaluation.rule.id) + (evaluation.rule.advisory ? " (advisory)" : ""),
    escapeMarkdown(evaluation.decision.reason) + filesCell(evaluation),
    checksCell(evaluation),
    `${STATE_TEXT[evaluation.state]}${evaluation.detail && evaluation.state !== "satisfied" ? `<br>${escapeMarkdown(evaluation.detail)}` : ""}`,
    evaluation.checks
      .map((check) =>
        check.url ? link(check.kind === "status" ? "status" : "details", check.url) : "",
      )
      .join("<br>"),
    evaluation.checks.map(durationText).join("<br>"),
  ]);
  summary.table(["Rule", "Why it applies", "Check", "Conclusion", "Link", "Duration"], rows);
  if (verdict.unruled.length > 0) {
    summary.table(
      ["Need without a rule", "Result"],
      verdict.unruled.map((need) => [
        inlineCode(need.job),
        `${need.green ? "✅" : "❌"} ${escapeMarkdown(need.detail)}`,
      ]),
    );
  }
  if (context.requests) summary.paragraph(context.requests);
  return summary;
}

/** How many of a rule's files the summary lists before it says how many more there are. */
export const SUMMARY_FILES = 10;

/** The changed files that made a rule apply, under its reason. */
function filesCell(evaluation: RuleEvaluation): string {
  const { decision } = evaluation;
  // One file is already named in the reason.
  if (!decision.applies || decision.rule.paths.length === 0 || decision.fileCount < 2) return "";
  const shown = decision.files.slice(0, SUMMARY_FILES).map((file) => inlineCode(file));
  const more = decision.fileCount - shown.length;
  return `<br>${shown.join(", ")}${more > 0 ? ` and ${more.toLocaleString("en")} more` : ""}`;
}

function checksCell(evaluation: RuleEvaluation): string {
  if (evaluation.checks.length === 0) return evaluation.state === "not-required" ? "" : "none";
  return evaluation.checks
    .map((check) => {
      const origin = [check.workflow, check.event, check.app].filter(Boolean).join(", ");
      const tolerated = check.outcome === "tolerated" ? " (continue-on-error)" : "";
      return `${inlineCode(check.name)} ${escapeMarkdown(check.conclusion)}${tolerated}${origin ? ` <sub>${escapeMarkdown(origin)}</sub>` : ""}`;
    })
    .join("<br>");
}

function durationText(check: MatchedCheck): string {
  const parts: string[] = [];
  if (check.queuedMs !== undefined) parts.push(`queued ${formatDuration(check.queuedMs)}`);
  if (check.runMs !== undefined) parts.push(`ran ${formatDuration(check.runMs)}`);
  return parts.join(", ");
}
