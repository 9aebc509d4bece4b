import { Inputs } from "../core/inputs.ts";
import { readPermissionsInputs } from "../permissions/inputs.ts";
import type { PermissionsInputs } from "../permissions/run.ts";
import { readInputs } from "../zizmor/inputs.ts";
import type { ZizmorInputs } from "../zizmor/run.ts";

/**
 * harden's inputs, by the name each action reads them under. harden keeps its own names where the
 * two actions would clash (`permissions-fail-on` beside zizmor's `fail-on`); messages name them as
 * harden's inputs.
 */
const PERMISSIONS_INPUTS = {
  paths: "permissions-paths",
  policy: "permissions-policy",
  fix: "permissions-fix",
  "fail-on": "permissions-fail-on",
  "sarif-file": "permissions-sarif-file",
  "policy-from-base": "permissions-policy-from-base",
} as const;

const ZIZMOR_INPUTS = {
  inputs: "zizmor-inputs",
  config: "zizmor-config",
  version: "version",
  sha256: "sha256",
  "download-url": "download-url",
  "zizmor-path": "zizmor-path",
  "verify-attestation": "verify-attestation",
  "trusted-root": "trusted-root",
  persona: "persona",
  "min-severity": "min-severity",
  "min-confidence": "min-confidence",
  collect: "collect",
  "strict-collection": "strict-collection",
  "no-ignores": "no-ignores",
  "ignores-from-base": "ignores-from-base",
  "online-audits": "online-audits",
  token: "token",
  "cache-dir": "cache-dir",
  "fail-on": "fail-on",
  "new-findings-only": "new-findings-only",
  "baseline-file": "baseline-file",
  "annotation-levels": "annotation-levels",
  "check-run": "check-run",
  "check-name": "check-name",
  "sarif-file": "sarif-file",
} as const;

/**
 * Both actions' inputs, each read when its half runs: a mistake in one (an unknown persona) is
 * that half's failure, and the other half still runs and reports.
 */
export interface HardenInputs {
  permissions(): {
    inputs: PermissionsInputs;
    sarifFile: string | undefined;
    /** On pull requests, the policy file comes from the base revision. */
    policyFromBase: boolean;
  };
  zizmor(): ZizmorInputs;
}

/** Every input of harden, by its own name (the command's options). */
export const HARDEN_INPUTS: readonly string[] = [
  ...new Set([...Object.values(PERMISSIONS_INPUTS), ...Object.values(ZIZMOR_INPUTS)]),
];

/**
 * harden's inputs from the runner's `INPUT_*` variables, or from the command's options
 * (`Inputs.fromFlags`, messages then say `--permissions-fail-on`).
 */
export function readHardenInputs(
  env: NodeJS.ProcessEnv = process.env,
  label: (input: string) => string = (input) => `input '${input}'`,
): HardenInputs {
  const permissions = renamed(PERMISSIONS_INPUTS, env, label);
  const zizmor = renamed(ZIZMOR_INPUTS, env, label);
  return {
    permissions: () => ({
      inputs: readPermissionsInputs(permissions),
      sarifFile: permissions.optional("sarif-file"),
      policyFromBase: permissions.boolean("policy-from-base", true),
    }),
    zizmor: () => readInputs(zizmor),
  };
}

/** The action's inputs as another action reads them: its names, harden's values and labels. */
function renamed(
  names: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv,
  label: (input: string) => string,
): Inputs {
  const view: NodeJS.ProcessEnv = {};
  for (const [name, own] of Object.entries(names)) {
    view[Inputs.variableName(name)] = env[Inputs.variableName(own)];
  }
  return new Inputs(view, (name) => label(names[name] ?? name));
}
