import { Git, GitError } from "../core/git.ts";
import type { ChangedFile } from "./plan.ts";

/** The few questions the gate asks a local checkout. */
export interface LocalGit {
  /** Whether `dir` is a usable repository at all. */
  available(): Promise<boolean>;
  isShallow(): Promise<boolean>;
  hasCommit(rev: string): Promise<boolean>;
  /** The commit a revision names (`main`, `HEAD~2`, a SHA), or undefined. */
  resolveRevision(rev: string): Promise<string | undefined>;
  /** A branch's commit: `origin/<branch>` first, then the local branch. */
  resolveBranch(branch: string): Promise<string | undefined>;
  mergeBase(a: string, b: string): Promise<string | undefined>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Files changed from the merge base of `base` and `head` to `head`, renames as delete + add. */
  diff(base: string, head: string): Promise<ChangedFile[]>;
  /** A file's text at a commit, or undefined when it is not there. */
  show(rev: string, path: string): Promise<string | undefined>;
}

/** {@link LocalGit} on the suite's one git runner (no prompts, no lazy fetches, timeouts). */
export function localGit(dir: string): LocalGit {
  const git = new Git(dir);
  const commit = (rev: string) =>
    git.value(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  return {
    available: async () => {
      try {
        return await git.succeeds(["rev-parse", "--git-dir"]);
      } catch (thrown) {
        // No git at all, or a directory that is not there: no checkout to use.
        if (thrown instanceof GitError) return false;
        throw thrown;
      }
    },
    isShallow: async () => (await git.value(["rev-parse", "--is-shallow-repository"])) === "true",
    hasCommit: (rev) => git.succeeds(["cat-file", "-e", `${rev}^{commit}`]),
    resolveRevision: commit,
    resolveBranch: async (branch) =>
      (await commit(`refs/remotes/origin/${branch}`)) ?? (await commit(`refs/heads/${branch}`)),
    mergeBase: (a, b) => git.value(["merge-base", a, b]),
    isAncestor: (ancestor, descendant) =>
      git.succeeds(["merge-base", "--is-ancestor", ancestor, descendant]),
    diff: async (base, head) =>
      (await git.records(["diff", "--name-only", "-z", "--no-renames", `${base}...${head}`])).map(
        (path) => ({ path }),
      ),
    show: async (rev, path) => {
      try {
        return await git.run(["show", `${rev}:${path}`]);
      } catch (thrown) {
        if (thrown instanceof GitError && thrown.exitCode !== null) return undefined;
        throw thrown;
      }
    },
  };
}
