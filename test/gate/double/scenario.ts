import { createRepository, type TestRepository } from "../../harness/git.ts";
import { type ActionRun, cleanup, runAction } from "../../harness/runner.ts";
import { type DoubleRun, GitHubDouble } from "./github.ts";

/**
 * The built gate against the double: a real checkout (main with the rules, a feature branch with
 * the change, checked out as a pull request's workflow would have it), pull request #7 from
 * `feature` to `main`, and the runner's environment. `onPoll(n)` runs before the n-th read of
 * the check runs is answered, so a test can script what GitHub shows at each poll.
 */
export interface DoubleScenario extends AsyncDisposable {
  github: GitHubDouble;
  git: TestRepository;
  base: string;
  head: string;
  onPoll(step: (poll: number) => void): void;
  /** A pull_request run of a workflow on the head, from `feature` (or a fork's). */
  pullRun(path: string, options?: { headRepo?: string }): DoubleRun;
  /** {@link pullRun} with these jobs (name to conclusion), concluded as GitHub concludes it. */
  finishedPullRun(path: string, jobs: Record<string, string>): DoubleRun;
  pullRequestEvent(options?: { number?: number; name?: string; fork?: boolean }): {
    name: string;
    payload: unknown;
  };
  gate(options?: {
    inputs?: Record<string, string>;
    event?: { name: string; payload: unknown };
    env?: Record<string, string>;
    sha?: string;
  }): Promise<ActionRun>;
}

export async function doubleScenario(options: {
  rules?: string;
  base?: Record<string, string>;
  change: Record<string, string>;
}): Promise<DoubleScenario> {
  const github = await new GitHubDouble().start();
  const git = createRepository();
  const base = git.commit({
    message: "base",
    files: {
      "README.md": "hi\n",
      ...(options.rules === undefined ? {} : { ".github/status-gate.yml": options.rules }),
      ...options.base,
    },
  });
  git.checkout("feature", { create: true });
  const head = git.commit({ message: "change", files: options.change });
  const files = Object.keys(options.change).map((filename) => ({ filename }));
  github.pulls.push({
    number: 7,
    head: { ref: "feature", sha: head, repo: github.repository },
    base: { ref: "main", sha: base },
    state: "open",
    updatedAt: github.tick(),
    files,
  });
  let polls = 0;
  let step: (poll: number) => void = () => {};
  github.beforeAnswer = (method, path, query) => {
    if (method === "GET" && path.endsWith("/check-runs") && (query.get("page") ?? "1") === "1")
      step(++polls);
    return undefined;
  };
  const runs: ActionRun[] = [];
  const pullRun: DoubleScenario["pullRun"] = (path, { headRepo } = {}) =>
    github.addRun({
      path,
      event: "pull_request",
      headSha: head,
      headBranch: "feature",
      ...(headRepo === undefined ? {} : { headRepo }),
    });
  const pullRequestEvent: DoubleScenario["pullRequestEvent"] = (event = {}) => {
    const number = event.number ?? 7;
    const pull = github.pulls.find((candidate) => candidate.number === number);
    return {
      name: event.name ?? "pull_request",
      payload: {
        action: "synchronize",
        number,
        pull_request: {
          number,
          head: {
            sha: pull?.head.sha ?? head,
            ref: pull?.head.ref ?? "feature",
            repo: { full_name: pull?.head.repo ?? github.repository },
          },
          base: {
            sha: pull?.base.sha ?? base,
            ref: pull?.base.ref ?? "main",
            repo: { full_name: github.repository },
          },
          changed_files: pull?.files.length ?? files.length,
          updated_at: pull?.updatedAt,
          labels: [],
        },
        repository: { default_branch: "main", full_name: github.repository },
      },
    };
  };
  return {
    github,
    git,
    base,
    head,
    pullRequestEvent,
    onPoll(next) {
      step = next;
    },
    pullRun,
    finishedPullRun(path, jobs) {
      const run = pullRun(path);
      for (const [name, conclusion] of Object.entries(jobs)) github.addJob(run, name, conclusion);
      github.conclude(run);
      return run;
    },
    async gate({ inputs = {}, event = pullRequestEvent(), env = {}, sha = head } = {}) {
      const run = await runAction({
        action: ".",
        event,
        workspace: git.path,
        repository: github.repository,
        sha,
        apiUrl: github.url,
        token: github.token,
        inputs: {
          "poll-interval": "100ms",
          "max-poll-interval": "200ms",
          timeout: "15s",
          ...inputs,
        },
        env: {
          GITHUB_RUN_ID: "1",
          GITHUB_WORKFLOW_REF: `${github.repository}/.github/workflows/gate.yml@refs/pull/7/merge`,
          ...env,
        },
      });
      runs.push(run);
      return run;
    },
    async [Symbol.asyncDispose]() {
      for (const run of runs) cleanup(run);
      git[Symbol.dispose]();
      await github[Symbol.asyncDispose]();
    },
  };
}

/** The error annotations' messages of a run, joined. */
export function errors(run: ActionRun): string {
  return run.annotations
    .filter((annotation) => annotation.level === "error")
    .map((annotation) => annotation.message)
    .join("\n");
}
