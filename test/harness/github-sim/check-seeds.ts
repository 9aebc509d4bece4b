import type { SimulatorState } from "./state.ts";
import type { App, CheckRunRecord, CheckSuiteRecord, StatusRecord } from "./state-records.ts";

export interface AddCheckRunOptions {
  name: string;
  headSha: string;
  status?: CheckRunRecord["status"];
  /** Setting a conclusion alone implies `status: completed`. */
  conclusion?: CheckRunRecord["conclusion"];
  app?: App;
  checkSuiteId?: number;
  output?: Partial<CheckRunRecord["output"]>;
  detailsUrl?: string | null;
  externalId?: string | null;
  startedAt?: string | null;
  completedAt?: string | null;
}

export type CheckRunPatch = Partial<
  Pick<
    CheckRunRecord,
    "name" | "status" | "conclusion" | "startedAt" | "completedAt" | "detailsUrl" | "externalId"
  >
> & { output?: Partial<CheckRunRecord["output"]> };

/**
 * Check suites, check runs and commit statuses: the records a status gate reads. A base class
 * of `RepositoryState` so the seed helpers read `repo.addCheckRun(...)`.
 */
export abstract class CheckSeeds {
  readonly checkSuites: CheckSuiteRecord[] = [];
  readonly checkRuns: CheckRunRecord[] = [];
  readonly statuses: StatusRecord[] = [];

  readonly simulator: SimulatorState;

  constructor(simulator: SimulatorState) {
    this.simulator = simulator;
  }

  abstract readonly fullName: string;
  abstract readonly refs: Map<string, string>;

  /** The suite a new check run joins: the app's newest suite for the commit, or a new one. */
  checkSuiteFor(headSha: string, app: App): CheckSuiteRecord {
    const existing = this.checkSuites.findLast(
      (suite) => suite.headSha === headSha && suite.app.id === app.id,
    );
    return existing ?? this.addCheckSuite(headSha, app);
  }

  addCheckSuite(headSha: string, app: App): CheckSuiteRecord {
    const now = this.simulator.now();
    const headBranch =
      [...this.refs].find(([ref, sha]) => sha === headSha && ref.startsWith("refs/heads/"))?.[0] ??
      null;
    const suite: CheckSuiteRecord = {
      id: this.simulator.nextId(),
      headSha,
      headBranch: headBranch?.slice("refs/heads/".length) ?? null,
      app,
      createdAt: now,
      updatedAt: now,
    };
    this.checkSuites.push(suite);
    return suite;
  }

  addCheckRun(options: AddCheckRunOptions): CheckRunRecord {
    const app = options.app ?? this.simulator.app;
    const now = this.simulator.now();
    const status = options.status ?? (options.conclusion ? "completed" : "queued");
    const checkSuiteId = options.checkSuiteId ?? this.checkSuiteFor(options.headSha, app).id;
    const run: CheckRunRecord = {
      id: this.simulator.nextId(),
      name: options.name,
      headSha: options.headSha,
      status,
      conclusion: options.conclusion ?? null,
      startedAt:
        options.startedAt !== undefined ? options.startedAt : status === "queued" ? null : now,
      completedAt:
        options.completedAt !== undefined
          ? options.completedAt
          : status === "completed"
            ? now
            : null,
      externalId: options.externalId ?? null,
      detailsUrl: options.detailsUrl ?? null,
      output: { title: null, summary: null, text: null, ...options.output },
      annotations: [],
      app,
      checkSuiteId,
      createdAt: now,
    };
    this.checkRuns.push(run);
    return run;
  }

  /**
   * Changes a check run the way its app would: a conclusion completes it, starting stamps
   * `startedAt`. A job's check run and the job move together.
   */
  updateCheckRun(id: number, patch: CheckRunPatch): CheckRunRecord {
    const run = this.checkRuns.find((candidate) => candidate.id === id);
    if (!run) throw new Error(`github-sim: no check run ${id} in ${this.fullName}`);
    const now = this.simulator.now();
    const { output, ...fields } = patch;
    Object.assign(run, fields);
    if (output) run.output = { ...run.output, ...output };
    if (patch.conclusion && patch.status === undefined) run.status = "completed";
    if (run.status !== "queued" && run.startedAt === null) run.startedAt = now;
    if (run.status === "completed" && run.completedAt === null) run.completedAt = now;
    if (run.status !== "completed") {
      run.conclusion = null;
      run.completedAt = null;
    }
    const suite = this.checkSuites.find((candidate) => candidate.id === run.checkSuiteId);
    if (suite) suite.updatedAt = now;
    this.onCheckRunChanged(run);
    return run;
  }

  /** A re-run: GitHub queues a new check run with the same name in the same suite. */
  rerunCheckRun(id: number): CheckRunRecord {
    const previous = this.checkRuns.find((candidate) => candidate.id === id);
    if (!previous) throw new Error(`github-sim: no check run ${id} in ${this.fullName}`);
    return this.addCheckRun({
      name: previous.name,
      headSha: previous.headSha,
      app: previous.app,
      checkSuiteId: previous.checkSuiteId,
      detailsUrl: previous.detailsUrl,
      externalId: previous.externalId,
    });
  }

  addStatus(options: {
    sha: string;
    context?: string;
    state: StatusRecord["state"];
    description?: string | null;
    targetUrl?: string | null;
    creator?: string;
  }): StatusRecord {
    const now = this.simulator.now();
    const status: StatusRecord = {
      id: this.simulator.nextId(),
      sha: options.sha,
      state: options.state,
      context: options.context ?? "default",
      description: options.description ?? null,
      targetUrl: options.targetUrl ?? null,
      creator: options.creator ? this.simulator.account(options.creator) : this.simulator.actor,
      createdAt: now,
      updatedAt: now,
    };
    this.statuses.push(status);
    return status;
  }

  /** Lets a job follow its check run; see `WorkflowSeeds`. */
  protected onCheckRunChanged(_run: CheckRunRecord): void {}
}
