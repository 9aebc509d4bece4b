import { minimatch } from "minimatch";
import type { Job, Step } from "../core/workflow.ts";
import { KNOWN_ACTIONS, type KnownAction } from "./known-actions.ts";
import { type Level, rank } from "./scopes.ts";

export type Grants = Record<string, Level>;

/** An entry of the policy's `actions:`: what an action the table does not know needs. */
export interface PolicyAction {
  /** A glob on `owner/repo[/path]` (or `./path`), without the `@ref`, case-insensitive. */
  uses: string;
  permissions: Grants;
  reason: string;
}

/** Signs of a step or job handing its GITHUB_TOKEN to code, or using it directly. */
const TOKEN_USE =
  /\b(github\.token|secrets\.GITHUB_TOKEN|GITHUB_TOKEN|GH_TOKEN)\b|(^|[\s;&|(`$])gh\s+[a-z]|\bgit\s+push\b|api\.github\.com|\bGITHUB_API_URL\b|\boctokit\b|\btoJSON\(\s*(secrets|github)\s*\)|\b(secrets|github)\s*\[\s*['"](GITHUB_TOKEN|token)['"]/i;
/** Signs of a `run:` step fetching an OIDC token itself. */
const OIDC_USE = /ACTIONS_ID_TOKEN_REQUEST|\bcosign\s+(sign|attest)\b/;

export interface Inference {
  grants: Grants;
  /** For each granted scope, the step that needs it (`step 'Release' (softprops/action-gh-release)`). */
  neededBy: Record<string, string>;
  /** Why the job's needs cannot be fully known; empty when they can. */
  review: string[];
  /** A step uses the job's OIDC token. */
  usesOidc: boolean;
  /** Some step runs code whose needs are not in the table (so it might use OIDC or any grant). */
  opaque: boolean;
  /** A step or the job's env can reach the token (so any grant may be used). */
  reachesToken: boolean;
  /**
   * Grants a step may use under configuration the workflow does not show (the train's dispatch
   * list lives in its config file): never reported as unused, never added by the fixer.
   */
  mayUse: Grants;
}

/** The least block a job needs, read from its steps; says what a reviewer must still check. */
export function inferJob(job: Job, extra: readonly PolicyAction[] = []): Inference {
  const inference: Inference = {
    grants: {},
    neededBy: {},
    review: [],
    usesOidc: false,
    opaque: false,
    reachesToken: false,
    mayUse: {},
  };
  if (job.env.some((entry) => TOKEN_USE.test(entry))) {
    inference.reachesToken = true;
    note(inference, "the job's env passes the token to its steps");
  }
  // actions/checkout keeps the token in .git/config unless told not to: any later command can
  // push with it (a release script), whatever its text shows.
  let persisted = false;
  for (const [index, step] of job.steps.entries()) {
    if (persisted && step.run !== undefined) widen(inference.mayUse, { contents: "write" });
    inferStep(step, index, inference, extra);
    persisted ||= keepsCredentials(step);
  }
  return inference;
}

function inferStep(
  step: Step,
  index: number,
  inference: Inference,
  extra: readonly PolicyAction[],
) {
  const label = stepLabel(step, index);
  const texts = [...step.env, ...Object.values(step.with)];
  if (step.run !== undefined) {
    if (OIDC_USE.test(step.run) || step.env.some((entry) => OIDC_USE.test(entry))) {
      inference.usesOidc = true;
    }
    if ([step.run, ...texts].some((text) => TOKEN_USE.test(text))) {
      inference.reachesToken = true;
      note(inference, `${label} uses the token`);
    }
    return;
  }
  if (step.uses === undefined) return;
  if (texts.some((text) => TOKEN_USE.test(text))) inference.reachesToken = true;
  const granted = knownGrants(step, extra);
  if (!granted) {
    const kind = step.uses.startsWith("./")
      ? "is a local action"
      : "is an action the inference table does not know";
    note(inference, `${step.uses} ${kind}`);
    inference.opaque = true;
    return;
  }
  if (granted.oidc) inference.usesOidc = true;
  if (granted.review) note(inference, `${step.uses}: ${granted.review}`);
  widen(inference.mayUse, granted.mayUse ?? {});
  for (const [scope, level] of Object.entries(granted.grants)) {
    const current = inference.grants[scope];
    if (current === undefined || rank(level) > rank(current)) {
      inference.grants[scope] = level;
      inference.neededBy[scope] = `${label}${granted.why ? ` (${granted.why})` : ""}`;
    }
  }
}

/** An actions/checkout step without `persist-credentials: false`. */
function keepsCredentials(step: Step): boolean {
  if (step.uses === undefined || actionName(step.uses) !== "actions/checkout") return false;
  return String(step.with["persist-credentials"] ?? "true").trim() !== "false";
}

/** A reason once, however many steps give it. */
function note(inference: Inference, reason: string): void {
  if (!inference.review.includes(reason)) inference.review.push(reason);
}

/** `step 'Checkout'`, or the action or command when the step has no name. */
export function stepLabel(step: Step, index: number): string {
  if (step.name) return `step '${step.name}'`;
  if (step.uses) return `step ${index + 1} (${step.uses.split("@")[0]})`;
  const command = (step.run ?? "").trim().split(/\r?\n/)[0] ?? "";
  return `step ${index + 1} ('${command.length > 40 ? `${command.slice(0, 40)}…` : command}')`;
}

interface StepGrants {
  grants: Grants;
  oidc: boolean;
  /** Where the grant comes from, when the step's label does not say (a policy entry's reason). */
  why?: string;
  review?: string;
  mayUse?: Grants;
}

/** What a `uses:` step needs: the policy's entries first (they override), then the table. */
function knownGrants(step: Step, extra: readonly PolicyAction[]): StepGrants | undefined {
  const name = actionName(step.uses ?? "");
  const entry = extra.find((candidate) =>
    minimatch(name, candidate.uses.toLowerCase(), { dot: true }),
  );
  if (entry) {
    return {
      grants: entry.permissions,
      oidc: entry.permissions["id-token"] === "write",
      why: `policy: ${entry.reason}`,
    };
  }
  const known = knownAction(step.uses ?? "");
  if (!known) return undefined;
  const grants = { ...known.grants };
  widen(grants, known.byInputs?.(step.with) ?? {});
  return {
    grants,
    oidc: known.oidc === true && grants["id-token"] === "write",
    review: known.review,
    mayUse: known.mayUse,
  };
}

/** `owner/repo[/path]` or `./path`, lower-cased, without the `@ref` or a trailing slash. */
export function actionName(uses: string): string {
  return (uses.split("@")[0] ?? "").toLowerCase().replace(/\/+$/, "");
}

/** The table by normalised name, built once. */
let byName: Map<string, KnownAction> | undefined;

export function knownAction(uses: string): KnownAction | undefined {
  byName ??= new Map(KNOWN_ACTIONS.map((entry) => [actionName(entry.action), entry]));
  return byName.get(actionName(uses));
}

/** Raises each scope in `into` to at least the level in `from`. */
export function widen(into: Grants, from: Grants): void {
  for (const [scope, level] of Object.entries(from)) {
    const current = into[scope];
    if (current === undefined || rank(level) > rank(current)) into[scope] = level;
  }
}
