import { resolve } from "node:path";
import { type CliCommand, EXIT, paint, parseCommandLine } from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { LocalGit } from "./git.ts";
import { parseInstant } from "./now-input.ts";
import { planJson, planRelease } from "./plan.ts";
import { loadConfig } from "./run.ts";
import { decideSchedule } from "./schedule.ts";

const HELP = `Usage: status-gate train plan --repo <dir> [--config <file>] [--now <ISO time>] [--format text|json]

Shows what the release train would do at a moment, from the repository's local history, and
changes nothing: whether a train is due, which slot, and each component's next version.

Options:
  --repo <dir>       the repository (a full clone; default: the current directory)
  --config <file>    the train configuration, relative to --repo (default .github/train.yml)
  --now <ISO time>   the moment to plan for (default: now), with Z or an offset, e.g.
                     2026-12-01T16:00:00Z or 2026-12-01T17:00:00+01:00; a time without
                     one is refused (it would depend on this machine's time zone)
  --format <f>       text (default) or json:
                     {"due","slot","reason","cutoff","components":[{"name","path","kind",
                      "previous","version","bump","commits","unparsed"}]}

Whether the slot already departed is known only to GitHub; the action checks it, this does not.`;

export const command: CliCommand = {
  name: "train",
  subcommands: {
    plan: "the release train's plan for a moment, changing nothing",
  },
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseCommandLine("train", args, {
      repo: { type: "string" },
      config: { type: "string" },
      now: { type: "string" },
      format: { type: "string" },
    });
    if (positionals[0] !== "plan" || positionals.length > 1) {
      throw new ConfigurationError(
        "train: the only subcommand is 'plan' (see 'status-gate train --help')",
      );
    }
    const format = values.format ?? "text";
    if (format !== "text" && format !== "json") {
      throw new ConfigurationError(`train: --format is '${format}'; use text or json`);
    }
    const now = values.now === undefined ? new Date() : parseInstant(values.now, "train: --now");
    const repoDir = resolve(io.cwd, values.repo ?? ".");
    const config = loadConfig(repoDir, values.config ?? ".github/train.yml");
    const git = new LocalGit(repoDir);
    git.assertFullHistory();
    const decision = decideSchedule(config.schedule, now);
    const cutoff = decision.due
      ? git.commitAtCutoff("HEAD", decision.slot.departsAt)
      : git.resolve("HEAD");
    const plan = cutoff ? planRelease(git, config, cutoff) : undefined;
    const due = decision.due && (plan?.departing.length ?? 0) > 0;
    const reason = decision.due && !due ? "no-changes" : decision.reason;
    const report = {
      due,
      slot: decision.slot?.date ?? null,
      reason,
      next: decision.due ? null : decision.next.date,
      cutoff: cutoff ?? null,
      components: plan ? planJson(plan) : [],
    };
    if (format === "json") {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT.ok;
    }
    const headline = due
      ? paint(io, "green", `train ${report.slot} is due (${reason})`)
      : paint(
          io,
          "yellow",
          `no departure: ${reason}${report.slot ? ` (slot ${report.slot})` : ""}${report.next ? `; next train ${report.next}` : ""}`,
        );
    io.stdout.write(`${headline}\n`);
    for (const item of report.components) {
      const change =
        item.bump === "none"
          ? paint(io, "dim", `${item.version} stays`)
          : `${item.previous ?? "new"} -> ${paint(io, "bold", item.version)} (${item.bump})`;
      io.stdout.write(
        `  ${item.name.padEnd(28)} ${item.kind.padEnd(8)} ${change}, ${item.commits} commit(s)\n`,
      );
      for (const subject of item.unparsed)
        io.stdout.write(`      not conventional, counted as patch: ${subject}\n`);
    }
    return EXIT.ok;
  },
};
