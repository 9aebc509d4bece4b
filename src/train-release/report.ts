import { escapeMarkdown, inlineCode, link, Summary } from "../core/summary.ts";
import type { Drift } from "./drift.ts";
import type { ReleasePlan } from "./plan.ts";
import type { TrainResult } from "./result.ts";

/** The plan as a table; only components that depart unless `all` is set. */
export function planTable(summary: Summary, plan: ReleasePlan, all = false): Summary {
  const rows = plan.components
    .filter((item) => all || item.departs)
    .map((item) => [
      inlineCode(item.name),
      escapeMarkdown(item.kind),
      inlineCode(item.path || "."),
      escapeMarkdown(item.previous ?? "—"),
      item.departs ? `**${escapeMarkdown(item.version)}**` : "stays",
      escapeMarkdown(item.departs ? item.how : "none"),
      String(item.commits.length),
    ]);
  if (rows.length === 0) return summary.paragraph("No component has releasable changes.");
  summary.table(["component", "kind", "path", "previous", "version", "bump", "commits"], rows);
  const blocked = plan.components.filter((item) => item.blocked);
  if (blocked.length > 0) {
    summary.list(blocked.map((item) => escapeMarkdown(item.blocked as string)));
  }
  const unparsed = plan.departing.flatMap((item) =>
    item.unparsed.map((subject) => `${inlineCode(item.name)}: ${escapeMarkdown(subject)}`),
  );
  if (unparsed.length > 0) {
    summary.details(
      `${unparsed.length} commit(s) are not conventional commits and count as patches`,
      unparsed.map((line) => `- ${line}`).join("\n"),
    );
  }
  return summary;
}

export function trainSummary(result: TrainResult): Summary {
  const summary = new Summary();
  const title = result.departed
    ? `Train ${result.slot} departed`
    : `Train ${result.slot || "(none)"}: ${result.reason}`;
  summary.heading(title);
  summary.paragraph(result.detail);
  if (result.next) summary.paragraph(`The next train leaves on ${result.next}.`);
  if (result.pullRequestUrl)
    summary.raw(`Release pull request: ${link(result.pullRequestUrl, result.pullRequestUrl)}`);
  if (result.released.length > 0) {
    summary.table(
      ["component", "version", "tag", "release"],
      result.released.map((item) => [
        inlineCode(item.name),
        escapeMarkdown(`${item.previous ?? "new"} → ${item.version}`),
        inlineCode(item.tag),
        link(item.draft ? "draft (awaiting assets)" : "release", item.release_url),
      ]),
    );
  }
  if (result.writes.length > 0) {
    summary.details(
      result.reason === "dry-run"
        ? "What the train would write, in order"
        : "What the train wrote, in order",
      result.writes.map((write, index) => `${index + 1}. ${escapeMarkdown(write)}`).join("\n"),
    );
  }
  if (result.plan) {
    summary.heading("Plan", 3);
    planTable(summary, result.plan, !result.departed);
  }
  return summary;
}

export function driftSummary(drift: readonly Drift[]): Summary {
  const summary = new Summary().heading("Release drift");
  if (drift.length === 0)
    return summary.paragraph("Every changed component has a version bump or no releasable change.");
  return summary.table(
    ["component", "released", "commits since", "next train releases"],
    drift.map((item) => [
      inlineCode(item.name),
      escapeMarkdown(item.released),
      String(item.commits),
      escapeMarkdown(item.next),
    ]),
  );
}
