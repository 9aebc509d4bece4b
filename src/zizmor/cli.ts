import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CliCommand, CliIO } from "../cli/command.ts";
import { EXIT, paint, parseCommandLine } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { Inputs, parseList } from "../core/inputs.ts";
import { annotate } from "../core/log.ts";
import { type Analysis, analyse, annotationRecord } from "./analyse.ts";
import { type LevelMap, parseLevels } from "./annotations.ts";
import { FAIL_ON } from "./gate.ts";
import { writeHardenSummary } from "./harden.ts";
import { readInputs } from "./inputs.ts";
import { capToFiles, describeKey, fileLines, parseJsonV1, ReportFormatError } from "./report.ts";
import { run } from "./run.ts";
import { systemDeps } from "./system.ts";

const HELP = `Usage: status-gate zizmor report <zizmor-json-file> [options]
       status-gate zizmor run [options] [paths...]

report: renders a zizmor JSON v1 report you already have (zizmor --format json-v1 ...).
  --workspace DIR        paths in annotations are made relative to DIR (default: .)
  --format FORMAT        text (default), json (the annotations it would emit), or github
                         (workflow-command annotations and the job summary, inside Actions)
  --fail-on LEVEL        high (default), medium, low, informational or never
  --annotation-levels L  such as "medium=warning,low=notice"

run: installs a verified zizmor (or uses --zizmor-path), runs it and reports as the
actions/zizmor action does; meant for CI steps (it writes workflow commands). Every input of
the action is an option of the same name (--version, --sha256, --zizmor-path, --persona,
--min-severity, --min-confidence, --config, --collect, --strict-collection, --no-ignores,
--online-audits, --fail-on, --new-findings-only, --baseline-file, --check-run, --sarif-file, ...).
Booleans are written out (--online-audits true). The token for online audits, check runs and
attestations is read from GITHUB_TOKEN.

Exit codes: 0 no finding at the threshold; 1 findings at the threshold, or zizmor failed;
2 bad command line, input or report file; 3 unexpected error.
`;

const STRING_OPTIONS = [
  "version",
  "sha256",
  "download-url",
  "zizmor-path",
  "verify-attestation",
  "persona",
  "min-severity",
  "min-confidence",
  "config",
  "collect",
  "cache-dir",
  "fail-on",
  "new-findings-only",
  "baseline-file",
  "annotation-levels",
  "check-name",
  "sarif-file",
  "summary",
  "trusted-root",
  "workspace",
  "format",
  // Booleans take true or false, as the action's inputs do.
  "strict-collection",
  "no-ignores",
  "online-audits",
  "check-run",
] as const;

export const command: CliCommand = {
  name: "zizmor",
  subcommands: {
    report: "render a zizmor JSON v1 report you already have",
    run: "install a verified zizmor, run it and report as the action does",
    // MIGRATION: goes when actions/harden is TypeScript (issue 11).
    "harden-summary": "(internal) the combined summary of actions/harden",
  },
  help: HELP,
  async run(args, io) {
    const [subcommand, ...rest] = args;
    if (subcommand === "report") return report(rest, io);
    if (subcommand === "run") return runInCi(rest, io);
    if (subcommand === "harden-summary") return writeHardenSummary(rest, io);
    throw new ConfigurationError(
      `unknown subcommand '${subcommand ?? ""}'; use 'report' or 'run' (see 'status-gate zizmor --help')`,
    );
  },
};

function options() {
  return Object.fromEntries(STRING_OPTIONS.map((name) => [name, { type: "string" as const }]));
}

async function report(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine("zizmor report", args, options());
  if (positionals.length !== 1) {
    throw new ConfigurationError("zizmor report takes one zizmor JSON v1 file (see --help)");
  }
  const file = resolve(io.cwd, positionals[0] as string);
  const workspace = resolve(io.cwd, (values.workspace as string | undefined) ?? ".");
  const format = (values.format as string | undefined) ?? "text";
  if (!["text", "json", "github"].includes(format)) {
    throw new ConfigurationError(`--format is '${format}'; valid values are text, json, github`);
  }
  const failOn = (values["fail-on"] as string | undefined) ?? "high";
  if (!(FAIL_ON as readonly string[]).includes(failOn)) {
    throw new ConfigurationError(
      `--fail-on is '${failOn}'; valid values are ${FAIL_ON.join(", ")}`,
    );
  }
  const levels = parseLevels(parseList((values["annotation-levels"] as string | undefined) ?? ""));
  const analysis = analyse(readReport(file, workspace, io.cwd), {
    failOn: failOn as (typeof FAIL_ON)[number],
    newOnly: { mode: "off" },
    levels,
    warnings: [],
  });
  if (format === "json") io.stdout.write(`${JSON.stringify(jsonReport(analysis), null, 2)}\n`);
  else if (format === "github") githubReport(analysis, io);
  else io.stdout.write(textReport(analysis, levels, io));
  return analysis.verdict.passed ? EXIT.ok : EXIT.failed;
}

function readReport(file: string, workspace: string, cwd: string) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ConfigurationError(`cannot read the zizmor report ${file}`);
  }
  try {
    return capToFiles(parseJsonV1(text, { workspace, cwd }), fileLines(workspace));
  } catch (thrown) {
    if (thrown instanceof ReportFormatError) {
      throw new ConfigurationError(`${file} is ${thrown.message}`);
    }
    throw thrown;
  }
}

function jsonReport(analysis: Analysis) {
  return {
    findings: analysis.findings.length,
    failing: analysis.verdict.failing.length,
    highestSeverity: analysis.verdict.highest,
    passed: analysis.verdict.passed,
    annotations: analysis.annotations.shown.map(annotationRecord),
    omittedAnnotations: analysis.annotations.omitted,
  };
}

function githubReport(analysis: Analysis, io: CliIO): void {
  for (const annotation of analysis.annotations.shown) annotate(annotation);
  if (io.env.GITHUB_STEP_SUMMARY) analysis.summary.write(io.env.GITHUB_STEP_SUMMARY);
}

function textReport(analysis: Analysis, levels: LevelMap, io: CliIO): string {
  const colour = { error: "red", warning: "yellow", notice: "dim" } as const;
  const lines = analysis.findings.map((finding) => {
    const { primary } = finding;
    const tag = paint(io, colour[levels[finding.severity]], finding.severity);
    const note = primary.annotation ? `: ${primary.annotation}` : "";
    return `${describeKey(primary.key)}:${primary.line}:${primary.column}: ${tag} [${finding.audit}] ${finding.description}${note}`;
  });
  const { verdict } = analysis;
  const outcome = verdict.passed
    ? paint(io, "green", `passed: ${analysis.findings.length} findings, none failing`)
    : paint(
        io,
        "red",
        `failed: ${verdict.failing.length} of ${analysis.findings.length} findings at the threshold`,
      );
  return `${[...lines, outcome].join("\n")}\n`;
}

/** `zizmor run`: the action itself, with options in place of inputs (same names, same checks). */
async function runInCi(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine("zizmor run", args, options());
  const env: NodeJS.ProcessEnv = { ...io.env };
  for (const [name, value] of Object.entries(values)) {
    if (name === "workspace" || name === "format" || name === "help") continue;
    env[Inputs.variableName(name)] = String(value);
  }
  if (positionals.length) env[Inputs.variableName("inputs")] = positionals.join("\n");
  env[Inputs.variableName("token")] = io.env.GITHUB_TOKEN ?? "";
  const analysis = await run(readInputs(new Inputs(env)), systemDeps(env));
  return analysis?.verdict.passed ? EXIT.ok : EXIT.failed;
}
