import { constants, existsSync } from "node:fs";
import { mkdir, open, readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  annotationLine,
  type CliIO,
  EXIT,
  oneOf,
  paint,
  parseCommandLine,
  printJson,
} from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { Git } from "../core/git.ts";
import { Inputs } from "../core/inputs.ts";
import { linkOnPath } from "../core/links.ts";
import { diagnose } from "./doctor/doctor.ts";
import { doctorJson, doctorText, findingAnnotation } from "./doctor/report.ts";
import { readRepository, WORKFLOWS_FOLDER, type WorkflowRepository } from "./doctor/repository.ts";
import { GATE_EVENTS, type GateEventName } from "./doctor/triggers.ts";
import { starterRules } from "./init.ts";
import { DEFAULT_RULES_PATH } from "./inputs.ts";
import { parseRules } from "./rules.ts";

export const WORKFLOW_COMMANDS_HELP = `
Usage: status-gate gate doctor [options]

Checks the rules against the repository's workflows (local reusable workflows and static matrix
legs included, check names cut at 100 characters as GitHub cuts them) and reports each rule that
can never be satisfied, or not on an event the gate runs for: no job of that name, a missing
workflow:, a workflow not triggered on the event or filtered out by branches or paths, a job that
its if: always skips; in needs mode, rules missing from the gate job's needs and needs without a
rule that may be skipped. The gate action runs the same checks when it starts (checks mode).

Usage: status-gate gate init [options]

Writes a starter rules file from the workflows: one rule per job that the workflows' gate jobs
wait for, pinned to its workflow, with paths read from paths-filter groups and on: paths, and a
comment on where each line came from.

Options of doctor and init:
  --rules FILE      the rules file (default: <repo>/${DEFAULT_RULES_PATH})
  --repo DIR        the repository (default: the one holding the current directory)
  --events LIST     events the gate runs for: pull_request, merge_group, push (default: the
                    triggers of the workflows that run the gate, else pull_request)
  --branch NAME     the default branch (default: origin's HEAD, else main)
  --format FORMAT   text (default) or json
Options of init only:
  --check           write nothing; exit 1 when the file differs from what init would write
  --stdout          print the rules instead of writing them
  --force           replace a rules file that exists

Exit codes: doctor 0 no problem, 1 problems; init 0 written (or up to date), 1 --check found the
file stale; both 2 for a bad command line or rules file, or no workflows; 3 unexpected error.
`;

const COMMON = {
  rules: { type: "string" },
  repo: { type: "string" },
  events: { type: "string" },
  branch: { type: "string" },
  format: { type: "string" },
} as const;

interface Setting {
  root: string;
  repository: WorkflowRepository;
  rulesPath: string;
  /** The rules file as annotations and messages name it: relative to the repository. */
  rulesShown: string;
  events: GateEventName[] | undefined;
  /** Asked of git while the rules are read: `--branch`, origin's HEAD, else `main`. */
  defaultBranch: Promise<string>;
  format: "text" | "json";
}

async function setting(
  io: CliIO,
  values: Record<string, string | boolean | undefined>,
): Promise<Setting> {
  const inputs = Inputs.fromFlags(values);
  const format = inputs.enumeration("format", ["text", "json"] as const, "text");
  const listedEvents = inputs.list("events");
  const events =
    listedEvents.length > 0
      ? listedEvents.map((event) => oneOf("--events", event, GATE_EVENTS))
      : undefined;
  const dir = resolve(io.cwd, inputs.string("repo", "."));
  const git = new Git(dir);
  const branch = inputs.optional("branch");
  const defaultBranch = branch
    ? Promise.resolve(branch)
    : git
        .value(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"])
        .catch(() => undefined)
        .then((head) => head?.replace(/^origin\//, "") ?? "main");
  // At a repository's root (the usual case) git need not be asked where the root is.
  const root = existsSync(join(dir, ".git"))
    ? dir
    : ((await git.value(["rev-parse", "--show-toplevel"]).catch(() => undefined)) ?? dir);
  const linked = await linkOnPath(root, WORKFLOWS_FOLDER);
  if (linked) {
    throw new ConfigurationError(
      `${relative(root, linked).split(sep).join("/")} is a symbolic link, and GitHub runs no workflow through one, so there is nothing to check (--repo)`,
    );
  }
  const repository = await readRepository(root);
  if (!repository) {
    throw new ConfigurationError(
      `${root} has no ${WORKFLOWS_FOLDER} folder, so there is nothing to check (--repo)`,
    );
  }
  const rulesPath = resolve(root, inputs.string("rules", DEFAULT_RULES_PATH));
  const inside = relative(root, rulesPath);
  return {
    root,
    repository,
    rulesPath,
    rulesShown:
      inside.startsWith("..") || isAbsolute(inside) ? rulesPath : inside.split(sep).join("/"),
    events,
    defaultBranch,
    format,
  };
}

/**
 * The rules file is a regular file of the repository, never a symbolic link (the file or a folder
 * on its way): the gate reads it from git, where a link is only its target's path, and a clone's
 * links may point anywhere, so init must not write through one (a dangling link would create the
 * file it names, --force would overwrite it) nor doctor check a file the gate never reads.
 */
async function refuseLinks(options: { root: string; rulesPath: string }): Promise<void> {
  const link = await linkOnPath(options.root, options.rulesPath);
  if (!link) return;
  const inside = relative(options.root, link);
  const shown = inside.startsWith("..") ? link : inside.split(sep).join("/");
  throw new ConfigurationError(
    `${shown} is a symbolic link; the rules file must be a regular file of the repository, which the gate reads from git (a link there is only a path) and init never writes through (--rules)`,
  );
}

async function writeRules(options: { root: string; rulesPath: string }, text: string) {
  await refuseLinks(options);
  await mkdir(dirname(options.rulesPath), { recursive: true });
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
  const handle = await open(options.rulesPath, flags, 0o644);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

async function readRules(options: { root: string; rulesPath: string }) {
  await refuseLinks(options);
  return readFile(options.rulesPath, "utf8").catch((thrown: NodeJS.ErrnoException) => {
    if (thrown.code === "ENOENT") return undefined;
    throw thrown;
  });
}

export async function runDoctor(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandLine("gate doctor", args, COMMON, { positionals: false });
  const options = await setting(io, values);
  const text = await readRules(options);
  if (text === undefined) {
    throw new ConfigurationError(
      `cannot read the rules file ${options.rulesShown} (--rules); write one with 'status-gate gate init'`,
    );
  }
  const rulesFile = parseRules(options.rulesShown, text);
  if (rulesFile.rules.length === 0) {
    throw new ConfigurationError(
      `${options.rulesShown} has no rules, so there is nothing to check`,
    );
  }
  const report = diagnose({
    rulesFile,
    repository: options.repository,
    events: options.events,
    defaultBranch: await options.defaultBranch,
  });
  if (options.format === "json") printJson(io, doctorJson(report));
  else io.stdout.write(doctorText(report, io));
  return report.findings.some((finding) => finding.level === "error") ? EXIT.failed : EXIT.ok;
}

export async function runInit(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandLine(
    "gate init",
    args,
    {
      ...COMMON,
      check: { type: "boolean" },
      stdout: { type: "boolean" },
      force: { type: "boolean" },
    },
    { positionals: false },
  );
  const options = await setting(io, values);
  const starter = starterRules(options.repository, {
    events: options.events,
    defaultBranch: await options.defaultBranch,
    rulesPath: options.rulesShown,
  });
  if (starter.rules.length === 0) {
    throw new ConfigurationError(
      `no job of ${WORKFLOWS_FOLDER} runs on ${options.events?.join(", ") ?? "pull_request"}, so there is no rule to write`,
    );
  }
  const existing = await readRules(options);
  const upToDate = existing === starter.text;
  let written = false;
  if (!values.check && !values.stdout && !upToDate) {
    if (existing !== undefined && !values.force) {
      throw new ConfigurationError(
        `${options.rulesShown} exists; --force replaces it, --check compares it with what init would write, --stdout prints the new rules`,
      );
    }
    await writeRules(options, starter.text);
    written = true;
  }
  // What the rules cannot fix (a workflow not triggered where the gate runs) is the doctor's to say.
  const report = diagnose({
    rulesFile: parseRules(options.rulesShown, starter.text),
    repository: options.repository,
    events: options.events,
    defaultBranch: await options.defaultBranch,
  });
  if (options.format === "json") {
    printJson(io, {
      path: options.rulesShown,
      written,
      upToDate,
      events: starter.events,
      gateJobs: starter.gateJobs,
      rules: starter.rules.map((rule) => ({
        id: rule.id,
        job: rule.job ?? null,
        check: rule.check ?? null,
        workflow: rule.workflow,
        paths: rule.paths,
        labels: rule.labels,
        allow: Object.fromEntries(rule.skippedOn.map((event) => [event, ["skipped"]])),
        source: rule.source,
      })),
      doctor: doctorJson(report),
      text: values.stdout ? starter.text : undefined,
    });
  } else if (values.stdout) io.stdout.write(starter.text);
  else {
    const lines = report.findings.map((finding) => annotationLine(io, findingAnnotation(finding)));
    if (lines.length > 0) {
      lines.unshift(
        `gate doctor finds what the rules alone cannot fix (see 'status-gate gate doctor'):`,
      );
    }
    lines.push(
      initSummary(
        values.check === true,
        written,
        upToDate,
        options.rulesShown,
        starter.rules.length,
        existing,
        starter.text,
        io,
      ),
    );
    io.stdout.write(`${lines.join("\n")}\n`);
  }
  return values.check && !upToDate ? EXIT.failed : EXIT.ok;
}

function initSummary(
  check: boolean,
  written: boolean,
  upToDate: boolean,
  path: string,
  count: number,
  existing: string | undefined,
  text: string,
  io: CliIO,
): string {
  const rules = `${count} ${count === 1 ? "rule" : "rules"}`;
  if (upToDate) return paint(io, "green", `${path} is up to date (${rules}).`);
  if (written)
    return paint(
      io,
      "green",
      `Wrote ${path}: ${rules}. Check them with 'status-gate gate doctor'.`,
    );
  if (!check) return "";
  if (existing === undefined)
    return paint(
      io,
      "red",
      `${path} does not exist; 'status-gate gate init' writes it (${rules}).`,
    );
  const old = existing.split("\n");
  const now = text.split("\n");
  const line =
    now.findIndex((row, index) => row !== old[index]) + 1 || Math.min(old.length, now.length) + 1;
  return paint(
    io,
    "red",
    `${path} differs from what 'status-gate gate init' writes today (${rules}), first at line ${line}.`,
  );
}
