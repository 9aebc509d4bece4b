import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type RunnerContext, runUrl } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import { Git, GitError } from "../core/git.ts";
import type { RunMetadata } from "./history.ts";

const execute = promisify(execFile);

/** What the workflow run knows about itself, from the runner's context. */
export interface RunContext {
  metadata: RunMetadata;
  eventName: string;
  /** The branch pushed to, for push events. */
  branch: string | null;
  cwd: string;
  /** `https://github.com/owner/repo` (or the GHES equivalent), for commit links. */
  repositoryUrl: string | undefined;
  /** A GitHub-hosted runner's disk is gone when the job ends. */
  runnerEnvironment?: RunnerContext["runnerEnvironment"];
  /** Why the workflow's token may not write (a fork's pull request, Dependabot), if it may not. */
  readOnlyToken?: string;
}

export interface GitHistory {
  mergeBase(baseRef: string, head: string): Promise<string>;
  /** The commit and its first-parent ancestors, newest first. */
  firstParents(commit: string, limit: number): Promise<string[]>;
  /** The commit's subject, author and date, when the checkout has it. */
  describe(commit: string): Promise<{ message: string; author: string; date: string } | undefined>;
  /** The commit a branch, tag or SHA names in the checkout, if any. */
  resolve(reference: string): Promise<string | undefined>;
}

/**
 * The run's metadata from the runner's context: the PR head commit (not the test merge commit),
 * the job and matrix leg (legs of one job are separate runs), the server for links.
 */
export function runContextFrom(
  runner: RunnerContext,
  tools: Record<string, string>,
  options: { machine?: string; matrixLeg?: string; cwd?: string },
): RunContext {
  const repository = runner.repositoryName;
  const headCommit = (runner.payload.head_commit ?? {}) as { message?: unknown };
  return {
    eventName: runner.eventName || "push",
    branch: runner.ref.startsWith("refs/heads/") ? runner.ref.slice("refs/heads/".length) : null,
    cwd: options.cwd ?? runner.workspace,
    repositoryUrl: repository ? `${runner.urls.server}/${repository}` : undefined,
    runnerEnvironment: runner.runnerEnvironment,
    readOnlyToken: runner.readOnlyToken,
    metadata: {
      repository,
      ref: runner.ref,
      commit: runner.pullRequest?.headSha ?? runner.sha,
      baseCommit: null,
      pullRequest: runner.pullRequest?.number ?? null,
      mergedPullRequest: mergedPullRequestOf(headCommit.message),
      machine: options.machine ?? runner.runnerName ?? "unknown",
      tools,
      timestamp: new Date().toISOString(),
      runId: runner.runId === undefined ? String(Date.now()) : String(runner.runId),
      runAttempt: String(runner.runAttempt),
      url: runUrl(runner) ?? null,
      job: runner.job || undefined,
      matrixLeg: options.matrixLeg || undefined,
      serverUrl: runner.urls.server,
    },
  };
}

/** `Merge pull request #12 from ...` (merge commit) or `Title (#12)` (squash merge). */
export function mergedPullRequestOf(message: unknown): number | null {
  if (typeof message !== "string") return null;
  const match =
    /^Merge pull request #(\d+) /.exec(message) ??
    /\(#(\d+)\)$/m.exec(message.split("\n")[0] ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * `rustc --version` and `valgrind --version` when they are installed, plus what the user named.
 * They run in `outside` (the runner's temporary directory), never in the checkout: rustup's
 * `rustc` obeys a `rust-toolchain.toml` found from its working directory upward, whose `path`
 * names the program to run, and the checkout may be a pull request's in a job that holds tokens.
 */
export async function toolVersions(
  named: readonly string[],
  outside: string,
  label = "input 'tool-versions'",
): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const [tool, args] of [
    ["rustc", ["--version"]],
    ["valgrind", ["--version"]],
  ] as const) {
    try {
      versions[tool] = (
        await execute(tool, [...args], { timeout: 10_000, cwd: outside })
      ).stdout.trim();
    } catch {
      // Not installed: nothing to record.
    }
  }
  for (const item of named) {
    const [tool, ...version] = item.split("=");
    if (!tool || version.length === 0) {
      throw new ConfigurationError(`${label} has '${item}'; use name=version`);
    }
    versions[tool.trim()] = version.join("=").trim();
  }
  return versions;
}

/** The checkout's git: the merge base needs the base branch fetched (`fetch-depth: 0`). */
export function localGit(cwd: string): GitHistory {
  const git = new Git(cwd);
  return {
    async mergeBase(baseRef, head) {
      for (const ref of [baseRef, `origin/${baseRef}`]) {
        const base = await git.value(["merge-base", ref, head]);
        if (base) return base;
      }
      throw new ConfigurationError(
        `cannot find the merge base of '${baseRef}' and ${head.slice(0, 12)}; check out with fetch-depth: 0 (or fetch the base branch) and set input 'base-ref'`,
      );
    },
    async firstParents(commit, limit) {
      return (await git.run(["rev-list", "--first-parent", `--max-count=${limit}`, commit]))
        .split("\n")
        .filter(Boolean);
    },
    async resolve(reference) {
      if (reference.startsWith("-")) return undefined;
      try {
        return await git.value(["rev-parse", "--verify", "--quiet", `${reference}^{commit}`]);
      } catch (thrown) {
        if (thrown instanceof GitError) return undefined;
        throw thrown;
      }
    },
    async describe(commit) {
      try {
        const [message = "", author = "", date = ""] = await git.records([
          "log",
          "-1",
          "--format=%s%x00%an%x00%cI",
          commit,
          "--",
        ]);
        return { message, author: author.trim(), date: date.trim() };
      } catch (thrown) {
        // A checkout without the commit (shallow, or none at all) has nothing to say.
        if (thrown instanceof GitError) return undefined;
        throw thrown;
      }
    },
  };
}
