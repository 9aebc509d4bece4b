import { execFile, execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestRepository } from "../harness/git.ts";
import {
  type GitHubSimulator,
  type RepositoryState,
  startGitHubSimulator,
} from "../harness/github-sim/index.ts";
import type { PullRequestRecord } from "../harness/github-sim/state-records.ts";

/**
 * A checkout, its `origin` (a bare repository) and the GitHub simulator, kept in step the way
 * GitHub is: every push to origin makes its commits and branch known to the API (a
 * post-receive hook posts them to a listener in the test process).
 */
export interface TrainWorld extends AsyncDisposable {
  repo: TestRepository;
  origin: string;
  sim: GitHubSimulator;
  github: RepositoryState;
  /** Copies local commits and tags into the simulator (what `git push --tags` would do). */
  publishLocal(): void;
  /** `git push origin <refspec>` without blocking the listener that hears the push. */
  push(refspec: string): Promise<void>;
  /**
   * What actions/checkout with fetch-depth 0 does before a run: every branch and tag of origin,
   * and `main` at origin's `main`.
   */
  checkout(): void;
  /** Branch protection on origin's `main`: pushes are refused as GitHub refuses them (GH006). */
  protectMain(): void;
  /** The commit a tag names on GitHub (through its tag object when annotated). */
  tagCommit(name: string): string | undefined;
  /**
   * Merges a pull request as GitHub's merge button does (past branch protection): a merge commit,
   * or the head's commits replayed onto the base with `rebase`. Returns the new tip of `main`.
   */
  mergePullRequest(number: number, strategy?: "merge" | "rebase"): Promise<string>;
  /** Moves origin's `main` to a local commit past branch protection (a merged pull request). */
  landOnMain(sha: string): Promise<void>;
}

export async function trainWorld(
  repo: TestRepository,
  options: { now?: () => Date; repository?: string; moreTokens?: readonly string[] } = {},
): Promise<TrainWorld> {
  const sim = await startGitHubSimulator({
    ...(options.now ? { now: options.now } : {}),
    ...(options.moreTokens ? { moreTokens: options.moreTokens } : {}),
  });
  const [owner, name] = (options.repository ?? "wasmcloud/wasmcloud").split("/") as [
    string,
    string,
  ];
  const github = sim.state.addRepository({ owner, name });
  const origin = mkdtempSync(join(tmpdir(), "sg-origin-"));
  execFileSync("git", ["clone", "--quiet", "--bare", repo.path, origin]);
  repo.git("remote", "add", "origin", origin);
  const listener = await listen((body) => {
    const [ref = "", ...lines] = body.split("\n").filter(Boolean);
    addCommits(github, lines);
    const [name = "", sha] = ref.split(" ");
    if (!name.startsWith("refs/heads/") || !sha) return;
    github.setBranch(name.slice(11), sha);
    markMerged(origin, github, name.slice(11), sha);
  });
  const hook = join(origin, "hooks", "post-receive");
  writeFileSync(
    hook,
    `#!/bin/sh
while read old new ref; do
  { echo "$ref $new"; git rev-list --parents "$new"; } | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>fetch("${listener.url}",{method:"POST",body:s}).then(r=>r.text()))'
done
`,
  );
  chmodSync(hook, 0o755);
  // Tags made through the API appear in git, as on GitHub: annotated ones with their message.
  sim.onRequest((request) => {
    if (request.status >= 300) return;
    const body = request.body as { ref?: string; sha?: string } | undefined;
    const ref =
      request.operationId === "git/create-ref"
        ? body?.ref
        : request.operationId === "git/update-ref"
          ? `refs/${request.path.split("/git/refs/")[1]}`
          : undefined;
    if (!ref?.startsWith("refs/tags/") || !body?.sha) return;
    mirrorTag(origin, github, ref.slice("refs/tags/".length), body.sha);
  });
  const publishLocal = () => {
    addCommits(github, repo.git("rev-list", "--parents", "--all").split("\n"));
    github.setBranch("main", repo.git("rev-parse", "main"));
    const tags = repo.git(
      "for-each-ref",
      "--format=%(refname:strip=2) %(*objectname) %(objectname)",
      "refs/tags",
    );
    for (const line of tags.split("\n").filter(Boolean)) {
      const [name = "", peeled = "", object = ""] = line.split(" ");
      if (!github.refs.has(`refs/tags/${name}`)) github.addTag({ name, sha: peeled || object });
    }
  };
  publishLocal();
  const landOnMain = async (sha: string) => {
    // Through a side branch, so origin learns the commits without the protected branch's hook.
    await run("git", ["push", "--quiet", "origin", `${sha}:refs/heads/merge-button`], {
      cwd: repo.path,
    });
    execFileSync("git", ["update-ref", "refs/heads/main", sha], { cwd: origin });
    execFileSync("git", ["update-ref", "-d", "refs/heads/merge-button"], { cwd: origin });
    github.refs.delete("refs/heads/merge-button");
    github.setBranch("main", sha);
  };
  return {
    repo,
    origin,
    sim,
    github,
    publishLocal,
    async push(refspec) {
      await run("git", ["push", "--quiet", "origin", refspec], { cwd: repo.path });
    },
    checkout() {
      repo.git(
        "fetch",
        "--quiet",
        "--prune",
        "--force",
        "origin",
        "+refs/heads/*:refs/remotes/origin/*",
        "+refs/tags/*:refs/tags/*",
      );
      repo.git("checkout", "--quiet", "--detach");
      repo.git("branch", "--quiet", "--force", "main", "origin/main");
      repo.git("checkout", "--quiet", "main");
    },
    tagCommit(name) {
      const target = github.refs.get(`refs/tags/${name}`);
      return target === undefined ? undefined : (github.tags.get(target)?.objectSha ?? target);
    },
    async mergePullRequest(number, strategy = "merge") {
      const pull = github.pulls.get(number);
      if (!pull) throw new Error(`no pull request #${number}`);
      repo.git("fetch", "--quiet", "origin", "+refs/heads/*:refs/remotes/origin/*");
      repo.git("checkout", "--quiet", "--detach", "origin/main");
      if (strategy === "merge") {
        repo.merge(
          `origin/${pull.head.ref}`,
          `Merge pull request #${number} from wasmcloud/${pull.head.ref}`,
        );
      } else {
        repo.git("cherry-pick", "--allow-empty", `origin/main..origin/${pull.head.ref}`);
      }
      const sha = repo.head();
      await landOnMain(sha);
      closeAsMerged(github, pull, sha);
      repo.git("checkout", "--quiet", "main");
      return sha;
    },
    landOnMain,
    protectMain() {
      const hook = join(origin, "hooks", "pre-receive");
      writeFileSync(
        hook,
        `#!/bin/sh
while read old new ref; do
  if [ "$ref" = "refs/heads/main" ]; then
    echo "error: GH006: Protected branch update failed for refs/heads/main." >&2
    echo "error: Changes must be made through a pull request." >&2
    exit 1
  fi
done
`,
      );
      chmodSync(hook, 0o755);
    },
    async [Symbol.asyncDispose]() {
      listener.server.close();
      await sim.close();
      rmSync(origin, { recursive: true, force: true });
      repo[Symbol.dispose]();
    },
  };
}

const run = promisify(execFile);

/** Oldest first, so every parent exists before its children. */
function addCommits(github: RepositoryState, lines: readonly string[]): void {
  for (const line of [...lines].reverse()) {
    const [sha = "", ...parents] = line.split(" ");
    if (!sha || github.commits.has(sha)) continue;
    github.addCommit({ sha, parents, message: `commit ${sha.slice(0, 7)}` });
  }
}

async function listen(onBody: (body: string) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      onBody(body);
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** A tag the API made, written into origin the way GitHub's git would show it. */
function mirrorTag(origin: string, github: RepositoryState, name: string, sha: string): void {
  const tag = github.tags.get(sha);
  const git = (args: string[], env: Record<string, string> = {}) =>
    execFileSync("git", args, { cwd: origin, env: { ...process.env, ...env }, stdio: "pipe" });
  if (!tag) {
    git(["update-ref", `refs/tags/${name}`, sha]);
    return;
  }
  git(["tag", "--force", "--annotate", "-m", tag.message, name, tag.objectSha], {
    GIT_COMMITTER_NAME: tag.tagger.name,
    GIT_COMMITTER_EMAIL: tag.tagger.email,
    GIT_COMMITTER_DATE: tag.tagger.date,
  });
}

/** GitHub marks an open pull request merged when its head lands on its base by a push. */
function markMerged(origin: string, github: RepositoryState, branch: string, sha: string): void {
  for (const pull of github.pulls.values()) {
    if (pull.state !== "open" || pull.base.ref !== branch) continue;
    try {
      execFileSync("git", ["merge-base", "--is-ancestor", pull.head.sha, sha], {
        cwd: origin,
        stdio: "pipe",
      });
    } catch {
      continue;
    }
    closeAsMerged(github, pull, sha);
  }
}

function closeAsMerged(github: RepositoryState, pull: PullRequestRecord, sha: string): void {
  Object.assign(pull, {
    state: "closed",
    merged: true,
    mergedAt: github.simulator.now(),
    closedAt: github.simulator.now(),
    mergeCommitSha: sha,
  });
}
