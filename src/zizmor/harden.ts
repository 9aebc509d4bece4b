import { readFileSync } from "node:fs";
import type { CliIO } from "../cli/command.ts";
import { EXIT, parseCommandLine } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { Summary } from "../core/summary.ts";

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
 * `status-gate zizmor harden-summary`: the one job summary of actions/harden, from the summary
 * files and exit codes that the permissions action and the zizmor step wrote.
 */
export function writeHardenSummary(args: string[], io: CliIO): number {
  const { values } = parseCommandLine("zizmor harden-summary", args, {
    "permissions-exit": { type: "string" },
    "permissions-summary": { type: "string" },
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
  // Both parts are our own actions' summaries, with everything untrusted already escaped.
  const permissionsMarkdown = readOptional(values["permissions-summary"]).trim();
  summary.raw(
    permissionsMarkdown ||
      "_No summary: the enforcer did not get as far as checking; see the step log._",
  );
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
