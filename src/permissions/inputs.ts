import type { Inputs } from "../core/inputs.ts";
import { DEFAULT_POLICY_PATH } from "./policy.ts";
import { SEVERITIES, type Severity } from "./rules.ts";
import { DEFAULT_WORKFLOW_PATHS, type PermissionsInputs } from "./run.ts";

export const FAIL_ON: readonly (Severity | "never")[] = [...SEVERITIES, "never"];

/** The action's inputs, or the command's flags of the same names (messages then say `--fail-on`). */
export function readPermissionsInputs(read: Inputs): PermissionsInputs {
  return {
    paths: read.list("paths", DEFAULT_WORKFLOW_PATHS),
    policyPath: read.string("policy", DEFAULT_POLICY_PATH),
    fix: read.boolean("fix", false),
    failOn: read.enumeration("fail-on", FAIL_ON, "error"),
  };
}
