import { CheckSeeds } from "./check-seeds.ts";
import {
  type CheckRunRecord,
  GITHUB_ACTIONS_APP,
  type JobRecord,
  type JobStep,
  type WorkflowRecord,
  type WorkflowRunRecord,
} from "./state-records.ts";

export interface AddWorkflowRunOptions {
  /** Workflow name or id; a workflow of that name is created when none exists (default "CI"). */
  workflow?: string | number;
  headSha: string;
  headBranch?: string | null;
  event?: string;
  status?: WorkflowRunRecord["status"];
  /** Setting a conclusion alone implies `status: completed`. */
  conclusion?: WorkflowRunRecord["conclusion"];
  displayTitle?: string;
  pullRequests?: number[];
  actor?: string;
}

export interface AddJobOptions {
  runId: number;
  name: string;
  status?: JobRecord["status"];
  conclusion?: JobRecord["conclusion"];
  steps?: Array<Partial<JobStep> & { name: string }>;
  labels?: string[];
}

export type JobPatch = Partial<Pick<JobRecord, "status" | "conclusion" | "runnerName" | "steps">>;

/**
 * Workflows, their runs and jobs. Kept apart from the rest of the repository state because
 * a job is two records on GitHub (the job and its check run) that must move together.
 */
export abstract class WorkflowSeeds extends CheckSeeds {
  readonly workflows: WorkflowRecord[] = [];
  readonly workflowRuns: WorkflowRunRecord[] = [];
  readonly jobs: JobRecord[] = [];

  abstract branch(name: string): string | undefined;

  addWorkflow(options: { name: string; path?: string; id?: number }): WorkflowRecord {
    const file = options.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    const workflow: WorkflowRecord = {
      id: options.id ?? this.simulator.nextId(),
      name: options.name,
      path: options.path ?? `.github/workflows/${file}.yml`,
    };
    this.workflows.push(workflow);
    return workflow;
  }

  /** By id, by file name (`ci.yml`) or by path, as the Actions API accepts `workflow_id`. */
  findWorkflow(idOrFile: string | number): WorkflowRecord | undefined {
    return this.workflows.find(
      (workflow) =>
        String(workflow.id) === String(idOrFile) ||
        workflow.path === idOrFile ||
        workflow.path.endsWith(`/${idOrFile}`),
    );
  }

  addWorkflowRun(options: AddWorkflowRunOptions): WorkflowRunRecord {
    const requested = options.workflow ?? "CI";
    const workflow =
      this.findWorkflow(requested) ??
      this.workflows.find((candidate) => candidate.name === requested) ??
      this.addWorkflow({ name: String(requested) });
    const now = this.simulator.now();
    const status = options.status ?? (options.conclusion ? "completed" : "queued");
    const run: WorkflowRunRecord = {
      id: this.simulator.nextId(),
      workflowId: workflow.id,
      name: workflow.name,
      displayTitle: options.displayTitle ?? workflow.name,
      headSha: options.headSha,
      headBranch: options.headBranch !== undefined ? options.headBranch : null,
      event: options.event ?? "push",
      status,
      conclusion: options.conclusion ?? null,
      runNumber: this.workflowRuns.filter((other) => other.workflowId === workflow.id).length + 1,
      runAttempt: 1,
      actor: options.actor
        ? this.simulator.account(options.actor)
        : this.simulator.account("octocat"),
      pullRequestNumbers: options.pullRequests ?? [],
      createdAt: now,
      updatedAt: now,
      runStartedAt: now,
      // Every workflow run has a check suite of its own, owned by GitHub Actions.
      checkSuiteId: this.addCheckSuite(options.headSha, GITHUB_ACTIONS_APP).id,
      previousAttempts: [],
    };
    this.workflowRuns.push(run);
    return run;
  }

  updateWorkflowRun(
    id: number,
    patch: Partial<Pick<WorkflowRunRecord, "status" | "conclusion" | "displayTitle">>,
  ): WorkflowRunRecord {
    const run = this.requireRun(id);
    Object.assign(run, patch);
    if (patch.conclusion && patch.status === undefined) run.status = "completed";
    if (run.status !== "completed") run.conclusion = null;
    run.updatedAt = this.simulator.now();
    return run;
  }

  /** A job and the check run GitHub creates for it, in the run's suite. */
  addJob(options: AddJobOptions): JobRecord {
    const run = this.requireRun(options.runId);
    const checkRun = this.addCheckRun({
      name: options.name,
      headSha: run.headSha,
      status:
        options.status === "waiting" || options.status === "requested" ? "queued" : options.status,
      conclusion: options.conclusion,
      app: GITHUB_ACTIONS_APP,
      checkSuiteId: run.checkSuiteId,
    });
    const job: JobRecord = {
      id: this.simulator.nextId(),
      runId: run.id,
      runAttempt: run.runAttempt,
      name: options.name,
      status: options.status ?? checkRun.status,
      conclusion: checkRun.conclusion,
      startedAt: checkRun.startedAt ?? checkRun.createdAt,
      completedAt: checkRun.completedAt,
      createdAt: checkRun.createdAt,
      steps: (options.steps ?? []).map((step, index) => ({
        status: "completed",
        conclusion: "success",
        number: index + 1,
        ...step,
      })),
      labels: options.labels ?? ["ubuntu-latest"],
      runnerName: checkRun.status === "queued" ? null : "GitHub Actions 1",
      checkRunId: checkRun.id,
    };
    this.jobs.push(job);
    return job;
  }

  /** Moves a job and its check run together. */
  updateJob(id: number, patch: JobPatch): JobRecord {
    const job = this.jobs.find((candidate) => candidate.id === id);
    if (!job) throw new Error(`github-sim: no job ${id}`);
    const { status, conclusion, ...rest } = patch;
    Object.assign(job, rest);
    if (status !== undefined || conclusion !== undefined) {
      this.updateCheckRun(job.checkRunId, {
        ...(status === undefined ? {} : { status: status === "waiting" ? "queued" : status }),
        ...(conclusion === undefined ? {} : { conclusion }),
      });
      if (status !== undefined) job.status = status;
    }
    return job;
  }

  /**
   * "Re-run all jobs": the attempt number goes up, the run is queued again and every job of the
   * last attempt is queued afresh, while the old attempt stays readable through the API.
   */
  rerunWorkflowRun(id: number): WorkflowRunRecord {
    const run = this.requireRun(id);
    run.previousAttempts.push({
      attempt: run.runAttempt,
      status: run.status,
      conclusion: run.conclusion,
      runStartedAt: run.runStartedAt,
      updatedAt: run.updatedAt,
    });
    const lastAttemptJobs = this.jobs.filter(
      (job) => job.runId === id && job.runAttempt === run.runAttempt,
    );
    run.runAttempt += 1;
    run.status = "queued";
    run.conclusion = null;
    run.runStartedAt = this.simulator.now();
    run.updatedAt = run.runStartedAt;
    for (const job of lastAttemptJobs) {
      this.addJob({ runId: id, name: job.name, labels: job.labels });
    }
    return run;
  }

  /** Keeps a job in step when its check run is changed directly. */
  protected override onCheckRunChanged(checkRun: CheckRunRecord): void {
    const job = this.jobs.find((candidate) => candidate.checkRunId === checkRun.id);
    if (!job) return;
    job.status = checkRun.status;
    job.conclusion = checkRun.conclusion;
    job.startedAt = checkRun.startedAt ?? job.startedAt;
    job.completedAt = checkRun.completedAt;
    if (checkRun.status !== "queued") job.runnerName ??= "GitHub Actions 1";
  }

  protected requireRun(id: number): WorkflowRunRecord {
    const run = this.workflowRuns.find((candidate) => candidate.id === id);
    if (!run) throw new Error(`github-sim: no workflow run ${id}`);
    return run;
  }
}
