import { resolve } from "node:path";
import {
  type CliCommand,
  type CliIO,
  EXIT,
  oneOf,
  paint,
  parseCommandLine,
  printJson,
} from "../cli/command.ts";
import { ConfigurationError } from "../core/errors.ts";
import { DEPART_HELP, DEPART_OPTIONS, depart } from "./cli-depart.ts";
import { LocalGit } from "./git.ts";
import { localMarkerSource } from "./git-remote.ts";
import { markerName, readMarkers, trainTags } from "./markers.ts";
import { parseInstant } from "./now-input.ts";
import { planJson, planRelease } from "./plan.ts";
import { decideSlot, loadConfig } from "./run.ts";

const HELP = `Usage: status-gate train <plan|depart> [options]

  plan     what the release train would do at a moment, from local history; changes nothing
  depart   what the action does: depart (or finish) a train, or with --dry-run list every
           write it would make, in order

status-gate train plan [--repo <dir>] [--config <file>] [--now <ISO time>] [--format text|json]

Shows whether a train is due, which slot, and each component's next version. Departures are
read from this clone's tags (the departure markers, train/* by default): fetch them first
(git fetch --tags) to see trains that left since you cloned.

Options:
  --repo <dir>       the repository (a full clone; default: the current directory)
  --config <file>    the train configuration, relative to --repo (default .github/train.yml)
  --now <ISO time>   the moment to plan for (default: now), with Z or an offset, e.g.
                     2026-12-01T16:00:00Z or 2026-12-01T17:00:00+01:00; a time without
                     one is refused (it would depend on this machine's time zone)
  --format <f>       text (default) or json:
                     {"due","slot","reason","next","cutoff","markers":{"source","count","latest"},
                      "components":[{"name","path","kind","previous","version","bump","commits",
                      "unparsed","tag","blocked"}]}

${DEPART_HELP}`;

export const command: CliCommand = {
  name: "train",
  subcommands: {
    plan: "the release train's plan for a moment, changing nothing",
    depart: "depart or finish a train like the action (--dry-run: list every write in order)",
  },
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseCommandLine("train", args, {
      repo: { type: "string" },
      config: { type: "string" },
      now: { type: "string" },
      format: { type: "string" },
      ...DEPART_OPTIONS,
    });
    const [subcommand, ...extra] = positionals;
    if (extra.length > 0) {
      throw new ConfigurationError(
        `unexpected argument '${extra[0]}' (see 'status-gate train --help')`,
      );
    }
    const format = oneOf("--format", values.format ?? "text", ["text", "json"] as const);
    if (subcommand === "depart") return depart(values, format, io);
    if (subcommand !== "plan") {
      throw new ConfigurationError(
        "the subcommands are 'plan' and 'depart' (see 'status-gate train --help')",
      );
    }
    const departOnly = Object.keys(DEPART_OPTIONS).filter(
      (flag) => values[flag as keyof typeof values] !== undefined,
    );
    if (departOnly.length > 0) {
      throw new ConfigurationError(
        `--${departOnly[0]} belongs to 'status-gate train depart', not 'plan'`,
      );
    }
    return plan(values, format, io);
  },
};

async function plan(
  values: { repo?: string; config?: string; now?: string },
  format: "text" | "json",
  io: CliIO,
): Promise<number> {
  const now = values.now === undefined ? new Date() : parseInstant(values.now, "--now");
  const repoDir = resolve(io.cwd, values.repo ?? ".");
  const config = loadConfig(repoDir, values.config ?? ".github/train.yml");
  const git = new LocalGit(repoDir);
  git.assertFullHistory();
  const markers = await readMarkers(
    localMarkerSource(git),
    git.tagMessages(config.markerPrefix),
    config.markerPrefix,
  );
  const decided = await decideSlot(
    { force: false, runId: "", runAttempt: 1, now },
    config,
    markers,
    {
      runCreatedAt: async () => undefined,
      log: () => {},
    },
  );
  const departed =
    "slot" in decided &&
    markers.some((marker) => marker.tag === markerName(config.markerPrefix, decided.slot));
  const cutoff =
    "slot" in decided && !departed
      ? git.commitAtCutoff("HEAD", decided.departsAt)
      : git.resolve("HEAD");
  const made = trainTags(markers);
  const releasePlan = cutoff
    ? await planRelease(
        git,
        config,
        cutoff,
        {},
        {
          trainTags: new Map([...git.allTags()].filter(([tag]) => made.has(tag))),
        },
      )
    : undefined;
  const due = "slot" in decided && !departed && (releasePlan?.departing.length ?? 0) > 0;
  const reason =
    "slot" in decided
      ? departed
        ? "already-departed"
        : due
          ? decided.reason
          : "no-changes"
      : decided.result.reason;
  const report = {
    due,
    slot: "slot" in decided ? decided.slot : decided.result.slot || null,
    reason,
    next: "slot" in decided ? null : (decided.result.next ?? null),
    cutoff: cutoff ?? null,
    markers: {
      source: "this clone's tags",
      count: markers.length,
      latest: markers.at(-1)?.tag ?? null,
    },
    components: releasePlan ? planJson(releasePlan) : [],
  };
  if (format === "json") {
    printJson(io, report);
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
  io.stdout.write(
    markers.length > 0
      ? `departures read from this clone's tags: ${markers.length} marker(s), the latest ${report.markers.latest}\n`
      : `no departure markers (${config.markerPrefix}*) in this clone's tags: if trains departed, fetch them (git fetch --tags)\n`,
  );
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
    if (item.blocked) io.stdout.write(`      ${item.blocked}\n`);
  }
  return EXIT.ok;
}
