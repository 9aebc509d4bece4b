import type { CliCommand } from "../cli/command.ts";
import { EXIT, oneOf, parseCommandLine, printOutcome } from "../cli/command.ts";
import { publishOutcome } from "../core/action.ts";
import { runnerContext } from "../core/context.ts";
import { Inputs } from "../core/inputs.ts";
import { maskOnStandardError, stringOptions } from "../zizmor/cli.ts";
import { hardenDeps } from "./deps.ts";
import { HARDEN_INPUTS, readHardenInputs } from "./inputs.ts";
import { run } from "./run.ts";

const FORMATS = ["text", "json", "github"] as const;

export const command: CliCommand = {
  name: "harden",
  help: `Usage: status-gate harden [options]

Runs the permissions enforcer and a verified zizmor on the checkout in the current folder, as the
actions/harden action does, with one verdict: it fails when either check fails. Every input of the
action is an option of the same name (--permissions-paths, --permissions-policy,
--permissions-fail-on, --permissions-fix, --zizmor-inputs, --fail-on, --version, --zizmor-path,
--persona, --sarif-file, --permissions-sarif-file, ...). Booleans are written out
(--permissions-fix true). The token for zizmor's online audits and check run is read from
GITHUB_TOKEN.
  --format FORMAT        text, json (outputs, annotations and the verdict) or github (what the
                         action writes: annotations, outputs, job summary, check run). Default:
                         github inside GitHub Actions, text elsewhere.
  -h, --help             show this help

Exit codes: 0 both checks passed; 1 a check failed (findings at a threshold, or zizmor failed);
2 bad command line or option value; 3 unexpected error.
`,
  async run(args, io) {
    const inputNames = HARDEN_INPUTS.filter((name) => name !== "token");
    const { values } = parseCommandLine("harden", args, stringOptions([...inputNames, "format"]));
    const inActions = io.env.GITHUB_ACTIONS === "true";
    const format = oneOf("--format", values.format ?? (inActions ? "github" : "text"), FORMATS);
    const env: NodeJS.ProcessEnv = {};
    for (const name of inputNames) env[Inputs.variableName(name)] = values[name];
    env[Inputs.variableName("token")] = io.env.GITHUB_TOKEN;
    const inputs = readHardenInputs(env, (input) =>
      input === "token" ? "GITHUB_TOKEN" : `--${input}`,
    );
    // On the command line a mistake in an option is exit 2 before anything runs; the action
    // instead fails only the half it belongs to.
    inputs.permissions();
    inputs.zizmor();
    const machine = hardenDeps(runnerContext(io.env), {
      token: { value: io.env.GITHUB_TOKEN, source: "GITHUB_TOKEN" },
      policyOptOut:
        "pass --permissions-policy-from-base false to read the pull request's own policy",
      env: io.env,
      // Progress goes to standard error, so that standard output holds only the result.
      log: (line) => io.stderr.write(`${line}\n`),
      ...(format === "github" ? {} : { mask: (secret: string) => maskOnStandardError(secret, io) }),
    });
    const outcome = await run(inputs, machine.deps);
    if (format !== "github") return printOutcome(io, outcome, format);
    const passed = await publishOutcome("harden", outcome, { github: machine.github });
    return passed ? EXIT.ok : EXIT.failed;
  },
};
