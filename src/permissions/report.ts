import { SARIF_MAX_RESULTS, sarifArtifactUri } from "../core/sarif.ts";
import { codeBlock, escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
import { inertJson } from "../core/text.ts";
import { version } from "../core/version.ts";
import { type Finding, RULE_IDS, RULES, type Severity } from "./rules.ts";
import type { PermissionsResult } from "./run.ts";
import { SCOPES_VERSION } from "./scopes.ts";

export const TOOL_NAME = "status-gate permissions";
export const INFORMATION_URI =
  "https://github.com/wasmcloud/status-gate/tree/main/actions/permissions";

export { SARIF_MAX_RESULTS };

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

/**
 * A SARIF 2.1.0 log for code scanning: one run, every rule described with help, tags and a
 * `security-severity` (so code scanning ranks findings as high, medium or low), the tool's version,
 * and one result per finding, within upload-sarif's limits.
 */
export function sarifLog(result: PermissionsResult) {
  const rules = RULE_IDS.map((id) => ({
    id,
    name: id
      .split("-")
      .map((word) => `${word[0]?.toUpperCase()}${word.slice(1)}`)
      .join(""),
    shortDescription: { text: RULES[id].title },
    fullDescription: { text: RULES[id].help },
    helpUri: `${INFORMATION_URI}#${id}`,
    help: {
      text: RULES[id].help,
      markdown: `${RULES[id].help}\n\n[The rule in the README](${INFORMATION_URI}#${id})`,
    },
    defaultConfiguration: { level: RULES[id].severity },
    properties: {
      tags: [...RULES[id].tags],
      precision: "high",
      "problem.severity": RULES[id].severity,
      "security-severity": RULES[id].securitySeverity,
    },
  }));
  const kept = result.findings.slice(0, SARIF_MAX_RESULTS);
  const results = kept.map((finding) => ({
    ruleId: finding.rule,
    ruleIndex: RULE_IDS.indexOf(finding.rule),
    level: finding.severity,
    message: { text: finding.fix ? `${finding.message}. Fix: ${finding.fix}` : finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifArtifactUri(finding.path), uriBaseId: "%SRCROOT%" },
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
  const toolVersion = version();
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            informationUri: INFORMATION_URI,
            version: toolVersion,
            ...(/^\d+\.\d+\.\d+/.test(toolVersion) ? { semanticVersion: toolVersion } : {}),
            rules,
          },
        },
        automationDetails: { id: "status-gate/permissions/" },
        properties: {
          scopesVersion: SCOPES_VERSION,
          ...(kept.length < result.findings.length
            ? { omittedResults: result.findings.length - kept.length }
            : {}),
        },
        results,
      },
    ],
  };
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

/** Where the summary links line numbers: the file at the commit the run checked. */
export interface SourceLinks {
  serverUrl: string;
  repository: string;
  sha: string;
}

export interface SummaryOptions {
  failOn: Severity | "never";
  links?: SourceLinks | undefined;
}

/**
 * The job summary: the verdict first, then one table per workflow (each line number a link to the
 * file at the commit), what was fixed with the diff, and what the policy silenced.
 */
export function toSummary(result: PermissionsResult, options: SummaryOptions): Summary {
  const verdict = result.failed
    ? `❌ **Failed**: findings at or above fail-on '${escapeMarkdown(options.failOn)}'`
    : `✅ **Passed**: no finding at or above fail-on '${escapeMarkdown(options.failOn)}'`;
  const summary = new Summary()
    .raw(`${verdict}. ${escapeMarkdown(countLine(result))}.`)
    .heading("Workflow permissions");
  // An aliased block is reported at each job that uses it; one row, naming every job, says it.
  const byFile = new Map<string, { finding: Finding; jobs: string[] }[]>();
  for (const finding of result.findings) {
    const rows = byFile.get(finding.path) ?? [];
    byFile.set(finding.path, rows);
    const last = rows[rows.length - 1];
    const same =
      last?.finding.line === finding.line &&
      last.finding.column === finding.column &&
      last.finding.rule === finding.rule;
    if (last && same) {
      if (finding.job !== undefined) last.jobs.push(finding.job);
      continue;
    }
    rows.push({ finding, jobs: finding.job === undefined ? [] : [finding.job] });
  }
  for (const [path, rows] of byFile) {
    summary.heading(`${rows[0]?.finding.workflow ?? path} (${path})`, 3);
    summary.table(
      ["Line", "Severity", "Rule", "Job", "Finding", "Fix"],
      rows.map(({ finding, jobs }) => [
        link(`${finding.line}:${finding.column}`, lineUrl(options.links, path, finding.line)),
        finding.severity,
        inlineCode(finding.rule),
        jobs.map(inlineCode).join(", "),
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
  if (changes.length > 0) {
    summary.heading("Fixed", 3).list(changes);
    summary.details("The patch (git apply)", codeBlock(result.patch, "diff"));
  }
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

function lineUrl(links: SourceLinks | undefined, path: string, line: number): string | undefined {
  if (!links?.repository || !links.sha) return undefined;
  const file = path.split("/").map(encodeURIComponent).join("/");
  return `${links.serverUrl}/${links.repository}/blob/${links.sha}/${file}#L${line}`;
}
