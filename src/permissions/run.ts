import { ConfigurationError } from "../core/errors.ts";
import { checkFile } from "./check.ts";
import { type FileFix, fixWorkflowText } from "./fix.ts";
import { unifiedDiff } from "./patch.ts";
import {
  DEFAULT_POLICY_PATH,
  defaultPolicy,
  exceptionFor,
  loadPolicy,
  type Policy,
  type PolicyException,
} from "./policy.ts";
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
  /** `path` itself when it is a file, its `.yml`/`.yaml` files when it is a folder, undefined when absent. */
  list(path: string): Promise<string[] | undefined>;
  read(path: string): Promise<string | undefined>;
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
  const files = await workflowFiles(inputs.paths, deps.files);
  const findings: Finding[] = [];
  const silenced: SilencedFinding[] = [];
  const fixes: FileFix[] = [];
  for (const path of files) {
    let text = (await deps.files.read(path)) ?? "";
    if (inputs.fix) {
      const fix = fixWorkflowText(path, text, policy);
      if (fix.after !== fix.before) {
        await deps.files.write(path, fix.after);
        fixes.push(fix);
        text = fix.after;
      }
    }
    for (const finding of checkFile(path, text, policy)) {
      const exception = exceptionFor(policy, finding);
      if (exception) silenced.push({ finding, exception });
      else findings.push(finding);
    }
  }
  findings.sort(compareFindings);
  const patch = fixes.map((fix) => unifiedDiff(fix.path, fix.before, fix.after)).join("");
  const failed = findings.some((finding) => reaches(finding.severity, inputs.failOn));
  return { files, findings, silenced, fixes, patch, policyPath, failed };
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
