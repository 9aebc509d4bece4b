import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { linkOnPath } from "../../core/links.ts";
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

/**
 * The workflows of a repository, each parsed once and only when asked for: a rule pinned to a
 * workflow needs that file (and the reusable workflows it calls), the gate's own workflows are
 * found by their text first, and only a rule that names no workflow needs them all.
 */
export class WorkflowRepository {
  /** Reads another file of the repository (a filters file), relative to its root. */
  readonly readFile: (path: string) => string | undefined;
  /** Whether `uses: ./` is the status gate (this repository is the gate itself). */
  private readonly localGate: boolean;
  private readonly texts: Map<string, string>;
  private readonly loaded = new Map<string, Workflow | InvalidWorkflow>();
  private readonly producersByPath = new Map<string, Producer[]>();

  constructor(
    files: readonly { path: string; text: string }[],
    readFile: (path: string) => string | undefined = () => undefined,
    localGate = false,
  ) {
    this.readFile = readFile;
    this.localGate = localGate;
    const sorted = [...files].sort((a, b) => a.path.localeCompare(b.path));
    this.texts = new Map(sorted.map(({ path, text }) => [path, text]));
  }

  /** Every path of a file under `.github/workflows`, parsed or not. */
  get paths(): string[] {
    return [...this.texts.keys()];
  }

  /** The workflow at `path`; undefined when there is no such file or it is not a workflow. */
  workflow(path: string): Workflow | undefined {
    const found = this.load(path);
    return found && "jobs" in found ? found : undefined;
  }

  /** Every workflow (parsing all of them). */
  get workflows(): Workflow[] {
    return this.paths.flatMap((path) => this.workflow(path) ?? []);
  }

  /** The files read so far that GitHub would refuse. */
  get invalid(): InvalidWorkflow[] {
    return [...this.loaded.values()].filter(
      (found): found is InvalidWorkflow => "problem" in found,
    );
  }

  private load(path: string): Workflow | InvalidWorkflow | undefined {
    const known = this.loaded.get(path);
    if (known) return known;
    const text = this.texts.get(path);
    if (text === undefined) return undefined;
    const result = loadWorkflow(path, text);
    const found = result.workflow ?? { path, problem: result.problem };
    this.loaded.set(path, found);
    return found;
  }

  /** The jobs of one workflow with their check run names. */
  producersOf(path: string): Producer[] {
    let producers = this.producersByPath.get(path);
    if (!producers) {
      const workflow = this.workflow(path);
      const lookup = (other: string) => this.workflow(other);
      producers = (workflow?.jobs ?? []).map((job) => ({
        workflow: workflow as Workflow,
        job,
        names: jobCheckNames(workflow as Workflow, job, lookup),
        skipped: skippedCheckName(workflow as Workflow, job, lookup),
      }));
      this.producersByPath.set(path, producers);
    }
    return producers;
  }

  /** Every job of every workflow with its check run names (workflows only called by others too). */
  producers(): Producer[] {
    return this.paths.flatMap((path) => this.producersOf(path));
  }

  /** Every step that runs the status gate (`wasmcloud/status-gate@...`, or `./` in this repository). */
  gateUsages(): GateUsage[] {
    const usages: GateUsage[] = [];
    const mentions = this.localGate
      ? /status-gate|uses:\s*["']?\.\/?["']?\s*(#|$)/im
      : /status-gate/i;
    for (const [path, text] of this.texts) {
      if (!mentions.test(text)) continue;
      for (const job of this.workflow(path)?.jobs ?? []) {
        for (const step of job.steps) {
          if (!this.isGate(step.uses)) continue;
          const mode = step.with.mode?.trim();
          usages.push({
            workflow: this.workflow(path) as Workflow,
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
  // GitHub runs no workflow from a folder that is a symbolic link (nor through one on its way).
  if (await linkOnPath(root, WORKFLOWS_FOLDER)) return undefined;
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
