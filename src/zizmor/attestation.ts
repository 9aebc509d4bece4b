import type { GitHubClient } from "../core/github.ts";
import {
  checkAttestation,
  type ExpectedIdentity,
  fetchGitHubAttestations,
  publicGoodTrustMaterial,
  SLSA_PROVENANCE_V1,
  trustMaterialFromFile,
} from "../core/sigstore/index.ts";
import { VerificationError } from "./install.ts";

/** Where zizmor's release archives are built and attested (actions/attest-build-provenance). */
export const ZIZMOR_REPOSITORY = { owner: "zizmorcore", repo: "zizmor" } as const;
export const ZIZMOR_RELEASE_WORKFLOW = ".github/workflows/release-binaries.yml";

/** The signer a genuine zizmor archive has: zizmor's release workflow at the version's tag. */
export function zizmorIdentity(version: string): ExpectedIdentity {
  return {
    repository: `${ZIZMOR_REPOSITORY.owner}/${ZIZMOR_REPOSITORY.repo}`,
    workflow: ZIZMOR_RELEASE_WORKFLOW,
    ref: `refs/tags/v${version}`,
  };
}

/**
 * Checks zizmor's own attestation for an archive: fetched from GitHub's attestations API by the
 * archive's digest, then verified with the shared Sigstore verifier (signature, certificate chain,
 * timestamp, signer identity, subject digest). One bundle that verifies is enough; when none
 * does, every bundle's failed check is named.
 */
export function attestationVerifier(options: {
  client: () => GitHubClient;
  /** A trusted_root.json; public-good Sigstore's root (through TUF) when absent. */
  trustedRoot: string | undefined;
}): (digest: string, version: string) => Promise<string> {
  return async (digest, version) => {
    const subject = `sha256:${digest}`;
    let stored: Awaited<ReturnType<typeof fetchGitHubAttestations>>;
    try {
      stored = await fetchGitHubAttestations(options.client(), ZIZMOR_REPOSITORY, subject, {
        predicateType: SLSA_PROVENANCE_V1,
      });
    } catch (thrown) {
      if ((thrown as { status?: number }).status !== 404) throw thrown;
      stored = [];
    }
    if (stored.length === 0) {
      throw new VerificationError(
        `zizmorcore/zizmor has no attestation for ${subject}; this is not a zizmor release archive`,
      );
    }
    const trust = options.trustedRoot
      ? await trustMaterialFromFile(options.trustedRoot)
      : await publicGoodTrustMaterial();
    const expected = { digest: subject, identity: zizmorIdentity(version) };
    const failures: string[] = [];
    for (const attestation of stored) {
      const result = checkAttestation(attestation.bundle, expected, trust);
      if (result.ok) {
        return `attested by ${result.attestation.signer.subjectAlternativeName}`;
      }
      failures.push(result.message);
    }
    throw new VerificationError(
      `no attestation of ${subject} verifies as zizmor ${version}'s release: ${failures.join("; ")}`,
    );
  };
}
