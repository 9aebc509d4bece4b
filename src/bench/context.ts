import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { ConfigurationError } from "../core/errors.ts";
import type { GitHubClient } from "../core/github.ts";
import { parseRepository } from "../core/github.ts";
import { isObject } from "./results.ts";
import type { GitHistory, RunContext, StickyComment } from "./run.ts";

const run = promisify(execFile);

/** The workflow event's payload, or an empty object outside Actions. */
export function readEvent(env: NodeJS.ProcessEnv): Record<string, unknown> {
  if (!env.GITHUB_EVENT_PATH) return {};
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
    return isObject(event) ? event : {};
  } catch {
    return {};
  }
}

function dig(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);
}

/** Who, where and what from the runner's environment; the PR head commit, not the merge commit. */
export function runContextFromEnvironment(
  env: NodeJS.ProcessEnv,
  event: Record<string, unknown>,
  cwd: string,
  tools: Record<string, string>,
  machine: string | undefined,
): RunContext {
  const number = dig(event, "pull_request", "number");
  const headSha = dig(event, "pull_request", "head", "sha");
  const repository = env.GITHUB_REPOSITORY ?? "";
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const ref = env.GITHUB_REF ?? "";
  return {
    eventName: env.GITHUB_EVENT_NAME ?? "push",
    branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null,
    cwd,
    metadata: {
      repository,
      ref,
      commit: typeof headSha === "string" ? headSha : (env.GITHUB_SHA ?? ""),
      baseCommit: null,
      pullRequest: typeof number === "number" ? number : null,
      mergedPullRequest: mergedPullRequestOf(dig(event, "head_commit", "message")),
      machine: machine ?? env.RUNNER_NAME ?? "unknown",
      tools,
      timestamp: new Date().toISOString(),
      runId: env.GITHUB_RUN_ID ?? String(Date.now()),
      runAttempt: env.GITHUB_RUN_ATTEMPT ?? "1",
      url:
        env.GITHUB_RUN_ID && repository
          ? `${server}/${repository}/actions/runs/${env.GITHUB_RUN_ID}`
          : null,
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

/** `rustc --version` and `valgrind --version` when they are installed, plus what the user named. */
export async function toolVersions(named: readonly string[]): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const [tool, args] of [
    ["rustc", ["--version"]],
    ["valgrind", ["--version"]],
  ] as const) {
    try {
      versions[tool] = (await run(tool, [...args], { timeout: 10_000 })).stdout.trim();
    } catch {
      // Not installed: nothing to record.
    }
  }
  for (const item of named) {
    const [tool, ...version] = item.split("=");
    if (!tool || version.length === 0) {
      throw new ConfigurationError(`input 'tool-versions' has '${item}'; use name=version`);
    }
    versions[tool.trim()] = version.join("=").trim();
  }
  return versions;
}

/** The checkout's git: the merge base needs the base branch fetched (`fetch-depth: 0`). */
export function localGit(cwd: string): GitHistory {
  const git = async (...args: string[]) =>
    (await run("git", args, { cwd, maxBuffer: 64 << 20 })).stdout.trim();
  return {
    async mergeBase(baseRef, head) {
      for (const ref of [baseRef, `origin/${baseRef}`]) {
        try {
          return await git("merge-base", ref, head);
        } catch {
          // Try the remote-tracking name next.
        }
      }
      throw new ConfigurationError(
        `cannot find the merge base of '${baseRef}' and ${head.slice(0, 12)}; check out with fetch-depth: 0 (or fetch the base branch) and set input 'base-ref'`,
      );
    },
    async firstParents(commit, limit) {
      return (await git("rev-list", "--first-parent", `--max-count=${limit}`, commit))
        .split("\n")
        .filter(Boolean);
    },
  };
}

/** One comment per pull request, found again by its hidden marker and edited in place. */
export function stickyComment(
  client: GitHubClient,
  repository: string,
  pullRequest: number,
): StickyComment {
  const { owner, repo } = parseRepository(repository);
  return {
    async upsert(marker, body) {
      const comments = await client.paginate(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        {
          owner,
          repo,
          issue_number: pullRequest,
          per_page: 100,
        },
      );
      const existing = comments.find((comment) => comment.body?.includes(marker));
      if (existing) {
        const updated = await client.request(
          "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
          {
            owner,
            repo,
            comment_id: existing.id,
            body,
          },
        );
        return updated.data.html_url;
      }
      const created = await client.request(
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        {
          owner,
          repo,
          issue_number: pullRequest,
          body,
        },
      );
      return created.data.html_url;
    },
  };
}
