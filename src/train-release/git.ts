import { availableParallelism } from "node:os";
import { ConfigurationError } from "../core/errors.ts";
import { Git, GitError, type GitOptions } from "../core/git.ts";
import type { CommitRecord } from "./conventional.ts";
import type { TreeSnapshot } from "./discover.ts";

const RECORD = "\u001e";
const FIELD = "\u001f";
const LOG = [
  "log",
  "--no-merges",
  "--no-renames",
  `--format=${RECORD}%H${FIELD}%an${FIELD}%s${FIELD}%b${FIELD}`,
  "--name-only",
];
/** Below this many commits one git process is quicker than several. */
const PARALLEL_FROM = 8000;

function parseCommits(output: string): CommitRecord[] {
  return output
    .split(RECORD)
    .slice(1)
    .map((record) => {
      const [sha = "", author = "", subject = "", body = "", files = ""] = record.split(FIELD);
      return { sha, author, subject, body, files: files.split("\n").filter(Boolean) };
    });
}

/**
 * Reads history from the local checkout through the suite's one git runner (no prompts, paths as
 * they are, timeouts, errors that name the command); every figure the plan needs comes from here,
 * not the API.
 */
export class LocalGit {
  readonly dir: string;
  private readonly git: Git;

  constructor(dir: string) {
    this.dir = dir;
    this.git = new Git(dir);
  }

  run(args: readonly string[], options: GitOptions = {}): string {
    return this.git.runSync(args, options);
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

  /** Whether the commit is in this clone. */
  hasCommit(sha: string): boolean {
    return this.succeeds(["cat-file", "-e", `${sha}^{commit}`]);
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

  /** The messages of annotated tags under a prefix (departure markers), by tag name. */
  tagMessages(prefix: string): Map<string, string> {
    const output = this.run([
      "for-each-ref",
      `--format=${RECORD}%(refname:strip=2)${FIELD}%(contents)`,
      `refs/tags/${prefix}`,
    ]);
    const messages = new Map<string, string>();
    for (const record of output.split(RECORD).slice(1)) {
      const [name = "", message = ""] = record.split(FIELD);
      messages.set(name, message);
    }
    return messages;
  }

  /**
   * Non-merge commits in `range` with the files each touched, newest first. A long history is
   * read by several git processes at once (each given its share of the commits), since working
   * out each commit's files is what costs.
   */
  async commits(range: readonly string[]): Promise<CommitRecord[]> {
    const shas = (await this.git.run(["rev-list", "--no-merges", ...range, "--"]))
      .split("\n")
      .filter(Boolean);
    const workers = Math.min(4, availableParallelism());
    if (shas.length < PARALLEL_FROM || workers < 2) {
      return parseCommits(await this.git.run([...LOG, ...range, "--"]));
    }
    const size = Math.ceil(shas.length / workers);
    const shares = Array.from({ length: workers }, (_, index) =>
      shas.slice(index * size, (index + 1) * size),
    );
    const outputs = await Promise.all(
      shares.map((share) =>
        this.git.run([...LOG, "--no-walk=unsorted", "--stdin"], { input: `${share.join("\n")}\n` }),
      ),
    );
    return outputs.flatMap(parseCommits);
  }

  /** Workflow files that `to` adds or changes compared with `from`. */
  changedWorkflows(from: string, to: string): string[] {
    return this.run([
      "diff",
      "--name-only",
      "--diff-filter=AM",
      from,
      to,
      "--",
      ".github/workflows/",
    ])
      .split("\n")
      .filter(Boolean);
  }

  /**
   * The commit's change as `git patch-id --stable` sees it: the same for its copies made by a
   * rebase or a squash merge, whatever their message; undefined for a commit without changes.
   */
  patchId(sha: string): string | undefined {
    const diff = this.run(["show", "--format=", "--patch", "--no-color", sha]);
    if (!diff.trim()) return undefined;
    return this.run(["patch-id", "--stable"], { input: diff }).split(" ")[0] || undefined;
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.succeeds(["merge-base", "--is-ancestor", ancestor, descendant]);
  }

  /** Fetches a ref or commit from `origin` quietly; false when the remote does not have it. */
  fetch(refspec: string, env: NodeJS.ProcessEnv = {}): boolean {
    return this.succeeds(["fetch", "--quiet", "--no-tags", "origin", refspec], { env });
  }

  private succeeds(args: readonly string[], options: GitOptions = {}): boolean {
    try {
      this.run(args, options);
      return true;
    } catch (thrown) {
      if (thrown instanceof GitError && thrown.exitCode !== null) return false;
      throw thrown;
    }
  }

  /** The tree of a commit: its file list and the contents of the wanted files. */
  snapshot(commit: string, wanted: (path: string) => boolean): TreeSnapshot {
    const files = this.run(["ls-tree", "-r", "--name-only", "-z", commit])
      .split("\0")
      .filter(Boolean);
    const contents = this.readBlobs(commit, files.filter(wanted));
    return { files, read: (path) => contents.get(path) };
  }

  /** File contents at a commit, read in one `cat-file --batch` (sizes in it count bytes). */
  readBlobs(commit: string, paths: readonly string[]): Map<string, string> {
    const contents = new Map<string, string>();
    if (paths.length === 0) return contents;
    const buffer = this.git.runSyncBytes(["cat-file", "--batch"], {
      input: `${paths.map((path) => `${commit}:${path}`).join("\n")}\n`,
    });
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
