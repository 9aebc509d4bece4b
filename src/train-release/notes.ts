import { link } from "../core/summary.ts";
import { showInvisible } from "../core/text.ts";
import type { ClassifiedCommit } from "./conventional.ts";

export interface NotesContext {
  /** `https://github.com/owner/repo`, for pull request and commit links. */
  repositoryUrl: string;
  slot: string;
}

/** What notes are written about: one component's release. */
export interface NotesSubject {
  name: string;
  version: string;
  previous: string | undefined;
  previousTag: string | undefined;
  tag: string;
  commits: readonly ClassifiedCommit[];
}

export type NotesFormat = "markdown" | "text";

/**
 * Commits listed in one release's notes; a first release of a long history would otherwise list
 * tens of thousands (GitHub refuses a release body over 125,000 characters).
 */
const MAX_LISTED = 250;
/** GitHub's limit on a release body. */
export const MAX_RELEASE_BODY = 125_000;
/** A job's outputs may hold 1 MB in all; each notes output keeps well inside it. */
const MAX_OUTPUT = 256 * 1024;

/** Notes cut to a size, at a line, saying so. */
export function capped(text: string, limit = MAX_OUTPUT): string {
  if (Buffer.byteLength(text) <= limit) return text;
  const cut = Buffer.from(text)
    .subarray(0, limit - 200)
    .toString("utf8");
  return `${cut.slice(0, cut.lastIndexOf("\n"))}\n\n(notes cut at ${limit} bytes; each release holds its own)\n`;
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
 * Text from commits inside markdown: HTML is escaped and the characters that start links,
 * images, emphasis, code, tables or mentions are backslash-escaped, so a subject cannot inject any
 * of them; the rest (versions, `#102`, periods) stays as written, readable in a CHANGELOG too.
 */
export function markdownText(text: string): string {
  return (
    showInvisible(text.replace(/\r\n|\r|\n/g, " "))
      .replace(/[\\`*_{}[\]()!|~@]/g, "\\$&")
      .replace(/&(?=#?\w+;)/g, "&amp;")
      .replace(/[<>]/g, (char) => (char === "<" ? "&lt;" : "&gt;"))
      // A block marker at the start (`# `, `- `, `1. `) would start a heading or a list.
      .replace(/^(#{1,6}|[-+])(?=\s|$)/, "\\$1")
      .replace(/^(\d{1,9})([.)])(?=\s|$)/, "$1\\$2")
  );
}

/**
 * A markdown link. Text the train controls (a tag, `#102`, a short SHA) reads as written; anything
 * else goes through the escaping `link`.
 */
function markdownLink(text: string, url: string): string {
  return /^[\w.#/@+-]+$/.test(text) && /^https?:\/\/[^\s()<>[\]]+$/.test(url)
    ? `[${text}](${url})`
    : link(text, url);
}

/** A name or version as markdown: code when it is plain, escaped text otherwise. */
function shown(text: string): string {
  return /^[\w.@/+-]+$/.test(text) ? `\`${text}\`` : markdownText(text);
}

/**
 * The notes of one component's release, grouped with breaking changes first. In markdown every
 * commit subject and author is escaped; the plain-text form (for Slack, e-mail or a terminal)
 * keeps them as written, with invisible format characters shown.
 */
export function componentNotes(
  plan: NotesSubject,
  context: NotesContext,
  format: NotesFormat = "markdown",
): string {
  const text = format === "text";
  const change = `${plan.previous ? `${plan.previous} → ` : ""}${plan.version}`;
  const lines: string[] = [
    text
      ? `Released by the train of ${context.slot}: ${plan.name} ${change}`
      : `Released by the train of ${context.slot}: ${shown(plan.name)} ${change}`,
  ];
  let remaining = [...plan.commits];
  let room = MAX_LISTED;
  for (const [title, belongs] of SECTIONS) {
    const picked = remaining.filter(belongs);
    if (picked.length === 0) continue;
    remaining = remaining.filter((commit) => !belongs(commit));
    const listed = picked.slice(0, Math.max(0, room));
    room -= listed.length;
    const more = picked.length - listed.length;
    lines.push(
      "",
      text ? `${title}:` : `### ${title}`,
      ...(text ? [] : [""]),
      ...listed.map((commit) => `- ${commitLine(commit, context, format)}`),
      ...(more > 0 ? [`- ... and ${more} more (see the full changelog)`] : []),
    );
  }
  if (plan.commits.length === 0) lines.push("", "No changes since the previous release.");
  if (plan.previousTag) {
    const compare = `${context.repositoryUrl}/compare/${encodeURIComponent(plan.previousTag)}...${encodeURIComponent(plan.tag)}`;
    lines.push(
      "",
      text
        ? `Full changelog: ${compare}`
        : `**Full changelog**: ${markdownLink(`${plan.previousTag}...${plan.tag}`, compare)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function commitLine(commit: ClassifiedCommit, context: NotesContext, format: NotesFormat): string {
  if (format === "text") {
    const scope = commit.scope ? `${commit.scope}: ` : "";
    const pulls = commit.pullRequests.map((number) => `#${number}`);
    const reference = pulls.length > 0 ? pulls.join(", ") : commit.sha.slice(0, 7);
    return showInvisible(`${scope}${commit.description} (${reference}) by ${commit.author}`);
  }
  const scope = commit.scope ? `**${markdownText(commit.scope)}:** ` : "";
  const pulls = commit.pullRequests.map((number) =>
    markdownLink(`#${number}`, `${context.repositoryUrl}/pull/${number}`),
  );
  const reference =
    pulls.length > 0
      ? pulls.join(", ")
      : markdownLink(commit.sha.slice(0, 7), `${context.repositoryUrl}/commit/${commit.sha}`);
  return `${scope}${markdownText(commit.description)} (${reference}) by ${markdownText(commit.author)}`;
}

/** All components' notes in one document, for the `release-notes` outputs. */
export function trainNotes(
  plans: readonly NotesSubject[],
  context: NotesContext,
  format: NotesFormat = "markdown",
): string {
  return plans
    .map((plan) =>
      format === "text"
        ? `${plan.name} ${plan.version}\n\n${componentNotes(plan, context, "text")}`
        : `## ${shown(plan.name)} ${plan.version}\n\n${componentNotes(plan, context)}`,
    )
    .join("\n");
}

/**
 * A CHANGELOG.md with this release's section added above the earlier ones (after the file's
 * title and introduction); a missing file starts with a `# Changelog` title.
 */
export function withChangelogEntry(
  existing: string | undefined,
  plan: NotesSubject,
  context: NotesContext & { date: string },
): string {
  const body = componentNotes(plan, context).split("\n").slice(1).join("\n").trim();
  const entry = `## ${plan.version} (${context.date})\n\n${body || "No changes since the previous release."}\n`;
  if (existing === undefined || existing.trim() === "") return `# Changelog\n\n${entry}`;
  const lines = existing.split("\n");
  const firstRelease = lines.findIndex((line) => /^## /.test(line));
  if (firstRelease >= 0) {
    return [
      ...lines.slice(0, firstRelease),
      ...entry.split("\n"),
      ...lines.slice(firstRelease),
    ].join("\n");
  }
  return `${existing.replace(/\n*$/, "")}\n\n${entry}`;
}
