import { escapeMarkdown, inlineCode, Summary } from "../core/summary.ts";
import { inertJson } from "../core/text.ts";
import { type Finding, RULE_IDS, RULES } from "./rules.ts";
import type { PermissionsResult } from "./run.ts";
import { SCOPES_VERSION } from "./scopes.ts";

export const TOOL_NAME = "status-gate permissions";
export const INFORMATION_URI =
  "https://github.com/wasmcloud/status-gate/tree/main/actions/permissions";

/** `{"findings":[...]}` with `job` and `fix` only where they apply (`--format json`). */
export function jsonReport(result: PermissionsResult) {
  const findings = result.findings.map((finding) => ({
    rule: finding.rule,
    severity: finding.severity,
    path: finding.path,
    line: finding.line,
    column: finding.column,
    workflow: finding.workflow,
    ...(finding.job === undefined ? {} : { job: finding.job }),
    message: finding.message,
    ...(finding.fix === undefined ? {} : { fix: finding.fix }),
  }));
  return { findings };
}

/** The SARIF log as text, safe to print in a step's log. */
export function toSarif(result: PermissionsResult): string {
  return inertJson(sarifLog(result));
}

/** A SARIF 2.1.0 log for code scanning: one run, every rule described, one result per finding. */
export function sarifLog(result: PermissionsResult) {
  const rules = RULE_IDS.map((id) => ({
    id,
    name: id,
    shortDescription: { text: RULES[id].title },
    fullDescription: { text: RULES[id].help },
    helpUri: `${INFORMATION_URI}#${id}`,
    help: { text: RULES[id].help, markdown: RULES[id].help },
    defaultConfiguration: { level: RULES[id].severity },
  }));
  const results = result.findings.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: RULE_IDS.indexOf(finding.rule),
    level: finding.severity,
    message: { text: finding.fix ? `${finding.message}. Fix: ${finding.fix}` : finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.path, uriBaseId: "%SRCROOT%" },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: finding.endLine,
            endColumn: Math.max(
              finding.endColumn,
              finding.endLine === finding.line ? finding.column : 1,
            ),
          },
        },
      },
    ],
    partialFingerprints: { primaryLocationLineHash: fingerprint(finding) },
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            informationUri: INFORMATION_URI,
            semanticVersion: "1.0.0",
            rules,
          },
        },
        automationDetails: { id: "status-gate/permissions/" },
        properties: { scopesVersion: SCOPES_VERSION },
        results,
      },
    ],
  };
  return log;
}

/** Stable across line moves: the rule, file, workflow and job, not the line number. */
function fingerprint(finding: Finding): string {
  const key = `${finding.rule}|${finding.path}|${finding.job ?? ""}|${finding.message}`;
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** Plain text for people: `path:line:column severity rule message`, then the fix. */
export function toText(result: PermissionsResult): string {
  const lines = result.findings.map((finding) => {
    const job = finding.job ? ` [job ${finding.job}]` : "";
    const fix = finding.fix ? `\n    fix: ${finding.fix}` : "";
    return `${finding.path}:${finding.line}:${finding.column}: ${finding.severity} ${finding.rule}${job}: ${finding.message}${fix}`;
  });
  for (const fix of result.fixes) {
    for (const change of fix.changes) {
      const review = change.review.length > 0 ? ` (review: ${change.review.join("; ")})` : "";
      lines.push(`${fix.path}:${change.line}: fixed: ${change.description}${review}`);
    }
  }
  for (const { finding, exception } of result.silenced) {
    lines.push(
      `${finding.path}:${finding.line}:${finding.column}: silenced ${finding.rule}: ${exception.reason}`,
    );
  }
  lines.push(countLine(result));
  return `${lines.join("\n")}\n`;
}

export function countLine(result: PermissionsResult): string {
  const count = (severity: string) => result.findings.filter((f) => f.severity === severity).length;
  return `${result.files.length} workflow file(s) checked: ${count("error")} error(s), ${count("warning")} warning(s), ${count("note")} note(s), ${result.silenced.length} silenced by policy, ${result.fixes.length} file(s) fixed`;
}

/** The job summary: findings grouped by workflow file, each with its fix. */
export function toSummary(result: PermissionsResult): Summary {
  const summary = new Summary().heading("Workflow permissions").paragraph(countLine(result));
  const byFile = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    byFile.set(finding.path, [...(byFile.get(finding.path) ?? []), finding]);
  }
  for (const [path, findings] of byFile) {
    summary.heading(`${findings[0]?.workflow ?? path} (${path})`, 3);
    summary.table(
      ["Line", "Severity", "Rule", "Job", "Finding", "Fix"],
      findings.map((finding) => [
        `${finding.line}:${finding.column}`,
        finding.severity,
        inlineCode(finding.rule),
        finding.job ? inlineCode(finding.job) : "",
        escapeMarkdown(finding.message),
        escapeMarkdown(finding.fix ?? ""),
      ]),
    );
  }
  const changes = result.fixes.flatMap((fix) =>
    fix.changes.map((change) => {
      const review =
        change.review.length > 0
          ? ` — **review**: ${escapeMarkdown(change.review.join("; "))}`
          : "";
      return `${inlineCode(`${fix.path}:${change.line}`)} ${escapeMarkdown(change.description)}${review}`;
    }),
  );
  if (changes.length > 0) summary.heading("Fixed", 3).list(changes);
  if (result.silenced.length > 0) {
    summary
      .heading("Silenced by policy", 3)
      .list(
        result.silenced.map(
          ({ finding, exception }) =>
            `${inlineCode(`${finding.path}:${finding.line}`)} ${inlineCode(finding.rule)}: ${escapeMarkdown(exception.reason)}`,
        ),
      );
  }
  return summary;
}
