import { execFileSync, spawnSync } from "node:child_process";
import { ConfigurationError } from "../core/errors.ts";
import { mask } from "../core/log.ts";
import type { CommitRecord } from "./conventional.ts";
import type { TreeSnapshot } from "./discover.ts";

const RECORD = "\u001e";
const FIELD = "\u001f";

/** Reads history from the local checkout; every figure the plan needs comes from here, not the API. */
export class LocalGit {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  run(args: readonly string[], input?: string, env: NodeJS.ProcessEnv = {}): string {
    try {
      return execFileSync("git", args, {
        cwd: this.dir,
        encoding: "utf8",
        input,
        maxBuffer: 1024 * 1024 * 1024,
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env },
      });
    } catch (thrown) {
      const stderr = (thrown as { stderr?: string }).stderr?.trim();
      throw new Error(`git ${args.join(" ")} failed${stderr ? `: ${stderr}` : ""}`);
    }
  }

  /** Refuses a missing or shallow checkout: the plan needs every commit since the last tags. */
  assertFullHistory(): void {
    let shallow: string;
    try {
      shallow = this.run(["rev-parse", "--is-shallow-repository"]).trim();
    } catch {
      throw new ConfigurationError(
        `${this.dir} is not a git checkout; run actions/checkout with fetch-depth: 0 before the train`,
      );
    }
    if (shallow === "true") {
      throw new ConfigurationError(
        "the checkout is shallow, so the train cannot see the commits since the last release; " +
          "set 'fetch-depth: 0' on actions/checkout (tags are fetched with it)",
      );
    }
  }

  resolve(revision: string): string {
    return this.run(["rev-parse", "--verify", "--quiet", `${revision}^{commit}`]).trim();
  }

  /** The last commit on the first-parent line of `ref` made at or before `instant`. */
  commitAtCutoff(ref: string, instant: Date): string | undefined {
    const sha = this.run([
      "rev-list",
      "-1",
      "--first-parent",
      `--before=${Math.floor(instant.getTime() / 1000)}`,
      ref,
    ]).trim();
    return sha || undefined;
  }

  /** Tags reachable from `commit`, each with the commit it points at. */
  tagsMergedInto(commit: string): Map<string, string> {
    return this.tags(["--merged", commit]);
  }

  allTags(): Map<string, string> {
    return this.tags([]);
  }

  private tags(filter: readonly string[]): Map<string, string> {
    const output = this.run([
      "tag",
      ...filter,
      "--format=%(refname:strip=2)%09%(objectname)%09%(*objectname)",
    ]);
    const tags = new Map<string, string>();
    for (const line of output.split("\n")) {
      if (!line) continue;
      const [name = "", object = "", peeled = ""] = line.split("\t");
      tags.set(name, peeled || object);
    }
    return tags;
  }

  /** Non-merge commits in `range` with the files each touched, newest first. */
  commits(range: readonly string[]): CommitRecord[] {
    const output = this.run([
      "log",
      "--no-merges",
      "--no-renames",
      `--format=${RECORD}%H${FIELD}%an${FIELD}%s${FIELD}%b${FIELD}`,
      "--name-only",
      ...range,
      "--",
    ]);
    return output
      .split(RECORD)
      .slice(1)
      .map((record) => {
        const [sha = "", author = "", subject = "", body = "", files = ""] = record.split(FIELD);
        return { sha, author, subject, body, files: files.split("\n").filter(Boolean) };
      });
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    try {
      this.run(["merge-base", "--is-ancestor", ancestor, descendant]);
      return true;
    } catch {
      return false;
    }
  }

  /** The tree of a commit: its file list and their contents, read in one `cat-file` batch. */
  snapshot(commit: string, wanted: (path: string) => boolean): TreeSnapshot {
    const files = this.run(["ls-tree", "-r", "--name-only", "-z", commit])
      .split("\0")
      .filter(Boolean);
    const contents = this.readBlobs(commit, files.filter(wanted));
    return { files, read: (path) => contents.get(path) };
  }

  readBlobs(commit: string, paths: readonly string[]): Map<string, string> {
    const contents = new Map<string, string>();
    if (paths.length === 0) return contents;
    const result = spawnSync("git", ["cat-file", "--batch"], {
      cwd: this.dir,
      input: `${paths.map((path) => `${commit}:${path}`).join("\n")}\n`,
      maxBuffer: 1024 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`git cat-file failed: ${result.stderr.toString()}`);
    const buffer = result.stdout;
    let offset = 0;
    for (const path of paths) {
      const headerEnd = buffer.indexOf(10, offset);
      const header = buffer.subarray(offset, headerEnd).toString();
      offset = headerEnd + 1;
      if (header.endsWith(" missing")) continue;
      const size = Number(header.split(" ")[2]);
      contents.set(path, buffer.subarray(offset, offset + size).toString("utf8"));
      offset += size + 1;
    }
    return contents;
  }
}

/**
 * Pushes a commit to a branch of `origin` without changing the checkout. The token goes in a
 * one-off header (actions/checkout with persist-credentials: false leaves none behind). A push
 * that is refused because the branch already contains the commit counts as done.
 */
export function gitPusher(git: LocalGit, token: string | undefined) {
  const credential = token ? Buffer.from(`x-access-token:${token}`).toString("base64") : undefined;
  if (credential) mask(credential);
  const auth = credential ? ["-c", `http.extraheader=AUTHORIZATION: basic ${credential}`] : [];
  return async (sha: string, branch: string): Promise<"pushed" | "rejected"> => {
    try {
      git.run([...auth, "push", "--quiet", "origin", `${sha}:refs/heads/${branch}`]);
      return "pushed";
    } catch {
      try {
        git.run([...auth, "fetch", "--quiet", "origin", `refs/heads/${branch}`]);
        return git.isAncestor(sha, "FETCH_HEAD") ? "pushed" : "rejected";
      } catch {
        return "rejected";
      }
    }
  };
}
