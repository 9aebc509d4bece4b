import { ApiError, type GitHubApi } from "./api.ts";
import { short, type Target } from "./event.ts";
import type { LocalGit } from "./git.ts";
import type { ChangedFile, ChangeSet } from "./plan.ts";

/** GitHub's caps: pull request files stop at 3000, a comparison at 300. */
export const PULL_FILES_CAP = 3000;
export const COMPARE_FILES_CAP = 300;

export interface ChangeSources {
  git: LocalGit | undefined;
  api: GitHubApi;
  repository: string;
  /** Tells the user why a source was passed over (a shallow clone, a missing commit). */
  notice: (message: string) => void;
}

/** The change a target makes, and the base commit it was measured from when known. */
export interface FoundChanges {
  changes: ChangeSet;
  baseSha: string | undefined;
}

export async function findChanges(target: Target, sources: ChangeSources): Promise<FoundChanges> {
  const local = sources.git ? await localChanges(target, sources.git, sources.notice) : undefined;
  return local ?? apiChanges(target, sources);
}

async function localChanges(
  target: Target,
  git: LocalGit,
  notice: (message: string) => void,
): Promise<FoundChanges | undefined> {
  if (!(await git.available()) || !(await git.hasCommit(target.sha))) return undefined;
  if (await git.isShallow()) {
    notice(
      "the checkout is a shallow clone, so its merge bases cannot be trusted; asking the GitHub API for the changed files (use fetch-depth: 0 to diff locally)",
    );
    return undefined;
  }
  const base = await localBase(target, git);
  if (!base) return undefined;
  const files = await git.diff(base, target.sha);
  return {
    baseSha: base,
    changes: {
      files,
      complete: true,
      source: `local git diff ${short(base)}...${short(target.sha)}`,
    },
  };
}

async function localBase(target: Target, git: LocalGit): Promise<string | undefined> {
  if (!target.base) return undefined;
  if ("sha" in target.base) {
    if (!(await git.hasCommit(target.base.sha))) return undefined;
    // A push whose `before` is not an ancestor was a force push the payload did not flag.
    if (target.event !== "push" || (await git.isAncestor(target.base.sha, target.sha)))
      return target.base.sha;
    const fallback = await git.resolveBranch(target.rulesRef);
    return fallback ? git.mergeBase(fallback, target.sha) : undefined;
  }
  const branch = await git.resolveBranch(target.base.mergeBaseWith);
  return branch ? git.mergeBase(branch, target.sha) : undefined;
}

async function apiChanges(target: Target, sources: ChangeSources): Promise<FoundChanges> {
  if (target.pullRequest) return pullRequestFiles(target, target.pullRequest, sources);
  if (!target.base) {
    return {
      baseSha: undefined,
      changes: {
        files: [],
        complete: false,
        source: "none",
        everythingBecause: `${target.event} has no base to compare with, so every rule applies`,
      },
    };
  }
  const base = "sha" in target.base ? target.base.sha : target.base.mergeBaseWith;
  const { data } = await sources.api.get<CompareResponse>(
    `/repos/${sources.repository}/compare/${encodeURIComponent(base)}...${target.sha}`,
  );
  const files = (data.files ?? []).map(toChangedFile);
  const complete = files.length < COMPARE_FILES_CAP;
  return {
    baseSha: data.merge_base_commit?.sha,
    changes: {
      files,
      complete,
      source: `GitHub compare ${short(base)}...${short(target.sha)}`,
      everythingBecause: complete
        ? undefined
        : `the compare API lists at most ${COMPARE_FILES_CAP} files and this change has ${files.length} or more, so every rule applies (check out the repository with fetch-depth: 0 for an exact diff)`,
    },
  };
}

async function pullRequestFiles(
  target: Target,
  pull: { number: number; changedFiles?: number },
  sources: ChangeSources,
): Promise<FoundChanges> {
  const files: ChangedFile[] = [];
  for (let page = 1; page <= PULL_FILES_CAP / 100; page++) {
    const { data } = await sources.api.get<ApiFile[]>(
      `/repos/${sources.repository}/pulls/${pull.number}/files?per_page=100${page > 1 ? `&page=${page}` : ""}`,
    );
    files.push(...data.map(toChangedFile));
    if (data.length < 100) break;
  }
  const expected = pull.changedFiles;
  const capped = files.length >= PULL_FILES_CAP;
  const short_ = expected !== undefined && files.length < expected;
  const complete = !capped && !short_;
  return {
    baseSha: target.base && "sha" in target.base ? target.base.sha : undefined,
    changes: {
      files,
      complete,
      source: `pull request #${pull.number} files (GitHub API)`,
      everythingBecause: complete
        ? undefined
        : `the API listed ${files.length} of ${expected ?? "at least that many"} changed files (it stops at ${PULL_FILES_CAP}), so every rule applies (check out the repository with fetch-depth: 0 for an exact diff)`,
    },
  };
}

interface ApiFile {
  filename: string;
  previous_filename?: string;
}

interface CompareResponse {
  files?: ApiFile[];
  merge_base_commit?: { sha?: string };
}

function toChangedFile(file: ApiFile): ChangedFile {
  return file.previous_filename
    ? { path: file.filename, previousPath: file.previous_filename }
    : { path: file.filename };
}

/**
 * A branch as a revision only that branch answers for: its commit in the checkout (origin's
 * first), else its full ref name for the API. A bare name lets git, and GitHub, take a tag of
 * that name instead, and anyone who can push a branch can push a tag named `main`.
 */
export async function branchRevision(branch: string, sources: ChangeSources): Promise<string> {
  if (/^[0-9a-f]{40}$/i.test(branch) || branch.startsWith("refs/")) return branch;
  const local =
    sources.git && (await sources.git.available())
      ? await sources.git.resolveBranch(branch)
      : undefined;
  return local ?? `refs/heads/${branch}`;
}

/**
 * A file's text at a revision, from the checkout when it has the revision, else from the contents
 * API; undefined when the file is not there. The gate reads its rules file with it, from the base.
 */
export async function readRulesAt(
  path: string,
  rev: string,
  sources: ChangeSources,
): Promise<string | undefined> {
  // A checkout that has the revision answers for it, also that the file is not there.
  if (sources.git && (await sources.git.available()) && (await sources.git.hasCommit(rev))) {
    return sources.git.show(rev, path);
  }
  try {
    const { data } = await sources.api.get<{ content?: string; encoding?: string }>(
      `/repos/${sources.repository}/contents/${path.split("/").map(encodeURIComponent).join("/")}?ref=${encodeURIComponent(rev)}`,
    );
    if (typeof data.content !== "string") return undefined;
    return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString(
      "utf8",
    );
  } catch (thrown) {
    // Only a missing file is "not there". A 404 for the commit itself says nothing about the
    // file, and treating it as absent would let the head's rules stand in for the base's.
    const missingFile =
      thrown instanceof ApiError &&
      thrown.status === 404 &&
      !thrown.message.includes("No commit found");
    if (missingFile) return undefined;
    throw thrown;
  }
}
