import type { DoubleCheck, DoublePull, DoubleRun, DoubleStatus, GitHubDouble } from "./github.ts";

// The double's answers in the shapes of GitHub's OpenAPI description (the required fields of
// workflow-run, check-run, job, combined-commit-status and pull-request).

/** Open pull requests of this repository whose head is the run's (GitHub's documented rule). */
function runPulls(github: GitHubDouble, run: DoubleRun) {
  if (run.headRepo !== github.repository) return [];
  return github.pulls
    .filter(
      (pull) =>
        pull.state === "open" &&
        pull.head.repo === github.repository &&
        (pull.head.sha === run.headSha || pull.head.ref === run.headBranch),
    )
    .map((pull) => ({
      id: pull.number * 1000,
      number: pull.number,
      url: `${github.url}${`/repos/${github.repository}`}/pulls/${pull.number}`,
      head: { ref: pull.head.ref, sha: pull.head.sha, repo: { id: 1, url: "", name: "x" } },
      base: { ref: pull.base.ref, sha: pull.base.sha, repo: { id: 1, url: "", name: "x" } },
    }));
}

export function runJson(github: GitHubDouble, run: DoubleRun) {
  return {
    id: run.id,
    node_id: `WFR_${run.id}`,
    name: run.name,
    display_title: run.name,
    path: run.path,
    event: run.event,
    head_sha: run.headSha,
    head_branch: run.headBranch,
    status: run.status,
    conclusion: run.conclusion,
    run_number: run.runNumber,
    run_attempt: run.attempt,
    check_suite_id: run.suiteId,
    workflow_id: 1,
    created_at: run.createdAt,
    updated_at: run.createdAt,
    run_started_at: run.runStartedAt,
    pull_requests: runPulls(github, run),
    head_repository: { full_name: run.headRepo },
    html_url: `https://github.com/${github.repository}/actions/runs/${run.id}`,
  };
}

export function checkJson(github: GitHubDouble, check: DoubleCheck) {
  return {
    id: check.id,
    node_id: `CR_${check.id}`,
    head_sha: check.headSha,
    external_id: "",
    name: check.name,
    status: check.status,
    conclusion: check.conclusion,
    started_at: check.startedAt,
    completed_at: check.completedAt,
    html_url: `https://github.com/${github.repository}/runs/${check.id}`,
    details_url: `https://github.com/${github.repository}/runs/${check.id}`,
    url: `${github.url}/repos/${github.repository}/check-runs/${check.id}`,
    output: { title: null, summary: null, text: null, annotations_count: 0, annotations_url: "" },
    check_suite: { id: check.suiteId },
    app: { id: check.app.id, slug: check.app.slug, name: check.app.slug },
    pull_requests: [],
  };
}

export function jobJson(github: GitHubDouble, check: DoubleCheck) {
  return {
    id: check.id,
    run_id: check.job?.runId,
    run_attempt: check.job?.attempt,
    head_sha: check.headSha,
    name: check.name,
    status: check.status,
    conclusion: check.conclusion,
    started_at: check.startedAt,
    completed_at: check.completedAt,
    runner_name: check.job?.runnerName ?? null,
    check_run_url: `${github.url}/repos/${github.repository}/check-runs/${check.id}`,
    labels: [],
  };
}

export function combinedStatus(sha: string, all: readonly DoubleStatus[]) {
  const latest = new Map<string, DoubleStatus>();
  for (const status of all.filter((candidate) => candidate.sha === sha)) {
    latest.set(status.context, status);
  }
  const statuses = [...latest.values()].map((status) => ({
    id: status.id,
    node_id: `SC_${status.id}`,
    context: status.context,
    state: status.state,
    description: null,
    target_url: null,
    avatar_url: null,
    url: "",
    created_at: status.createdAt,
    updated_at: status.updatedAt,
  }));
  return {
    state: statuses.some((s) => s.state === "failure" || s.state === "error")
      ? "failure"
      : "pending",
    sha,
    total_count: statuses.length,
    statuses,
    repository: {},
    commit_url: "",
    url: "",
  };
}

export function pullJson(github: GitHubDouble, pull: DoublePull) {
  return {
    number: pull.number,
    state: pull.state,
    updated_at: pull.updatedAt,
    changed_files: pull.files.length,
    head: { ref: pull.head.ref, sha: pull.head.sha, repo: { full_name: pull.head.repo } },
    base: { ref: pull.base.ref, sha: pull.base.sha, repo: { full_name: github.repository } },
  };
}
