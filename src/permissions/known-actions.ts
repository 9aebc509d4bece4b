import type { Grants } from "./infer.ts";

export interface KnownAction {
  /** `owner/repo`, `owner/repo/path` or `./path`, compared without the `@ref`, case-insensitively. */
  action: string;
  grants: Grants;
  /** The action authenticates with the job's OIDC token (so `id-token: write` is used). */
  oidc?: boolean;
  /** Grants decided by the step's `with:` inputs, added to `grants`. */
  byInputs?: (inputs: Record<string, string>) => Grants;
  /** What a reviewer must still check (a need that depends on more than the step shows). */
  review?: string;
  /** Grants it uses only under configuration the step does not show: never called unused. */
  mayUse?: Grants;
}

const isTrue = (value: string | undefined, fallback: boolean) =>
  value === undefined || value === "" ? fallback : /^true$/i.test(value.trim());
const isFalse = (value: string | undefined) => /^false$/i.test((value ?? "").trim());

/** attest-build-provenance v4 (and attest, attest-sbom) record the artifact's storage on push. */
const attestByInputs = (inputs: Record<string, string>): Grants =>
  isTrue(inputs["push-to-registry"], false) ? { "artifact-metadata": "write" } : {};

/** This suite's own actions, as their READMEs' Permissions sections document them. */
function suiteAction(path: string, entry: Omit<KnownAction, "action">): KnownAction[] {
  const remote = path === "" ? "wasmcloud/status-gate" : `wasmcloud/status-gate/${path}`;
  return [
    { action: remote, ...entry },
    { action: `./${path}`, ...entry },
  ];
}

/**
 * What well-known actions need from GITHUB_TOKEN. The README's inference table is this list; keep
 * them in step (a test checks). The policy file's `actions:` entries add to it and take precedence.
 * An action not listed makes a job's needs unknowable: the fixer marks the job for review.
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
  ...["actions/attest-build-provenance", "actions/attest", "actions/attest-sbom"].map(
    (action): KnownAction => ({
      action,
      grants: { "id-token": "write", attestations: "write" },
      oidc: true,
      byInputs: attestByInputs,
    }),
  ),
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
  // This suite (wasmcloud/status-gate/...@ref, or ./... in its own repository).
  ...suiteAction("", {
    grants: { contents: "read", "pull-requests": "read" },
    byInputs: (inputs): Grants =>
      ["plan", "needs"].includes((inputs.mode ?? "").trim())
        ? {}
        : {
            checks: inputs["verdict-check"]?.trim() ? "write" : "read",
            statuses: "read",
            actions: "read",
          },
  }),
  ...suiteAction("actions/permissions", { grants: { contents: "read" } }),
  ...suiteAction("actions/harden", { grants: { contents: "read" } }),
  ...suiteAction("actions/zizmor", {
    grants: { contents: "read" },
    byInputs: (inputs): Grants => ({
      ...(isTrue(inputs["check-run"], false) ? { checks: "write" } : {}),
      ...(/changed-lines/.test(inputs["new-findings-only"] ?? "")
        ? { "pull-requests": "read" }
        : {}),
    }),
  }),
  ...suiteAction("actions/attest-oci", {
    grants: {},
    oidc: true,
    byInputs: (inputs): Grants =>
      (inputs.mode ?? "").trim() === "verify"
        ? {}
        : {
            "id-token": "write",
            ...(isFalse(inputs["github-attestations"]) ? {} : { attestations: "write" }),
            ...(isFalse(inputs["push-to-registry"]) ? {} : { packages: "write" }),
          },
  }),
  ...suiteAction("actions/train-release", {
    // actions: read finds a re-run's first attempt; pull requests for release PRs.
    grants: { contents: "write", "pull-requests": "write", actions: "read" },
    mayUse: { actions: "write" },
    review: "it needs 'actions: write' too when the train configuration's dispatch lists workflows",
  }),
  ...suiteAction("actions/bench", {
    grants: { contents: "read" },
    byInputs: (inputs): Grants => ({
      // Commit comments on alerts (on by default) and git-branch storage push with the token.
      ...((inputs.storage ?? "").trim() === "git-branch" || !isFalse(inputs["comment-on-alert"])
        ? { contents: "write" }
        : {}),
      ...(isFalse(inputs.comment) ? {} : { "pull-requests": "write" }),
    }),
  }),
];
