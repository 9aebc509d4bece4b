import { createHash } from "node:crypto";
import type { CommitRecord, FileChange, TagRecord } from "./state-records.ts";

/** The object store and refs of one repository, and the questions GitHub answers from them. */
export interface GitStore {
  commits: Map<string, CommitRecord>;
  tags: Map<string, TagRecord>;
  /** Fully qualified (`refs/heads/main`, `refs/tags/v1.0.0`) to object SHA. */
  refs: Map<string, string>;
}

let objectCounter = 0;

/** A fresh 40-hex object id; unique per process, so two seeds never collide. */
export function newObjectSha(kind: string, content: unknown): string {
  objectCounter += 1;
  return createHash("sha1")
    .update(`${kind}\0${objectCounter}\0${JSON.stringify(content)}`)
    .digest("hex");
}

/**
 * The commit a ref-ish names, the way `GET /commits/{ref}` resolves it: a full or abbreviated
 * SHA, `refs/...`, `heads/...`, `tags/...`, or a bare branch or tag name. Annotated tags peel.
 */
export function resolveCommit(store: GitStore, refish: string): CommitRecord | undefined {
  const direct = store.commits.get(refish);
  if (direct) return direct;
  const candidates = refish.startsWith("refs/")
    ? [refish]
    : [`refs/${refish}`, `refs/heads/${refish}`, `refs/tags/${refish}`];
  for (const candidate of candidates) {
    const target = store.refs.get(candidate);
    if (target !== undefined) return peel(store, target);
  }
  if (/^[0-9a-f]{7,39}$/.test(refish)) {
    const matches = [...store.commits.keys()].filter((sha) => sha.startsWith(refish));
    if (matches.length === 1) return store.commits.get(matches[0] as string);
  }
  return undefined;
}

/** Follows annotated tags to the commit they point at. */
export function peel(store: GitStore, sha: string): CommitRecord | undefined {
  let current = sha;
  for (let depth = 0; depth < 10; depth++) {
    const commit = store.commits.get(current);
    if (commit) return commit;
    const tag = store.tags.get(current);
    if (!tag) return undefined;
    current = tag.objectSha;
  }
  return undefined;
}

/** Every commit reachable from `sha`, itself included, nearest first. */
export function ancestry(store: GitStore, sha: string): string[] {
  const seen = new Set<string>();
  const queue = [sha];
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (seen.has(next)) continue;
    const commit = store.commits.get(next);
    if (!commit) continue;
    seen.add(next);
    queue.push(...commit.parents);
  }
  return [...seen];
}

export function isAncestor(store: GitStore, maybeAncestor: string, of: string): boolean {
  return ancestry(store, of).includes(maybeAncestor);
}

export function mergeBase(store: GitStore, base: string, head: string): string | undefined {
  const fromBase = new Set(ancestry(store, base));
  return ancestry(store, head).find((sha) => fromBase.has(sha));
}

/** Commits in `head` but not in `base`, oldest first, as compare and release notes list them. */
export function commitsBetween(store: GitStore, base: string, head: string): CommitRecord[] {
  const excluded = new Set(ancestry(store, base));
  return ancestry(store, head)
    .filter((sha) => !excluded.has(sha))
    .reverse()
    .map((sha) => store.commits.get(sha) as CommitRecord);
}

/** The net change of a run of commits, one entry per file, the last status winning. */
export function combinedFiles(commits: CommitRecord[]): FileChange[] {
  const byName = new Map<string, FileChange>();
  for (const commit of commits) {
    for (const file of commit.files) {
      const previous = byName.get(file.filename);
      byName.set(file.filename, {
        ...file,
        status: previous?.status === "added" && file.status !== "removed" ? "added" : file.status,
        additions: (previous?.additions ?? 0) + file.additions,
        deletions: (previous?.deletions ?? 0) + file.deletions,
      });
    }
  }
  return [...byName.values()];
}

export function blobSha(file: FileChange): string {
  return createHash("sha1")
    .update(`blob\0${file.filename}\0${file.patch ?? ""}`)
    .digest("hex");
}
