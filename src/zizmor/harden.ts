import { readFileSync } from "node:fs";
import type { CliIO } from "../cli/command.ts";
import { EXIT, parseCommandLine } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { escapeHtml, Summary } from "../core/summary.ts";
import { stripColours } from "./invoke.ts";

interface PartResult {
  name: string;
  exitCode: number;
}

function outcome(part: PartResult): string {
  if (part.exitCode === 0) return "✅ passed";
  if (part.exitCode === 1) return "❌ failed";
  if (part.exitCode === 2) return "⚠️ bad configuration (exit 2)";
  return `⚠️ could not run (exit ${part.exitCode})`;
}

/**
 * `status-gate zizmor harden-summary`: the one job summary of actions/harden, from the permissions
 * enforcer's log and exit code and the zizmor step's own summary file and exit code.
 */
export function writeHardenSummary(args: string[], io: CliIO): number {
  const { values } = parseCommandLine("zizmor harden-summary", args, {
    "permissions-exit": { type: "string" },
    "permissions-log": { type: "string" },
    "zizmor-exit": { type: "string" },
    "zizmor-summary": { type: "string" },
  });
  const permissions = {
    name: "Permissions enforcer",
    exitCode: exitCode(values["permissions-exit"]),
  };
  const zizmor = { name: "zizmor", exitCode: exitCode(values["zizmor-exit"]) };
  const passed = permissions.exitCode === 0 && zizmor.exitCode === 0;
  const summary = new Summary()
    .heading(`Hardening: ${passed ? "passed" : "failed"}`, 2)
    .table(
      ["check", "result"],
      [permissions, zizmor].map((part) => [part.name, outcome(part)]),
    )
    .heading("Permissions enforcer", 3);
  const log = stripColours(readOptional(values["permissions-log"])).trimEnd();
  summary.raw(log ? `<pre>${escapeHtml(log)}</pre>` : "_No output._");
  // Our own zizmor step wrote this markdown, with everything from zizmor already escaped.
  const zizmorMarkdown = readOptional(values["zizmor-summary"]).trim();
  summary.raw(
    zizmorMarkdown ||
      "### zizmor\n\n_No summary: zizmor did not get as far as reading findings; see the step log._",
  );
  if (io.env.GITHUB_STEP_SUMMARY) summary.write(io.env.GITHUB_STEP_SUMMARY);
  else io.stdout.write(summary.toString());
  return passed ? EXIT.ok : EXIT.failed;
}

function exitCode(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new ConfigurationError(`exit codes must be whole numbers, got '${value ?? ""}'`);
  }
  return Number(value);
}

function readOptional(path: string | undefined): string {
  if (!path) return "";
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
