import { createHash } from "node:crypto";
import type { GitStore } from "./git-graph.ts";
import type { FileChange } from "./state-records.ts";

/** What a commit writes: a path's new text, or `null` when the commit deletes it. */
export type CommitContents = Record<string, string | null>;

/**
 * File texts by commit. The simulator keeps no git trees; a commit records only the files it
 * wrote, and a file at a commit is the nearest write along the first-parent chain, which is
 * how a branch built by `addCommit` looks to the contents API.
 */
export class FileContents {
  private readonly written = new Map<string, CommitContents>();

  record(sha: string, contents: CommitContents): void {
    this.written.set(sha, { ...contents });
  }

  /** Every file at a commit, path to text. */
  treeAt(store: GitStore, sha: string): Map<string, string> {
    const chain: string[] = [];
    const seen = new Set<string>();
    for (let current: string | undefined = sha; current && !seen.has(current); ) {
      seen.add(current);
      chain.push(current);
      current = store.commits.get(current)?.parents[0];
    }
    const tree = new Map<string, string>();
    for (const commit of chain.reverse()) {
      for (const [path, text] of Object.entries(this.written.get(commit) ?? {})) {
        if (text === null) tree.delete(path);
        else tree.set(path, text);
      }
    }
    return tree;
  }

  /** The changes a commit's writes make to its first parent, for its `files` list. */
  changesOf(store: GitStore, parent: string | undefined, contents: CommitContents): FileChange[] {
    const before = parent === undefined ? new Map<string, string>() : this.treeAt(store, parent);
    return Object.entries(contents).map(([filename, text]): FileChange => {
      const old = before.get(filename);
      const lines = (value: string | undefined) => (value ? value.split("\n").length : 0);
      if (text === null) {
        return { filename, status: "removed", additions: 0, deletions: lines(old) };
      }
      return {
        filename,
        status: old === undefined ? "added" : "modified",
        additions: lines(text),
        deletions: lines(old),
      };
    });
  }
}

/** The blob id git gives a file's bytes. */
export function blobSha(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** Base64 the way the contents API sends it: wrapped at 60 characters, each line ending in \n. */
export function wrappedBase64(text: string): string {
  const encoded = Buffer.from(text, "utf8").toString("base64");
  return (encoded.match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join("");
}
