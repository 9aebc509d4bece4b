import { isAbsolute, relative, resolve, sep } from "node:path";
import type { CliCommand, CliIO } from "../cli/command.ts";
import { EXIT, oneOf, paint, parseCommandLine, printJson } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { showControls } from "../core/text.ts";
import { runDoctor, runInit, WORKFLOW_COMMANDS_HELP } from "./doctor-cli.ts";
import { DEFAULT_RULES_PATH } from "./inputs.ts";
import { type LocalPlan, planLocalDiff } from "./local-plan.ts";
import type { RuleDecision } from "./plan.ts";
import { SUMMARY_FILES } from "./report.ts";
import { EVENTS } from "./rules.ts";

type Subcommand = (args: string[], io: CliIO) => Promise<number>;

/** `status-gate gate <subcommand>`: each subcommand is one function here and one help line. */
const SUBCOMMANDS: Record<string, { summary: string; run: Subcommand }> = {
  plan: { summary: "which rules a local diff requires, and why", run: plan },
  doctor: {
    summary: "rules that can never be satisfied by the workflows, and why",
    run: runDoctor,
  },
  init: { summary: "write a starter rules file from the workflows", run: runInit },
};

export const command: CliCommand = {
  name: "gate",
  subcommands: Object.fromEntries(
    Object.entries(SUBCOMMANDS).map(([name, { summary }]) => [name, summary]),
  ),
  help: `Usage: status-gate gate plan [options]

Answers "which checks will this diff require?" from a checkout, with the same rules file, diff
and matching as the status gate action (uses: wasmcloud/status-gate@v1): the rules are read from
the base revision, as the action reads them, so an edit of the rules file makes every rule apply.

Options:
  --rules FILE      the rules file's path in the repository (default: ${DEFAULT_RULES_PATH})
  --base REV        the base revision (default: main); the diff starts at the merge base
  --head REV        the head revision (default: HEAD)
  --repo DIR        the repository (default: the current directory)
  --event NAME      the event to plan for, for rules with events: (default: pull_request)
  --label NAME      a pull request label, for rules with labels: (repeat for several)
  --format FORMAT   text (default) or json:
                    {"base","head","changedFiles","source","required":[{"rule","reason",
                    "files","fileCount"}],"notRequired":[{"rule","reason"}]}
  -h, --help        show this help

Exit codes: 0 planned; 2 bad command line, rules file or revision; 3 unexpected error.
${WORKFLOW_COMMANDS_HELP}`,
  async run(args, io) {
    // The subcommand usually comes first; options may also come before it.
    const at = Object.hasOwn(SUBCOMMANDS, args[0] ?? "")
      ? 0
      : args.findIndex((arg) => Object.hasOwn(SUBCOMMANDS, arg));
    const name = args[at];
    if (at < 0 || name === undefined) {
      throw new ConfigurationError(
        `expected one of ${Object.keys(SUBCOMMANDS).join(", ")} (see 'status-gate gate --help')`,
      );
    }
    return (SUBCOMMANDS[name] as { run: Subcommand }).run(
      [...args.slice(0, at), ...args.slice(at + 1)],
      io,
    );
  },
};

async function plan(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandLine(
    "gate plan",
    args,
    {
      rules: { type: "string" },
      base: { type: "string" },
      head: { type: "string" },
      repo: { type: "string" },
      event: { type: "string" },
      label: { type: "string", multiple: true },
      format: { type: "string" },
    },
    { positionals: false },
  );
  const format = oneOf("--format", values.format ?? "text", ["text", "json"] as const);
  const event = oneOf("--event", values.event ?? "pull_request", EVENTS);
  const repo = resolve(io.cwd, values.repo ?? ".");
  const planned = await planLocalDiff({
    repo,
    rulesPath: repositoryPath(repo, values.rules ?? DEFAULT_RULES_PATH),
    base: values.base ?? "main",
    head: values.head ?? "HEAD",
    context: { event, labels: values.label ?? [] },
  });
  if (format === "json") printJson(io, planJson(planned));
  else io.stdout.write(planText(planned, io));
  return EXIT.ok;
}

/** The rules file's path as the action names it: relative to the repository, with `/`. */
function repositoryPath(repo: string, given: string): string {
  const inside = isAbsolute(given) ? relative(repo, given) : given;
  if (inside.startsWith("..")) {
    throw new ConfigurationError(`--rules '${given}' is outside the repository ${repo}`);
  }
  return inside.split(sep).join("/").replace(/^\.\//, "");
}

function planJson({ baseSha, headSha, changes, decisions }: LocalPlan) {
  const entry = (decision: RuleDecision) => ({ rule: decision.rule.id, reason: decision.reason });
  return {
    base: baseSha,
    head: headSha,
    changedFiles: changes.files.length,
    source: changes.source,
    required: decisions
      .filter((d) => d.applies)
      .map((d) => ({ ...entry(d), files: d.files, fileCount: d.fileCount })),
    notRequired: decisions.filter((d) => !d.applies).map(entry),
  };
}

function planText({ changes, decisions }: LocalPlan, io: CliIO): string {
  const required = decisions.filter((d) => d.applies);
  const notRequired = decisions.filter((d) => !d.applies);
  const width = Math.max(0, ...decisions.map((d) => d.rule.id.length));
  // Reasons and files name the branch's paths, which may hold terminal escape sequences.
  const shown = (text: string) => showControls(text);
  const row = (d: RuleDecision, colour: "green" | "dim") =>
    `  ${paint(io, colour, d.rule.id.padEnd(width))}  ${shown(d.reason)}`;
  const count = changes.files.length;
  const lines = [`${changes.source}: ${count} changed ${count === 1 ? "file" : "files"}`, ""];
  lines.push(paint(io, "bold", `Required (${required.length}):`));
  for (const d of required) {
    lines.push(row(d, "green"));
    if (d.rule.paths.length === 0) continue;
    for (const file of d.files.slice(0, SUMMARY_FILES))
      lines.push(`  ${" ".repeat(width)}    ${shown(file)}`);
    const more = d.fileCount - Math.min(d.files.length, SUMMARY_FILES);
    if (more > 0) lines.push(`  ${" ".repeat(width)}    and ${more.toLocaleString("en")} more`);
  }
  lines.push("", paint(io, "bold", `Not required (${notRequired.length}):`));
  for (const d of notRequired) lines.push(row(d, "dim"));
  return `${lines.join("\n")}\n`;
}
