import { createRepository, type TestRepository } from "../harness/git.ts";
import type {
  GitHubSimulator,
  RecordedRequest,
  RepositoryState,
} from "../harness/github-sim/index.ts";
import { startGitHubSimulator } from "../harness/github-sim/index.ts";
import { type ActionRun, cleanup, runAction } from "../harness/runner.ts";

export const REPOSITORY = "wasmcloud/wasmcloud";

export const RULES = `rules:
  - id: wash
    check: "check (*)"
    workflow: .github/workflows/wash.yml
    paths: ["crates/**"]
  - id: lint
    check: lint
  - id: docs
    check: docs
    paths: ["docs/**"]
  - id: coverage
    check: codecov/patch
    advisory: true
`;

/**
 * A scenario for checks mode: a real checkout (base on main, head on a branch) whose commits the
 * simulator knows under the same SHAs, and a pull request between them.
 */
export interface GateScenario extends AsyncDisposable {
  sim: GitHubSimulator;
  github: RepositoryState;
  git: TestRepository;
  base: string;
  head: string;
  /** Runs the built gate as the runner would, on the pull_request event by default. */
  gate(options?: {
    inputs?: Record<string, string>;
    event?: { name: string; payload: unknown };
    env?: Record<string, string>;
  }): Promise<ActionRun>;
  /** Calls `step(n)` after the n-th poll of the check runs (1-based), before the gate sees it. */
  onPoll(step: (poll: number) => void): void;
  /**
   * The pull_request event: `updatedAt` is the pull request's `updated_at` as the event carried
   * it (default: as the simulator has it), `labels` its labels.
   */
  pullRequestEvent(options?: { updatedAt?: string; labels?: string[] }): {
    name: string;
    payload: unknown;
  };
}

export async function gateScenario(
  options: { rules?: string; files?: Record<string, string> } = {},
): Promise<GateScenario> {
  const sim = await startGitHubSimulator();
  const [owner, name] = REPOSITORY.split("/") as [string, string];
  const github = sim.state.addRepository({ owner, name });
  const git = createRepository();
  const base = git.commit({
    message: "base",
    files: { ".github/status-gate.yml": options.rules ?? RULES, "README.md": "hi\n" },
  });
  git.checkout("feature", { create: true });
  const head = git.commit({
    message: "change",
    files: options.files ?? { "crates/api/src/lib.rs": "pub fn a() {}\n" },
  });
  git.checkout("main");
  github.addCommit({ sha: base, branch: "main", parents: [github.branch("main") as string] });
  github.addCommit({
    sha: head,
    branch: "feature",
    parents: [base],
    files: Object.keys(options.files ?? { "crates/api/src/lib.rs": "" }),
  });
  const pull = github.addPullRequest({ head: "feature", base: "main", number: 7 });
  const runs: ActionRun[] = [];
  const pullRequestEvent = (event: { updatedAt?: string; labels?: string[] } = {}) => ({
    name: "pull_request",
    payload: {
      action: "synchronize",
      number: pull.number,
      pull_request: {
        number: pull.number,
        head: { sha: head, ref: "feature" },
        base: { sha: base, ref: "main" },
        changed_files: 1,
        updated_at: event.updatedAt ?? pull.updatedAt,
        labels: (event.labels ?? []).map((name) => ({ name })),
      },
      repository: { default_branch: "main", full_name: REPOSITORY },
    },
  });
  let polls = 0;
  return {
    sim,
    github,
    git,
    base,
    head,
    pullRequestEvent,
    onPoll(step) {
      sim.onRequest((request: RecordedRequest) => {
        if (request.operationId === "checks/list-for-ref" && !request.url.includes("page=2"))
          step(++polls);
      });
    },
    async gate({ inputs = {}, event = pullRequestEvent(), env = {} } = {}) {
      const run = await runAction({
        action: ".",
        event,
        workspace: git.path,
        repository: REPOSITORY,
        sha: "e".repeat(40),
        apiUrl: sim.url,
        graphqlUrl: sim.graphqlUrl,
        token: sim.token,
        inputs: {
          "poll-interval": "100ms",
          "max-poll-interval": "300ms",
          timeout: "20s",
          ...inputs,
        },
        env: {
          GITHUB_WORKFLOW_REF: `${REPOSITORY}/.github/workflows/gate.yml@refs/pull/7/merge`,
          ...env,
        },
      });
      runs.push(run);
      return run;
    },
    async [Symbol.asyncDispose]() {
      for (const run of runs) cleanup(run);
      git[Symbol.dispose]();
      await sim.close();
    },
  };
}

/**
 * A workflow run of `path` on the head with its jobs (name → conclusion, or null while running).
 * The run is completed when every job has a conclusion, unless `running` says more jobs are to
 * come (jobs behind `needs:`, later matrix legs).
 */
export function workflowWithJobs(
  github: RepositoryState,
  sha: string,
  workflow: { name: string; path: string; event?: string },
  jobs: Record<string, string | null>,
  options: { running?: boolean } = {},
) {
  if (!github.findWorkflow(workflow.path))
    github.addWorkflow({ name: workflow.name, path: workflow.path });
  const run = github.addWorkflowRun({
    workflow: workflow.path,
    headSha: sha,
    event: workflow.event ?? "pull_request",
    status: "in_progress",
  });
  const added = Object.entries(jobs).map(([name, conclusion]) =>
    github.addJob({
      runId: run.id,
      name,
      ...(conclusion ? { conclusion: conclusion as never } : { status: "in_progress" }),
    }),
  );
  if (!options.running) settleRuns(github, run.id);
  return { run, jobs: added };
}

/** Completes every running job with `conclusion`, then every run whose jobs are all done. */
export function finishJobs(github: RepositoryState, conclusion = "success") {
  for (const job of github.jobs)
    if (job.status !== "completed") github.updateJob(job.id, { conclusion: conclusion as never });
  settleRuns(github);
}

/** Concludes each unfinished run whose latest attempt's jobs are all completed, as GitHub would. */
export function settleRuns(github: RepositoryState, only?: number) {
  const passing = ["success", "neutral", "skipped"];
  for (const run of github.workflowRuns) {
    if (run.status === "completed" || (only !== undefined && run.id !== only)) continue;
    const jobs = github.jobs.filter((j) => j.runId === run.id && j.runAttempt === run.runAttempt);
    if (jobs.length === 0 || jobs.some((job) => job.status !== "completed")) continue;
    const red = jobs.some((job) => !passing.includes(job.conclusion ?? ""));
    github.updateWorkflowRun(run.id, { conclusion: red ? "failure" : "success" });
  }
}
