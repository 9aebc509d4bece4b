import type { Job, Step } from "../core/workflow.ts";
import { type Level, rank } from "./scopes.ts";

export type Grants = Record<string, Level>;

interface KnownAction {
  /** `owner/repo` or `owner/repo/path`, compared without the `@ref`, case-insensitively. */
  action: string;
  grants: Grants;
  /** The action authenticates with the job's OIDC token (so `id-token: write` is used). */
  oidc?: boolean;
  /** Extra grants decided by the step's `with:` inputs. */
  byInputs?: (inputs: Record<string, string>) => Grants;
}

/**
 * What well-known actions need from GITHUB_TOKEN. The README's inference table is this list;
 * keep them in step. An action not listed here makes a job's needs unknowable.
 */
export const KNOWN_ACTIONS: readonly KnownAction[] = [
  { action: "actions/checkout", grants: { contents: "read" } },
  { action: "actions/setup-node", grants: {} },
  { action: "actions/setup-go", grants: {} },
  { action: "actions/setup-python", grants: {} },
  { action: "actions/setup-java", grants: {} },
  { action: "actions/cache", grants: {} },
  { action: "actions/upload-artifact", grants: {} },
  { action: "actions/download-artifact", grants: {} },
  { action: "actions/upload-pages-artifact", grants: {} },
  { action: "actions/deploy-pages", grants: { pages: "write", "id-token": "write" }, oidc: true },
  {
    action: "actions/attest-build-provenance",
    grants: { "id-token": "write", attestations: "write" },
    oidc: true,
  },
  { action: "actions/attest", grants: { "id-token": "write", attestations: "write" }, oidc: true },
  {
    action: "actions/attest-sbom",
    grants: { "id-token": "write", attestations: "write" },
    oidc: true,
  },
  { action: "actions/labeler", grants: { contents: "read", "pull-requests": "write" } },
  { action: "actions/stale", grants: { issues: "write", "pull-requests": "write" } },
  { action: "actions/dependency-review-action", grants: { contents: "read" } },
  { action: "github/codeql-action/init", grants: { "security-events": "write", actions: "read" } },
  { action: "github/codeql-action/autobuild", grants: {} },
  {
    action: "github/codeql-action/analyze",
    grants: { "security-events": "write", actions: "read" },
  },
  { action: "github/codeql-action/upload-sarif", grants: { "security-events": "write" } },
  { action: "softprops/action-gh-release", grants: { contents: "write" } },
  { action: "ncipollo/release-action", grants: { contents: "write" } },
  {
    action: "peter-evans/create-pull-request",
    grants: { contents: "write", "pull-requests": "write" },
  },
  { action: "dorny/paths-filter", grants: { contents: "read", "pull-requests": "read" } },
  {
    action: "ossf/scorecard-action",
    grants: { "id-token": "write", contents: "read", actions: "read" },
    oidc: true,
  },
  { action: "aws-actions/configure-aws-credentials", grants: { "id-token": "write" }, oidc: true },
  { action: "google-github-actions/auth", grants: { "id-token": "write" }, oidc: true },
  { action: "azure/login", grants: { "id-token": "write" }, oidc: true },
  { action: "sigstore/cosign-installer", grants: {} },
  { action: "docker/setup-buildx-action", grants: {} },
  { action: "docker/setup-qemu-action", grants: {} },
  { action: "docker/metadata-action", grants: {} },
  { action: "docker/build-push-action", grants: {} },
  {
    action: "docker/login-action",
    grants: {},
    byInputs: (inputs): Grants =>
      /ghcr\.io/i.test(inputs.registry ?? "") ? { packages: "write" } : {},
  },
  { action: "dtolnay/rust-toolchain", grants: {} },
  { action: "swatinem/rust-cache", grants: {} },
  { action: "taiki-e/install-action", grants: {} },
  { action: "embarkstudios/cargo-deny-action", grants: {} },
  { action: "rhysd/actionlint", grants: {} },
  { action: "zizmorcore/zizmor-action", grants: { "security-events": "write", actions: "read" } },
];

/** Signs of a job handing its GITHUB_TOKEN to code we cannot read. */
const TOKEN_USE = /\b(github\.token|secrets\.GITHUB_TOKEN|GITHUB_TOKEN|GH_TOKEN)\b/;
/** Signs of a `run:` step fetching an OIDC token itself. */
const OIDC_USE = /ACTIONS_ID_TOKEN_REQUEST|\bcosign\s+(sign|attest)\b/;

export interface Inference {
  grants: Grants;
  /** Why the job's needs cannot be fully known; empty when they can. */
  review: string[];
  /** A step uses the job's OIDC token. */
  usesOidc: boolean;
  /** Some step runs code whose needs are not in the table (so it might use OIDC too). */
  opaque: boolean;
}

/** The least block a job needs, read from its steps; says what a reviewer must still check. */
export function inferJob(job: Job): Inference {
  const inference: Inference = { grants: {}, review: [], usesOidc: false, opaque: false };
  if (job.calls !== undefined) {
    inference.grants.contents = "read";
    inference.review.push(`it calls the reusable workflow ${job.calls}, whose needs are not read`);
    inference.opaque = true;
    return inference;
  }
  if (job.env.some((entry) => TOKEN_USE.test(entry))) {
    inference.review.push("the job's env passes the token to its steps");
  }
  for (const step of job.steps) inferStep(step, inference);
  return inference;
}

function inferStep(step: Step, inference: Inference): void {
  if (step.run !== undefined) {
    if (OIDC_USE.test(step.run) || step.env.some((entry) => OIDC_USE.test(entry))) {
      inference.usesOidc = true;
    }
    const tokenInStep = [step.run, ...step.env].some((text) => TOKEN_USE.test(text));
    if (tokenInStep) inference.review.push("a run step uses the token");
    return;
  }
  if (step.uses === undefined) return;
  const known = knownAction(step.uses);
  if (!known) {
    const kind = step.uses.startsWith("./") ? "local action" : "action not in the table";
    inference.review.push(`${step.uses} is a ${kind}`);
    inference.opaque = true;
    return;
  }
  if (known.oidc) inference.usesOidc = true;
  widen(inference.grants, known.grants);
  if (known.byInputs) widen(inference.grants, known.byInputs(step.with));
}

export function knownAction(uses: string): KnownAction | undefined {
  const name = (uses.split("@")[0] ?? "").toLowerCase().replace(/\/+$/, "");
  return KNOWN_ACTIONS.find((entry) => entry.action.toLowerCase() === name);
}

/** Raises each scope in `into` to at least the level in `from`. */
export function widen(into: Grants, from: Grants): void {
  for (const [scope, level] of Object.entries(from)) {
    const current = into[scope];
    if (current === undefined || rank(level) > rank(current)) into[scope] = level;
  }
}
