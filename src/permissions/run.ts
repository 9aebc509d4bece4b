import { ConfigurationError } from "../core/errors.ts";
import { loadWorkflow, type Workflow } from "../core/workflow.ts";
import { checkFile, checkWorkflow } from "./check.ts";
import { blockToken, type Token } from "./effective.ts";
import { at } from "./finding.ts";
import { type FileFix, fixWorkflowText } from "./fix.ts";
import {
  DEFAULT_POLICY_PATH,
  defaultPolicy,
  exceptionFor,
  loadPolicy,
  type Policy,
  type PolicyException,
} from "./policy.ts";
import { type Callee, type CalleeLookup, type CallerGrants, localCalleePath } from "./reusable.ts";
import { compareFindings, type Finding, reaches, type Severity } from "./rules.ts";

export const DEFAULT_WORKFLOW_PATHS = [".github/workflows"];

export interface PermissionsInputs {
  /** Workflow files or folders (their `.yml`/`.yaml` files), relative to the repository root. */
  paths: string[];
  /** The policy file; a missing file at the default path means the default policy. */
  policyPath: string;
  fix: boolean;
  failOn: Severity | "never";
}

/** The filesystem as the enforcer needs it; paths are relative to the repository root. */
export interface WorkflowFiles {
  /**
   * `path` itself when it is a file, its `.yml`/`.yaml` files (symbolic links included, so they
   * can be reported) when it is a folder, undefined when absent.
   */
  list(path: string): Promise<string[] | undefined>;
  /** Whether the file, or a folder on its way from the root, is a symbolic link. */
  isSymlink(path: string): Promise<boolean>;
  /** The file's text, undefined when absent; a symbolic link is never followed. */
  read(path: string): Promise<string | undefined>;
  /** Writes the file; a symbolic link is never followed. */
  write(path: string, text: string): Promise<void>;
}

export interface PermissionsDeps {
  files: WorkflowFiles;
}

export interface SilencedFinding {
  finding: Finding;
  exception: PolicyException;
}

export interface PermissionsResult {
  files: string[];
  /** Findings left after the fix (when fixing) and after the policy's exceptions. */
  findings: Finding[];
  silenced: SilencedFinding[];
  /** Files the fixer changed. */
  fixes: FileFix[];
  /** A unified diff of every fix, for `git apply` in a later step; empty when nothing changed. */
  patch: string;
  /** The policy file read; undefined when the default policy applied. */
  policyPath: string | undefined;
  /** A finding reaches `fail-on`. */
  failed: boolean;
}

export async function run(
  inputs: PermissionsInputs,
  deps: PermissionsDeps,
): Promise<PermissionsResult> {
  const { policy, policyPath } = await readPolicy(inputs.policyPath, deps.files);
  const listed = await workflowFiles(inputs.paths, deps.files);
  const set = new WorkflowSet(deps.files);
  const files: string[] = [];
  const all: Finding[] = [];
  for (const path of listed) {
    if (await deps.files.isSymlink(path)) {
      all.push(symlinked(path));
      continue;
    }
    files.push(path);
    await set.add(path);
  }
  await set.readCallees();
  const fixes: FileFix[] = [];
  if (inputs.fix) {
    for (const path of set.calleesFirst(files)) {
      const fix = fixWorkflowText(path, set.text(path), policy, {
        callee: set.lookup,
        callers: set.callers,
      });
      if (fix.after === fix.before) continue;
      await deps.files.write(path, fix.after);
      set.replace(path, fix.after);
      fixes.push(fix);
      all.push(...reviewFindings(fix));
    }
  }
  for (const path of files) {
    // The set parsed each file once already (to follow its calls); the check reuses it.
    const workflow = set.workflow(path);
    all.push(
      ...(workflow
        ? checkWorkflow(workflow, policy, { callee: set.lookup, callers: set.callers })
        : checkFile(path, set.text(path), policy)),
    );
  }
  const findings: Finding[] = [];
  const silenced: SilencedFinding[] = [];
  for (const finding of all) {
    const exception = exceptionFor(policy, finding);
    if (exception) silenced.push({ finding, exception });
    else findings.push(finding);
  }
  findings.sort(compareFindings);
  fixes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const patch = fixes.map((fix) => fix.patch).join("");
  const failed = findings.some((finding) => reaches(finding.severity, inputs.failOn));
  return { files, findings, silenced, fixes, patch, policyPath, failed };
}

/**
 * The workflows of one run and the local reusable workflows they call, read once and kept as the
 * fixer changes them, so the check and the fixer of a calling file see the called file as it is.
 */
class WorkflowSet {
  private readonly texts = new Map<string, string>();
  private readonly problems = new Map<string, string>();
  private readonly parsed = new Map<string, Workflow | undefined>();
  private readonly files: WorkflowFiles;

  constructor(files: WorkflowFiles) {
    this.files = files;
  }

  async add(path: string): Promise<void> {
    this.texts.set(path, (await this.files.read(path)) ?? "");
  }

  text(path: string): string {
    return this.texts.get(path) ?? "";
  }

  replace(path: string, text: string): void {
    this.texts.set(path, text);
    this.parsed.delete(path);
  }

  /** Reads every local file the known files call, and the files those call, once each. */
  async readCallees(): Promise<void> {
    const queue = [...this.texts.keys()];
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      for (const callee of this.calls(path)) {
        if (this.texts.has(callee) || this.problems.has(callee)) continue;
        if (await this.files.isSymlink(callee)) {
          this.problems.set(callee, "is a symbolic link (never followed)");
          continue;
        }
        const text = await this.files.read(callee);
        if (text === undefined) {
          this.problems.set(callee, "does not exist in the repository");
          continue;
        }
        this.texts.set(callee, text);
        queue.push(callee);
      }
    }
  }

  /** Who calls each file today, with the grant each calling job states: built before any fix. */
  private callerIndex: Map<string, { file: string; grant: Token | undefined }[]> | undefined;

  /**
   * The grants reaching a file from the calling jobs of the run's files today; a calling job that
   * states nothing, in a file without a top-level block, passes on what reaches its own file.
   */
  readonly callers: CallerGrants = (path: string, seen = new Set<string>()): Token[] => {
    if (!this.callerIndex) {
      this.callerIndex = new Map();
      for (const file of this.texts.keys()) {
        const workflow = this.workflow(file);
        for (const job of workflow?.jobs ?? []) {
          const callee = job.calls === undefined ? undefined : localCalleePath(job.calls);
          if (callee === undefined || !workflow) continue;
          const block = job.permissions ?? workflow.permissions;
          const entries = this.callerIndex.get(callee) ?? [];
          entries.push({ file, grant: block ? blockToken(workflow, block) : undefined });
          this.callerIndex.set(callee, entries);
        }
      }
    }
    seen.add(path);
    return (this.callerIndex.get(path) ?? []).flatMap(({ file, grant }) =>
      grant ? [grant] : seen.has(file) ? [] : this.callers(file, seen),
    );
  };

  workflow(path: string): Workflow | undefined {
    if (!this.parsed.has(path)) {
      const text = this.texts.get(path);
      this.parsed.set(path, text === undefined ? undefined : loadWorkflow(path, text).workflow);
    }
    return this.parsed.get(path);
  }

  private calls(path: string): string[] {
    const workflow = this.workflow(path);
    if (!workflow) return [];
    return workflow.jobs.flatMap((job) => {
      const callee = job.calls === undefined ? undefined : localCalleePath(job.calls);
      return callee === undefined ? [] : [callee];
    });
  }

  readonly lookup: CalleeLookup = (uses: string): Callee => {
    const path = localCalleePath(uses);
    if (path === undefined) return { kind: "remote", uses };
    const problem = this.problems.get(path);
    if (problem) return { kind: "unreadable", path, why: problem };
    const workflow = this.workflow(path);
    if (!workflow) return { kind: "unreadable", path, why: "is not a valid workflow" };
    return { kind: "local", path, workflow };
  };

  /** The files in an order where every called file of the set comes before its callers. */
  calleesFirst(paths: string[]): string[] {
    const inSet = new Set(paths);
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      for (const callee of this.calls(path)) if (inSet.has(callee)) visit(callee);
      order.push(path);
    };
    for (const path of paths) visit(path);
    return order;
  }
}

/** A warning at each block the fixer wrote that a person must check, with why. */
function reviewFindings(fix: FileFix): Finding[] {
  const lines = fix.after.replace(/^\uFEFF/, "").split("\n");
  return fix.changes.flatMap((change) => {
    if (change.review.length === 0) return [];
    const text = lines[change.line - 1] ?? "";
    const column = text.length - text.trimStart().length + 1;
    const position = {
      file: fix.path,
      line: change.line,
      column,
      endLine: change.line,
      endColumn: column + "permissions".length,
    };
    const message = `the block written for job '${change.job}' comes from what the fixer could read; check it: ${change.review.join("; ")}`;
    return [
      {
        ...at("needs-review", position, message),
        workflow: fix.path.split("/").pop() ?? fix.path,
        ...(change.job === undefined ? {} : { job: change.job }),
        fix: "confirm or correct the block, then remove the '# status-gate: review' comment",
      },
    ];
  });
}

function symlinked(path: string): Finding {
  const position = { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 };
  return {
    ...at(
      "symlinked-workflow",
      position,
      "the workflow file is a symbolic link: GitHub does not run it, and it is neither followed nor written",
    ),
    workflow: path.split("/").pop() ?? path,
    fix: "replace the link with the workflow file itself, or remove it",
  };
}

/** The policy file, or the default policy when the default file is absent; mistakes throw. */
async function readPolicy(path: string, files: WorkflowFiles) {
  const text = await files.read(path);
  if (text === undefined) {
    if (path !== DEFAULT_POLICY_PATH) {
      throw new ConfigurationError(
        `the policy file '${path}' does not exist; name an existing file, or leave the policy unset for the default policy`,
      );
    }
    return { policy: defaultPolicy as Policy, policyPath: undefined };
  }
  return { policy: loadPolicy(path, text), policyPath: path };
}

async function workflowFiles(paths: string[], files: WorkflowFiles): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths.length > 0 ? paths : DEFAULT_WORKFLOW_PATHS) {
    const listed = await files.list(path);
    if (listed === undefined) {
      throw new ConfigurationError(
        `'${path}' does not exist; give workflow files or folders relative to the repository root (is the repository checked out?)`,
      );
    }
    for (const file of listed) found.add(file);
  }
  if (found.size === 0) {
    // Checking nothing must not read as "no findings": the checkout or the paths are wrong.
    throw new ConfigurationError(
      `no .yml or .yaml workflow files under ${(paths.length > 0 ? paths : DEFAULT_WORKFLOW_PATHS).map((p) => `'${p}'`).join(", ")}; give workflow files or folders relative to the repository root`,
    );
  }
  return [...found].sort();
}
