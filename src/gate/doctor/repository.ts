import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import {
  type Job,
  loadWorkflow,
  type Step,
  type Workflow,
  type WorkflowProblem,
} from "../../core/workflow.ts";
import { type CheckName, jobCheckNames, skippedCheckName } from "./names.ts";

export const WORKFLOWS_FOLDER = ".github/workflows";

/** A file under `.github/workflows` that GitHub would refuse, and why. */
export interface InvalidWorkflow {
  path: string;
  problem: WorkflowProblem;
}

/** A job of a workflow run and the check run names it produces. */
export interface Producer {
  workflow: Workflow;
  job: Job;
  names: CheckName[];
  /** The one name its check run has when the job is skipped. */
  skipped: CheckName;
}

/** A step that runs the status gate, and how. */
export interface GateUsage {
  workflow: Workflow;
  job: Job;
  step: Step;
  mode: "plan" | "checks" | "needs";
}

/** The workflows of a repository, read once, with what the doctor and init ask of them. */
export class WorkflowRepository {
  readonly workflows: Workflow[];
  readonly invalid: InvalidWorkflow[];
  private readonly byPath: Map<string, Workflow>;
  private cachedProducers: Producer[] | undefined;

  /** Reads another file of the repository (a filters file), relative to its root. */
  readonly readFile: (path: string) => string | undefined;
  /** Whether `uses: ./` is the status gate (this repository is the gate itself). */
  private readonly localGate: boolean;

  constructor(
    files: readonly { path: string; text: string }[],
    readFile: (path: string) => string | undefined = () => undefined,
    localGate = false,
  ) {
    this.readFile = readFile;
    this.localGate = localGate;
    this.workflows = [];
    this.invalid = [];
    for (const { path, text } of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
      const loaded = loadWorkflow(path, text);
      if (loaded.workflow) this.workflows.push(loaded.workflow);
      else this.invalid.push({ path, problem: loaded.problem });
    }
    this.byPath = new Map(this.workflows.map((workflow) => [workflow.file.path, workflow]));
  }

  workflow(path: string): Workflow | undefined {
    return this.byPath.get(path);
  }

  /** Every path of a file under `.github/workflows`, loaded or not. */
  get paths(): string[] {
    return [...this.byPath.keys(), ...this.invalid.map((file) => file.path)].sort();
  }

  /** Every job of every workflow with its check run names (workflows only called by others too). */
  producers(): Producer[] {
    const lookup = (path: string) => this.workflow(path);
    this.cachedProducers ??= this.workflows.flatMap((workflow) =>
      workflow.jobs.map((job) => ({
        workflow,
        job,
        names: jobCheckNames(workflow, job, lookup),
        skipped: skippedCheckName(workflow, job, lookup),
      })),
    );
    return this.cachedProducers;
  }

  /** Every step that runs the status gate (`wasmcloud/status-gate@...`, or `./` in this repository). */
  gateUsages(): GateUsage[] {
    const usages: GateUsage[] = [];
    for (const workflow of this.workflows) {
      for (const job of workflow.jobs) {
        for (const step of job.steps) {
          if (!this.isGate(step.uses)) continue;
          const mode = step.with.mode?.trim();
          usages.push({
            workflow,
            job,
            step,
            mode:
              mode === "plan" || mode === "checks" || mode === "needs"
                ? mode
                : step.with.needs?.trim()
                  ? "needs"
                  : "checks",
          });
        }
      }
    }
    return usages;
  }

  private isGate(uses: string | undefined): boolean {
    if (!uses) return false;
    if (/^wasmcloud\/status-gate@/i.test(uses)) return true;
    return this.localGate && (uses === "./" || uses === ".");
  }
}

/**
 * Reads `.github/workflows` of a checkout. Undefined when the folder does not exist; files
 * that cannot be read as workflows are kept as {@link InvalidWorkflow}s.
 */
export async function readRepository(root: string): Promise<WorkflowRepository | undefined> {
  const folder = join(root, WORKFLOWS_FOLDER);
  const entries = await readdir(folder, { withFileTypes: true }).catch(
    (thrown: NodeJS.ErrnoException) => {
      if (thrown.code === "ENOENT" || thrown.code === "ENOTDIR") return undefined;
      throw thrown;
    },
  );
  if (!entries) return undefined;
  const names = entries.filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name));
  const files = await Promise.all(
    names.map(async (entry) => ({
      path: `${WORKFLOWS_FOLDER}/${entry.name}`,
      text: await readFile(join(folder, entry.name), "utf8"),
    })),
  );
  const action = await readFile(join(root, "action.yml"), "utf8").catch(() => "");
  const others = new Map<string, string | undefined>();
  const readOther = (path: string) => {
    if (!others.has(path)) {
      others.set(path, undefined);
      try {
        // Synchronous on purpose: filter files are few and small, and read while analysing.
        others.set(path, readFileSyncInside(root, path));
      } catch {
        // Absent or unreadable: the filter stays unknown.
      }
    }
    return others.get(path);
  };
  return new WorkflowRepository(files, readOther, /\bgate\.js\b/.test(action));
}

/** A file's text when it lies inside the repository; never a path outside it. */
function readFileSyncInside(root: string, path: string): string | undefined {
  const absolute = resolve(root, path);
  if (relative(root, absolute).startsWith("..")) return undefined;
  return readFileSync(absolute, "utf8");
}
