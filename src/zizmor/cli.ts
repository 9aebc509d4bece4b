import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CliCommand, CliIO } from "../cli/command.ts";
import { EXIT, oneOf, paint, parseCommandLine, printJson, printOutcome } from "../cli/command.ts";
import { publishOutcome } from "../core/action.ts";
import { runnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import { Inputs } from "../core/inputs.ts";
import { annotate } from "../core/log.ts";
import { type Analysis, analyse, annotationRecord } from "./analyse.ts";
import { type LevelMap, parseLevels } from "./annotations.ts";
import { FAIL_ON } from "./gate.ts";
import { readInputs } from "./inputs.ts";
import {
  capToFiles,
  describeKey,
  fileLines,
  outsideWorkspace,
  parseJsonV1,
  ReportFormatError,
} from "./report.ts";
import { run } from "./run.ts";
import { systemDeps } from "./system.ts";

const HELP = `Usage: status-gate zizmor report <zizmor-json-file> [options]
       status-gate zizmor run [options] [paths...]

report: renders a zizmor JSON v1 report you already have (zizmor --format json-v1 ...).
  --workspace DIR        paths in annotations are made relative to DIR (default: .); a report
                         whose findings all lie outside it is an error
  --format FORMAT        text (default), json (the annotations it would emit), or github
                         (workflow-command annotations and the job summary, inside Actions)
  --fail-on LEVEL        high (default), medium, low, informational or never
  --annotation-levels L  such as "medium=warning,low=notice"

run: installs a verified zizmor (or uses --zizmor-path), runs it on the paths given (default: .)
and decides as the actions/zizmor action does. Every input of the action is an option of the
same name (--version, --sha256, --download-url, --zizmor-path, --persona, --min-severity,
--min-confidence, --config, --collect, --strict-collection, --no-ignores, --ignores-from-base,
--online-audits, --fail-on, --new-findings-only, --baseline-file, --check-run, --sarif-file, ...).
Booleans are written out (--online-audits true). The token for online audits, check runs and
attestations is read from GITHUB_TOKEN.
  --format FORMAT        text, json (outputs, annotations and the verdict) or github (what the
                         action writes: annotations, outputs, job summary, check run). Default:
                         github inside GitHub Actions, text elsewhere.

Exit codes: 0 no finding at the threshold; 1 findings at the threshold, or zizmor failed;
2 bad command line, input or report file; 3 unexpected error.
`;

/** Options of `zizmor run` that are inputs of the action (booleans take true or false). */
const RUN_INPUTS = [
  "version",
  "sha256",
  "download-url",
  "zizmor-path",
  "verify-attestation",
  "trusted-root",
  "persona",
  "min-severity",
  "min-confidence",
  "config",
  "collect",
  "strict-collection",
  "no-ignores",
  "ignores-from-base",
  "online-audits",
  "cache-dir",
  "fail-on",
  "new-findings-only",
  "baseline-file",
  "annotation-levels",
  "check-run",
  "check-name",
  "sarif-file",
  "summary",
] as const;

const FORMATS = ["text", "json", "github"] as const;

export const command: CliCommand = {
  name: "zizmor",
  subcommands: {
    report: "render a zizmor JSON v1 report you already have",
    run: "install a verified zizmor, run it and report as the action does",
  },
  help: HELP,
  async run(args, io) {
    const [subcommand, ...rest] = args;
    if (subcommand === "report") return report(rest, io);
    if (subcommand === "run") return runZizmor(rest, io);
    throw new ConfigurationError(
      `unknown subcommand '${subcommand ?? ""}'; use 'report' or 'run' (see 'status-gate zizmor --help')`,
    );
  },
};

export function stringOptions<T extends string>(names: readonly T[]) {
  return Object.fromEntries(names.map((name) => [name, { type: "string" as const }])) as Record<
    T,
    { type: "string" }
  >;
}

async function report(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine(
    "zizmor report",
    args,
    stringOptions(["workspace", "format", "fail-on", "annotation-levels"]),
  );
  if (positionals.length !== 1) {
    throw new ConfigurationError("zizmor report takes one zizmor JSON v1 file (see --help)");
  }
  const file = resolve(io.cwd, positionals[0] as string);
  const workspace = resolve(io.cwd, values.workspace ?? ".");
  const format = oneOf("--format", values.format ?? "text", FORMATS);
  const inputs = Inputs.fromFlags(values);
  const failOn = inputs.enumeration("fail-on", FAIL_ON, "high");
  const levels = parseLevels(inputs.list("annotation-levels"), inputs.label);
  const analysis = analyse(readReport(file, workspace, io.cwd), {
    failOn,
    newOnly: { mode: "off" },
    levels,
    warnings: [],
  });
  if (format === "json") printJson(io, jsonReport(analysis));
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
    const findings = capToFiles(parseJsonV1(text, { workspace, cwd }), fileLines(workspace));
    const outside = outsideWorkspace(findings, workspace);
    if (outside) throw new ConfigurationError(`${file}: ${outside} (--workspace)`);
    return findings;
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

/** The annotations as workflow commands (escaped by `annotate`) and the job summary. */
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
async function runZizmor(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandLine(
    "zizmor run",
    args,
    stringOptions([...RUN_INPUTS, "format"]),
  );
  const inActions = io.env.GITHUB_ACTIONS === "true";
  const format = oneOf("--format", values.format ?? (inActions ? "github" : "text"), FORMATS);
  const inputs = readInputs(
    Inputs.fromFlags({
      ...values,
      format: undefined,
      inputs: positionals.length ? positionals : undefined,
      token: io.env.GITHUB_TOKEN,
    }),
  );
  const system = systemDeps(
    { value: inputs.token, source: "GITHUB_TOKEN" },
    runnerContext(io.env),
    io.env,
  );
  // Progress goes to standard error, so that standard output holds only the result.
  const deps = {
    ...system,
    log: (line: string) => io.stderr.write(`${line}\n`),
    mask: format === "github" ? system.mask : (secret: string) => maskOnStandardError(secret, io),
  };
  const outcome = await run(inputs, deps);
  let exitCode: number;
  if (format === "github") {
    const passed = await publishOutcome("zizmor", outcome, { github: deps.github });
    exitCode = passed ? EXIT.ok : EXIT.failed;
  } else {
    exitCode = printOutcome(io, outcome, format);
  }
  // zizmor's exit 3: it collected no inputs, so there was nothing to check.
  return outcome.outputs["exit-code"] === "3" ? EXIT.usage : exitCode;
}

/**
 * Inside Actions the runner reads workflow commands from standard error too; the mask goes there
 * so that standard output stays plain text or JSON. (A token is one line; `%`, CR and LF are
 * escaped as the runner expects.)
 */
export function maskOnStandardError(secret: string, io: CliIO): void {
  if (io.env.GITHUB_ACTIONS !== "true" || !secret.trim()) return;
  const escaped = secret.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  process.stderr.write(`::add-mask::${escaped}\n`);
}
