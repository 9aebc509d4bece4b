/** What a commit asks of the next version. `none` is releasable by nobody (ci, docs, chore...). */
export type Bump = "major" | "minor" | "patch" | "none";

export interface CommitRecord {
  sha: string;
  subject: string;
  body: string;
  author: string;
  /** Repository paths the commit touched. */
  files: string[];
}

export interface ClassifiedCommit {
  sha: string;
  subject: string;
  author: string;
  /** The conventional type (`feat`, `fix`...), undefined when the subject does not parse. */
  type: string | undefined;
  scope: string | undefined;
  description: string;
  breaking: boolean;
  bump: Bump;
  /** `#123` references to pull requests, from a squash-merge `(#123)` suffix. */
  pullRequests: number[];
}

const HEADER = /^(?<type>[A-Za-z]+)(?:\((?<scope>[^()\r\n]*)\))?(?<bang>!)?: (?<description>\S.*)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE: /m;
const PATCH_TYPES = new Set(["fix", "perf", "revert"]);
const QUIET_TYPES = new Set([
  "build",
  "chore",
  "ci",
  "docs",
  "refactor",
  "style",
  "test",
  "release",
]);

/**
 * Reads a commit as a conventional commit: `feat` is minor, `fix`/`perf`/`revert` patch, `!` or a
 * `BREAKING CHANGE:` footer major, and the quiet types release nothing. A subject that does not
 * parse (or an unknown type) counts as a patch, so nothing slips out unreleased.
 */
export function classifyCommit(commit: Omit<CommitRecord, "files">): ClassifiedCommit {
  const subject = commit.subject.trim();
  const match = HEADER.exec(subject);
  const pullRequests = [...subject.matchAll(/\(#(\d+)\)/g)].map((found) => Number(found[1]));
  const base = { sha: commit.sha, subject, author: commit.author, pullRequests };
  if (!match?.groups) {
    return {
      ...base,
      type: undefined,
      scope: undefined,
      description: subject,
      breaking: false,
      bump: "patch",
    };
  }
  const type = (match.groups.type as string).toLowerCase();
  const breaking = match.groups.bang === "!" || BREAKING_FOOTER.test(commit.body);
  const known = type === "feat" || PATCH_TYPES.has(type) || QUIET_TYPES.has(type);
  let bump: Bump = "patch";
  if (breaking) bump = "major";
  else if (type === "feat") bump = "minor";
  else if (QUIET_TYPES.has(type)) bump = "none";
  return {
    ...base,
    type: known ? type : undefined,
    scope: match.groups.scope || undefined,
    description: (match.groups.description as string).replace(/\s*\(#\d+\)\s*$/, ""),
    breaking,
    bump,
  };
}

const ORDER: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

export function largestBump(bumps: Iterable<Bump>): Bump {
  let largest: Bump = "none";
  for (const bump of bumps) if (ORDER[bump] > ORDER[largest]) largest = bump;
  return largest;
}
