import { execFile } from "node:child_process";
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

export function localGit(dir: string): LocalGit {
  const git = (...args: string[]) =>
    new Promise<{ ok: boolean; stdout: string }>((resolve) => {
      execFile(
        "git",
        ["-c", "core.quotepath=off", ...args],
        {
          cwd: dir,
          maxBuffer: 512 * 1024 * 1024,
          // Never prompt, never fetch missing objects of a partial clone behind the user's back.
          env: { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_NO_LAZY_FETCH: "1" },
        },
        (error, stdout) => resolve({ ok: !error, stdout }),
      );
    });
  const revision = async (...args: string[]) => {
    const { ok, stdout } = await git(...args);
    return ok && stdout.trim() ? stdout.trim() : undefined;
  };
  return {
    available: async () => (await git("rev-parse", "--git-dir")).ok,
    isShallow: async () => (await revision("rev-parse", "--is-shallow-repository")) === "true",
    hasCommit: async (rev) => (await git("cat-file", "-e", `${rev}^{commit}`)).ok,
    resolveRevision: (rev) => revision("rev-parse", "--verify", "--quiet", `${rev}^{commit}`),
    resolveBranch: async (branch) =>
      (await revision(
        "rev-parse",
        "--verify",
        "--quiet",
        `refs/remotes/origin/${branch}^{commit}`,
      )) ?? (await revision("rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`)),
    mergeBase: (a, b) => revision("merge-base", a, b),
    isAncestor: async (ancestor, descendant) =>
      (await git("merge-base", "--is-ancestor", ancestor, descendant)).ok,
    diff: async (base, head) => {
      const { ok, stdout } = await git(
        "diff",
        "--name-only",
        "-z",
        "--no-renames",
        `${base}...${head}`,
      );
      if (!ok) throw new Error(`git diff ${base}...${head} failed`);
      return stdout
        .split("\0")
        .filter(Boolean)
        .map((path) => ({ path }));
    },
    show: async (rev, path) => {
      const { ok, stdout } = await git("show", `${rev}:${path}`);
      return ok ? stdout : undefined;
    },
  };
}
