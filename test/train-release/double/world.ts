import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestRepository } from "../../harness/git.ts";
import { type ActionRun, cleanup, runAction } from "../../harness/runner.ts";
import { GitHubDouble } from "./github.ts";

/**
 * The review's world: the maintainers' repository, its origin as a real bare repository served
 * by the review double over smart HTTP (pushes go through git's HTTP transport with the train's
 * credential), and a fresh runner checkout for every run, as actions/checkout makes it.
 */
export interface ReviewWorld extends AsyncDisposable {
  repo: TestRepository;
  github: GitHubDouble;
  /** Pushes the maintainers' local main and tags to origin (a merged change). */
  land(): void;
  /** The built action in a fresh checkout of origin's main (or of `sha`, as a re-run checks out). */
  run(inputs?: Record<string, string>, options?: RunOptions): Promise<ActionRun>;
  /** Branch protection on main: pushes refused with GitHub's GH006 words. */
  protectMain(): void;
  /** Tags GitHub holds, with their commits. */
  tags(prefix?: string): Map<string, string>;
}

export interface RunOptions {
  runId?: number;
  attempt?: number;
  /** When GitHub created the run (its first attempt); registered with the double. */
  createdAt?: string;
  event?: string;
  /** The `token` input (default: the workflow's GITHUB_TOKEN). */
  token?: string;
  /** The checkout's commit (default: origin's main). */
  sha?: string;
  /** actions/checkout's default: the GITHUB_TOKEN persisted as an extraheader in .git/config. */
  persistCredentials?: boolean;
  env?: Record<string, string>;
  /** GitHub does not know the run (its `GET /actions/runs/{id}` is 404). */
  unknownRun?: boolean;
  /** Runs in the checkout before the action (an earlier step that builds assets). */
  prepare?: (workspace: string) => void;
}

const git = (cwd: string, args: readonly string[]) =>
  execFileSync("git", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
  }).trim();

export async function reviewWorld(
  repo: TestRepository,
  options: { immutable?: boolean } = {},
): Promise<ReviewWorld> {
  const root = mkdtempSync(join(tmpdir(), "sg-review-"));
  const bare = join(root, "wasmcloud.git");
  git(root, ["clone", "--quiet", "--bare", repo.path, bare]);
  const github = await new GitHubDouble({
    bare,
    owner: "wasmcloud",
    repo: "wasmcloud",
    ...(options.immutable ? { immutable: true } : {}),
  }).start();
  const checkouts: string[] = [];
  return {
    repo,
    github,
    land() {
      git(repo.path, ["push", "--quiet", "--force", bare, "main:main", "--tags"]);
    },
    async run(inputs = {}, runOptions = {}) {
      const workspace = join(root, `checkout-${checkouts.length}`);
      checkouts.push(workspace);
      mkdirSync(workspace);
      // Asynchronously: the double answering the clone runs in this process.
      await promisify(execFile)("git", ["clone", "--quiet", github.cloneUrl, "."], {
        cwd: workspace,
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
      });
      git(workspace, ["checkout", "--quiet", "-B", "main", runOptions.sha ?? "origin/main"]);
      if (runOptions.persistCredentials) {
        const basic = Buffer.from(`x-access-token:${github.githubToken}`).toString("base64");
        git(workspace, [
          "config",
          "--local",
          `http.${github.url}/.extraheader`,
          `AUTHORIZATION: basic ${basic}`,
        ]);
      }
      runOptions.prepare?.(workspace);
      const runId = runOptions.runId ?? 9001;
      if (!runOptions.unknownRun && (runOptions.createdAt || !github.runs.has(runId))) {
        const createdAt = runOptions.createdAt ?? inputs.now ?? new Date().toISOString();
        github.runs.set(runId, {
          createdAt,
          attempt: runOptions.attempt ?? 1,
          startedAt: inputs.now ?? createdAt,
        });
      }
      const run = await runAction({
        action: "actions/train-release",
        workspace,
        apiUrl: github.url,
        repository: "wasmcloud/wasmcloud",
        token: github.githubToken,
        inputs: {
          now: "2026-12-01T16:00:00Z",
          branch: "main",
          ...(runOptions.token ? { token: runOptions.token } : {}),
          ...inputs,
        },
        event: { name: runOptions.event ?? "schedule", payload: {} },
        env: {
          GITHUB_SERVER_URL: github.url,
          GITHUB_RUN_ID: String(runId),
          GITHUB_RUN_ATTEMPT: String(runOptions.attempt ?? 1),
          ...runOptions.env,
        },
        timeoutMs: 300_000,
      });
      cleanup(run);
      return run;
    },
    protectMain() {
      const hook = join(bare, "hooks", "pre-receive");
      execFileSync("sh", [
        "-c",
        `cat > '${hook}' <<'EOF'
#!/bin/sh
while read old new ref; do
  if [ "$ref" = "refs/heads/main" ]; then
    echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
    echo "error: Changes must be made through a pull request." >&2
    exit 1
  fi
done
EOF
chmod +x '${hook}'`,
      ]);
    },
    tags(prefix = "") {
      const out = git(bare, [
        "for-each-ref",
        "--format=%(refname:strip=2) %(*objectname) %(objectname)",
        `refs/tags/${prefix}`,
      ]);
      const tags = new Map<string, string>();
      for (const line of out.split("\n").filter(Boolean)) {
        const [name = "", peeled = "", object = ""] = line.split(" ");
        tags.set(name, peeled || object);
      }
      return tags;
    },
    async [Symbol.asyncDispose]() {
      await github.close();
      rmSync(root, { recursive: true, force: true });
      repo[Symbol.dispose]();
    },
  };
}
