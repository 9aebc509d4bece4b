/**
 * Sigstore attestations: verifying a bundle about one artifact, loading trust, and GitHub's
 * attestations API.
 *
 * - `verifyAttestation(bundleJson, { digest, identity, predicateType? }, trust)` verifies one
 *   Sigstore bundle (JSON, v0.1 to v0.3) holding a DSSE-signed in-toto statement: the signature,
 *   the certificate chain against the trusted root, at least one timestamp (TSA or transparency
 *   log; every log entry present is checked), the certificate identity matched in full against the
 *   expected repository and optional workflow path and ref (escaped, never a substring), the OIDC
 *   issuer, the statement's subject digest and the predicate type. It returns the statement and the
 *   signer, or throws `AttestationVerificationError` whose `check` names the failed check
 *   (`VerificationCheck`) and whose message says what was found and what was expected.
 * - `checkAttestation(...)`: the same, as `{ ok: true, attestation }` or `{ ok: false, check,
 *   message }`.
 * - Trust is a list of trusted roots, each kept apart and classified (public-good, GitHub's
 *   instance, custom); a bundle is checked against the root its certificate chains to, with that
 *   instance's policy (public-good: SCT and Rekor inclusion proof; GitHub: signed timestamp;
 *   custom: an SCT when its root lists a CT log, a Rekor entry when it lists a log). `defaultTrust(cache?)` is what `gh` trusts
 *   (public-good's and GitHub's TUF repositories); `publicGoodTrustMaterial`,
 *   `githubTrustMaterial`; `trustMaterialFromFile(path)` / `trustFromRoots(jsonRoots)`: trust
 *   from `trusted_root.json` or the JSON lines of `gh attestation trusted-root`. Offline, the TUF
 *   loaders fail with a `ConfigurationError` that says to pass `--trusted-root`.
 * - `fetchGitHubAttestations(client, { owner, repo }, "sha256:<hex>", { predicateType? })`: the
 *   bundles GitHub holds for a subject digest (all pages). `writeGitHubAttestation(client, repo,
 *   bundle)` stores one and returns its id.
 * - `certificateIdentity(der)` reads a Fulcio certificate's identity (SAN, issuer, source
 *   repository, ref, digest, run); `matchesSubjectAlternativeName(san, expected)` is the identity
 *   rule on its own.
 * - Statements: `buildStatement`, `parseStatement`, `statementCovers`, `parseDigest`,
 *   `formatDigest`, and the type URIs `IN_TOTO_PAYLOAD_TYPE`, `SLSA_PROVENANCE_V1`.
 */

export {
  fetchGitHubAttestations,
  nextPageQuery,
  type Repository,
  type StoredAttestation,
  writeGitHubAttestation,
} from "./github-attestations.ts";
export {
  actionsIssuer,
  type CertificateIdentity,
  certificateIdentity,
  checkExpectedIdentity,
  type ExpectedIdentity,
  GITHUB_ACTIONS_ISSUER,
  identityMismatch,
  matchesSubjectAlternativeName,
  parseSignerWorkflow,
  refPattern,
  type SignerWorkflow,
  workflowPattern,
} from "./identity.ts";
export {
  type ArtifactDigest,
  buildStatement,
  formatDigest,
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_V1,
  type InTotoStatement,
  parseDigest,
  parseStatement,
  SLSA_PROVENANCE_V1,
  type StatementSubject,
  statementCovers,
} from "./statement.ts";
export {
  defaultTrust,
  GITHUB_TUF_MIRROR,
  githubTrustMaterial,
  instanceOf,
  parseJsonDocuments,
  parseTrustedRoots,
  publicGoodTrustMaterial,
  type SigstoreInstance,
  type SigstoreTrust,
  type SigstoreTrust as TrustMaterial,
  type TrustedRootEntry,
  trustFromRoots,
  trustMaterialFromFile,
  trustMaterialFromRoots,
} from "./trust.ts";
export {
  type AttestationCheckResult,
  type AttestationExpectation,
  AttestationVerificationError,
  checkAttestation,
  rootOf,
  type VerificationCheck,
  type VerifiedAttestation,
  verifyAttestation,
} from "./verify.ts";
