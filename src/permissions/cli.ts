import type { CliCommand } from "../cli/command.ts";
import { EXIT, paint, parseCommandLine } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { diskWorkflowFiles } from "./files.ts";
import { DEFAULT_POLICY_PATH } from "./policy.ts";
import { toJson, toSarif, toText } from "./report.ts";
import { SEVERITIES, type Severity } from "./rules.ts";
import { DEFAULT_WORKFLOW_PATHS, run } from "./run.ts";

const FORMATS = ["text", "json", "sarif"] as const;
const THRESHOLDS = [...SEVERITIES, "never"] as const;

export const command: CliCommand = {
  name: "permissions",
  help: `Usage: status-gate permissions [options] [paths...]

Checks that every workflow sets 'permissions: {}' at the top level and that every job grants
exactly the scopes it needs. Paths are workflow files or folders (default: .github/workflows).

Options:
  --fix                  add the missing blocks in place (comments and layout are kept);
                         with --format json or sarif the patch goes to standard error
  --format FORMAT        text (default), json or sarif
  --policy FILE          policy file (default: ${DEFAULT_POLICY_PATH}, if present)
  --fail-on LEVEL        error (default), warning, note or never
  -h, --help             show this help

Exit codes: 0 no finding at the threshold; 1 findings at the threshold; 2 bad command line or
policy file; 3 unexpected error.
`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine("permissions", args, {
      fix: { type: "boolean" },
      format: { type: "string" },
      policy: { type: "string" },
      "fail-on": { type: "string" },
    });
    const format = oneOf("--format", values.format ?? "text", FORMATS);
    const failOn = oneOf("--fail-on", values["fail-on"] ?? "error", THRESHOLDS) as
      | Severity
      | "never";
    const result = await run(
      {
        paths: positionals.length > 0 ? positionals : DEFAULT_WORKFLOW_PATHS,
        policyPath: values.policy ?? DEFAULT_POLICY_PATH,
        fix: values.fix ?? false,
        failOn,
      },
      { files: diskWorkflowFiles(io.cwd) },
    );
    if (result.policyProblems.length > 0) {
      for (const problem of result.policyProblems) {
        const { line, column } = problem.position;
        io.stderr.write(
          `${paint(io, "red", "policy error")} ${line}:${column}: ${problem.message}\n`,
        );
      }
      return EXIT.usage;
    }
    if (format === "json") io.stdout.write(toJson(result));
    else if (format === "sarif") io.stdout.write(toSarif(result));
    else io.stdout.write(toText(result));
    if (format !== "text" && result.patch) io.stderr.write(result.patch);
    return result.failed ? EXIT.failed : EXIT.ok;
  },
};

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigurationError(
    `${option} is '${value}'; valid values are ${allowed.join(", ")} (see 'status-gate permissions --help')`,
  );
}
