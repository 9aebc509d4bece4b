import { escapeMarkdown, inlineCode, link } from "../core/summary.ts";
import type { ClassifiedCommit } from "./conventional.ts";
import type { ComponentPlan } from "./plan.ts";

export interface NotesContext {
  /** `https://github.com/owner/repo`, for pull request and commit links. */
  repositoryUrl: string;
  slot: string;
}

const SECTIONS: ReadonlyArray<[string, (commit: ClassifiedCommit) => boolean]> = [
  ["Breaking changes", (commit) => commit.breaking],
  ["Features", (commit) => commit.type === "feat"],
  ["Fixes", (commit) => commit.type === "fix" || commit.type === "revert"],
  ["Performance", (commit) => commit.type === "perf"],
  ["Not conventional commits (counted as patches)", (commit) => commit.type === undefined],
  ["Other changes", () => true],
];

/**
 * The notes of one component's release, grouped with breaking changes first. Every commit
 * subject and author is escaped, so a subject cannot inject links, mentions or HTML.
 */
export function componentNotes(plan: ComponentPlan, context: NotesContext): string {
  const lines: string[] = [
    `Released by the train of ${escapeMarkdown(context.slot)}: ${inlineCode(plan.name)} ` +
      (plan.previous ? `${escapeMarkdown(plan.previous)} → ` : "") +
      escapeMarkdown(plan.version),
  ];
  const remaining = [...plan.commits];
  for (const [title, belongs] of SECTIONS) {
    const picked = remaining.filter(belongs);
    if (picked.length === 0) continue;
    for (const commit of picked) remaining.splice(remaining.indexOf(commit), 1);
    lines.push(
      "",
      `### ${title}`,
      "",
      ...picked.map((commit) => `- ${commitLine(commit, context)}`),
    );
  }
  if (plan.commits.length === 0) lines.push("", "No changes since the previous release.");
  if (plan.previousTag) {
    const compare = `${context.repositoryUrl}/compare/${encodeURIComponent(plan.previousTag)}...${encodeURIComponent(plan.tag)}`;
    lines.push("", `**Full changelog**: ${link(`${plan.previousTag}...${plan.tag}`, compare)}`);
  }
  return `${lines.join("\n")}\n`;
}

function commitLine(commit: ClassifiedCommit, context: NotesContext): string {
  const scope = commit.scope ? `**${escapeMarkdown(commit.scope)}:** ` : "";
  const pulls = commit.pullRequests.map((number) =>
    link(`#${number}`, `${context.repositoryUrl}/pull/${number}`),
  );
  const reference =
    pulls.length > 0
      ? pulls.join(", ")
      : link(commit.sha.slice(0, 7), `${context.repositoryUrl}/commit/${commit.sha}`);
  return `${scope}${escapeMarkdown(commit.description)} (${reference}) by ${escapeMarkdown(commit.author)}`;
}

/** All components' notes in one document, for the `release-notes` output. */
export function trainNotes(plans: readonly ComponentPlan[], context: NotesContext): string {
  return plans
    .map(
      (plan) =>
        `## ${escapeMarkdown(plan.name)} ${escapeMarkdown(plan.version)}\n\n${componentNotes(plan, context)}`,
    )
    .join("\n");
}
