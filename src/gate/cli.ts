import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { CliCommand, CliIO } from "../cli/command.ts";
import { EXIT, paint, parseCommandLine } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { short } from "./event.ts";
import { localGit } from "./git.ts";
import { DEFAULT_RULES_PATH } from "./inputs.ts";
import { type ChangeSet, planRules, type RuleDecision } from "./plan.ts";
import { parseRules } from "./rules.ts";

export const command: CliCommand = {
  name: "gate",
  subcommands: {
    plan: "which rules a local diff requires, and why",
  },
  help: `Usage: status-gate gate plan [options]

Answers "which checks will this diff require?" from a checkout and a rules file, with the
same rules and matching as the status gate action (uses: wasmcloud/status-gate@v1).

Options:
  --rules FILE      the rules file (default: <repo>/${DEFAULT_RULES_PATH})
  --base REV        the base revision (default: main); the diff starts at the merge base
  --head REV        the head revision (default: HEAD)
  --repo DIR        the repository (default: the current directory)
  --format FORMAT   text (default) or json: {"required":[{"rule","reason"}],"notRequired":[...]}
  -h, --help        show this help

Exit codes: 0 planned; 2 bad command line, rules file or revision; 3 unexpected error.
`,
  async run(args, io) {
    const { values, positionals } = parseCommandLine("gate", args, {
      rules: { type: "string" },
      base: { type: "string" },
      head: { type: "string" },
      repo: { type: "string" },
      format: { type: "string" },
    });
    if (positionals[0] !== "plan" || positionals.length > 1) {
      throw new ConfigurationError(
        `expected 'status-gate gate plan [options]', got '${positionals.join(" ")}' (see 'status-gate gate --help')`,
      );
    }
    const format = values.format ?? "text";
    if (format !== "text" && format !== "json") {
      throw new ConfigurationError(`--format is '${format}'; valid values are text, json`);
    }
    const repo = resolve(io.cwd, values.repo ?? ".");
    const rulesPath = resolve(repo, values.rules ?? DEFAULT_RULES_PATH);
    const decisions = await planLocalDiff(
      repo,
      rulesPath,
      values.base ?? "main",
      values.head ?? "HEAD",
    );
    io.stdout.write(
      format === "json" ? toJson(decisions) : toText(decisions.decisions, decisions.changes, io),
    );
    return EXIT.ok;
  },
};

/** The plan for a local diff: the same parser, diff and matching the action uses. */
export async function planLocalDiff(repo: string, rulesPath: string, base: string, head: string) {
  const git = localGit(repo);
  if (!(await git.available()))
    throw new ConfigurationError(`${repo} is not a git repository (--repo)`);
  const [baseSha, headSha] = await Promise.all([
    git.resolveRevision(base),
    git.resolveRevision(head),
  ]);
  if (!baseSha) throw new ConfigurationError(`--base '${base}' is not a commit in ${repo}`);
  if (!headSha) throw new ConfigurationError(`--head '${head}' is not a commit in ${repo}`);
  let text: string;
  try {
    text = readFileSync(rulesPath, "utf8");
  } catch {
    throw new ConfigurationError(`cannot read the rules file ${rulesPath} (--rules)`);
  }
  const rulesFile = parseRules(rulesPath, text);
  const mergeBase = await git.mergeBase(baseSha, headSha);
  const shallow = await git.isShallow();
  const changes: ChangeSet = {
    files: mergeBase ? await git.diff(baseSha, headSha) : [],
    complete: mergeBase !== undefined && !shallow,
    source: `git diff ${short(baseSha)}...${short(headSha)}`,
    everythingBecause: shallow
      ? "the clone is shallow, so the diff cannot be trusted and every rule applies (git fetch --unshallow)"
      : mergeBase
        ? undefined
        : `${base} and ${head} share no history, so every rule applies`,
  };
  return { decisions: planRules(rulesFile, changes), changes };
}

function toJson({ decisions }: { decisions: RuleDecision[] }): string {
  const entry = (decision: RuleDecision) => ({ rule: decision.rule.id, reason: decision.reason });
  return `${JSON.stringify(
    {
      required: decisions.filter((d) => d.applies).map(entry),
      notRequired: decisions.filter((d) => !d.applies).map(entry),
    },
    null,
    2,
  )}\n`;
}

function toText(decisions: RuleDecision[], changes: ChangeSet, io: CliIO): string {
  const required = decisions.filter((d) => d.applies);
  const notRequired = decisions.filter((d) => !d.applies);
  const width = Math.max(0, ...decisions.map((d) => d.rule.id.length));
  const row = (d: RuleDecision, colour: "green" | "dim") =>
    `  ${paint(io, colour, d.rule.id.padEnd(width))}  ${d.reason}`;
  const count = changes.files.length;
  const lines = [`${changes.source}: ${count} changed ${count === 1 ? "file" : "files"}`, ""];
  lines.push(paint(io, "bold", `Required (${required.length}):`));
  for (const d of required) lines.push(row(d, "green"));
  lines.push("", paint(io, "bold", `Not required (${notRequired.length}):`));
  for (const d of notRequired) lines.push(row(d, "dim"));
  return `${lines.join("\n")}\n`;
}
