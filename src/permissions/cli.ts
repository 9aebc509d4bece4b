import type { CliCommand } from "../cli/command.ts";
import { EXIT, oneOf, parseCommandLine, printJson } from "../cli/command.ts";
import { Inputs } from "../core/inputs.ts";
import { diskWorkflowFiles } from "./files.ts";
import { readPermissionsInputs } from "./inputs.ts";
import { DEFAULT_POLICY_PATH } from "./policy.ts";
import { jsonReport, sarifLog, toText } from "./report.ts";
import { run } from "./run.ts";

const FORMATS = ["text", "json", "sarif"] as const;

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
policy file, or no workflow file to check; 3 unexpected error.
`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine("permissions", args, {
      fix: { type: "boolean" },
      format: { type: "string" },
      policy: { type: "string" },
      "fail-on": { type: "string" },
    });
    const format = oneOf("--format", values.format ?? "text", FORMATS);
    const inputs = readPermissionsInputs(
      Inputs.fromFlags({ policy: values.policy, fix: values.fix, "fail-on": values["fail-on"] }),
    );
    // Paths stay as typed: a file name may hold a comma, which the action's list input splits on.
    if (positionals.length > 0) inputs.paths = positionals;
    const result = await run(inputs, { files: diskWorkflowFiles(io.cwd) });
    if (format === "json") printJson(io, jsonReport(result));
    else if (format === "sarif") printJson(io, sarifLog(result));
    else io.stdout.write(toText(result));
    if (format !== "text" && result.patch) io.stderr.write(result.patch);
    return result.failed ? EXIT.failed : EXIT.ok;
  },
};
