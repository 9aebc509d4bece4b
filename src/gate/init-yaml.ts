import { inertJson, showInvisible } from "../core/text.ts";
import { describeEvent } from "./doctor/triggers.ts";
import type { StarterRules } from "./init.ts";

/**
 * The starter rules file as YAML, with a comment above each line saying where it came from. Every
 * value from a workflow is quoted unless it is plainly safe, and comments are kept to one line,
 * so no job or check name can change the file's structure.
 */
export function renderRules(starter: Omit<StarterRules, "text">, rulesPath: string): string {
  const lines = [
    `# Status gate rules (${comment(rulesPath)}), written by \`status-gate gate init\` from .github/workflows.`,
    // A branch comes from the gate workflow's own `branches:`, which may hold a line break.
    `# Events: ${comment(starter.events.map(describeEvent).join(", "))} (${comment(starter.eventsFrom)}).`,
    "# Gate jobs whose needs became rules:",
    ...starter.gateJobs.map((gate) => `#   ${comment(gate)}`),
    "# Check the rules with `status-gate gate doctor`; `status-gate gate init --check` says when",
    "# the workflows have changed since this file was written.",
    "rules:",
  ];
  for (const rule of starter.rules) {
    lines.push(`  # ${comment(rule.source)}`, `  - id: ${scalar(rule.id)}`);
    if (rule.job !== undefined) lines.push(`    job: ${scalar(rule.job)}`);
    if (rule.check !== undefined) {
      if (rule.checkNote) lines.push(`    # check: ${comment(rule.checkNote)}`);
      lines.push(`    check: ${scalar(rule.check)}`);
    }
    lines.push(`    workflow: ${scalar(rule.workflow)}`);
    if (rule.paths.length > 0) {
      if (rule.pathsFrom) lines.push(`    # paths: ${comment(rule.pathsFrom)}`);
      lines.push("    paths:", ...rule.paths.map((path) => `      - ${scalar(path)}`));
    }
    if (rule.labels.length > 0) {
      lines.push(
        "    # labels: they run the job whatever changed (its if:), so the rule applies then too",
        `    labels: [${rule.labels.map(scalar).join(", ")}]`,
      );
    }
    for (const note of rule.notes) lines.push(`    # ${comment(note)}`);
    if (rule.skippedOn.length > 0) {
      const events = rule.skippedOn.map((event) => `${event}: [skipped]`).join(", ");
      lines.push(`    allow: { ${events} }`);
    }
  }
  if (starter.rules.length === 0) lines[lines.length - 1] = "rules: []";
  return `${lines.join("\n")}\n`;
}

/** Text for a comment: one line, with invisible characters shown, whatever it holds. */
function comment(text: string): string {
  return showInvisible(text.replace(/[\r\n\u0085\u2028\u2029]+/g, " "));
}

/**
 * A YAML scalar: plain when that is unambiguous, else double-quoted. JSON's quoting is valid YAML,
 * and `inertJson` also writes invisible characters as escapes that a reader sees.
 */
function scalar(text: string): string {
  const plain =
    /^[A-Za-z0-9_./][A-Za-z0-9_./ ()-]*$/.test(text) &&
    !/ $/.test(text) &&
    !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9._]+)$/i.test(text);
  return plain ? text : inertJson(text, 0).trimEnd();
}
