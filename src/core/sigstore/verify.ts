import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  type Bundle,
  bundleFromJSON,
} from "@sigstore/bundle";
import { type TrustMaterial, toSignedEntity, Verifier } from "@sigstore/verify";
import { describeThrown } from "../errors.ts";
import {
  type CertificateIdentity,
  certificateIdentity,
  type ExpectedIdentity,
  identityMismatch,
} from "./identity.ts";
import {
  type ArtifactDigest,
  formatDigest,
  IN_TOTO_PAYLOAD_TYPE,
  type InTotoStatement,
  parseDigest,
  parseStatement,
  statementCovers,
} from "./statement.ts";

/** The checks of a verification, in the order they run; a failure names the one that failed. */
export type VerificationCheck =
  | "bundle"
  | "signature"
  | "certificate-chain"
  | "timestamp"
  | "transparency-log"
  | "identity"
  | "issuer"
  | "statement"
  | "subject-digest"
  | "predicate-type";

export class AttestationVerificationError extends Error {
  override readonly name = "AttestationVerificationError";
  readonly check: VerificationCheck;

  constructor(check: VerificationCheck, message: string) {
    super(`${check} check failed: ${message}`);
    this.check = check;
  }
}

export interface AttestationExpectation {
  /** The artifact the statement must be about, `sha256:<hex>`. */
  digest: string | ArtifactDigest;
  identity: ExpectedIdentity;
  /** The statement's predicate type must equal this when given. */
  predicateType?: string;
}

export interface VerifiedAttestation {
  statement: InTotoStatement;
  signer: CertificateIdentity;
  mediaType: string;
}

const BUNDLE_MEDIA_TYPES = new Set([
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
]);

function readBundle(json: unknown): Bundle {
  const mediaType = (json as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== "string" || !BUNDLE_MEDIA_TYPES.has(mediaType)) {
    throw new AttestationVerificationError(
      "bundle",
      `media type '${String(mediaType)}' is not a Sigstore bundle v0.1 to v0.3`,
    );
  }
  try {
    return bundleFromJSON(json);
  } catch (thrown) {
    throw new AttestationVerificationError("bundle", describeThrown(thrown));
  }
}

function signingCertificate(bundle: Bundle): Buffer {
  const content = bundle.verificationMaterial.content;
  if (content.$case === "certificate") return content.certificate.rawBytes;
  if (content.$case === "x509CertificateChain") {
    const leaf = content.x509CertificateChain.certificates[0];
    if (leaf) return leaf.rawBytes;
  }
  throw new AttestationVerificationError("bundle", "the bundle holds no signing certificate");
}

const CHECK_OF_CODE: Record<string, VerificationCheck> = {
  SIGNATURE_ERROR: "signature",
  CERTIFICATE_ERROR: "certificate-chain",
  PUBLIC_KEY_ERROR: "certificate-chain",
  TIMESTAMP_ERROR: "timestamp",
  TLOG_ERROR: "transparency-log",
  TLOG_INCLUSION_PROOF_ERROR: "transparency-log",
  TLOG_INCLUSION_PROMISE_ERROR: "transparency-log",
  TLOG_MISSING_INCLUSION_ERROR: "transparency-log",
  TLOG_BODY_ERROR: "transparency-log",
};

/**
 * Signature, certificate chain and timestamps. At least one timestamp is required, from a TSA or
 * a transparency log entry (GitHub's instance uses a TSA, public-good Sigstore Rekor); every log
 * entry present is checked, and an SCT is required when the trusted root has CT logs.
 */
function verifyCryptography(bundle: Bundle, trust: TrustMaterial): void {
  const verifier = new Verifier(trust, {
    tlogThreshold: 0,
    ctlogThreshold: trust.ctlogs.length > 0 ? 1 : 0,
    timestampThreshold: 1,
  });
  try {
    verifier.verify(toSignedEntity(bundle));
  } catch (thrown) {
    const code = (thrown as { code?: unknown }).code;
    const check = typeof code === "string" ? CHECK_OF_CODE[code] : undefined;
    throw new AttestationVerificationError(check ?? "bundle", describeThrown(thrown));
  }
}

function readStatement(bundle: Bundle): InTotoStatement {
  if (bundle.content.$case !== "dsseEnvelope") {
    throw new AttestationVerificationError("statement", "the bundle signs no DSSE envelope");
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw new AttestationVerificationError(
      "statement",
      `payload type is '${envelope.payloadType}', expected '${IN_TOTO_PAYLOAD_TYPE}'`,
    );
  }
  const statement = parseStatement(envelope.payload);
  if (typeof statement === "string") throw new AttestationVerificationError("statement", statement);
  return statement;
}

function expectedDigest(digest: string | ArtifactDigest): ArtifactDigest {
  if (typeof digest !== "string") return digest;
  const parsed = parseDigest(digest);
  if (!parsed) throw new AttestationVerificationError("subject-digest", `'${digest}' is no digest`);
  return parsed;
}

/**
 * Verifies one Sigstore bundle (its JSON form) as an attestation about one artifact. Throws an
 * `AttestationVerificationError` naming the first check that failed.
 */
export function verifyAttestation(
  bundleJson: unknown,
  expectation: AttestationExpectation,
  trust: TrustMaterial,
): VerifiedAttestation {
  const bundle = readBundle(bundleJson);
  const certificate = signingCertificate(bundle);
  verifyCryptography(bundle, trust);
  const signer = certificateIdentity(certificate);
  const mismatch = identityMismatch(signer, expectation.identity);
  if (mismatch) throw new AttestationVerificationError(mismatch.check, mismatch.message);
  const statement = readStatement(bundle);
  const digest = expectedDigest(expectation.digest);
  if (!statementCovers(statement, digest)) {
    const listed = statement.subject.map((s) => Object.entries(s.digest)[0]?.join(":")).join(", ");
    throw new AttestationVerificationError(
      "subject-digest",
      `the statement is about ${listed}, not ${formatDigest(digest)}`,
    );
  }
  if (expectation.predicateType && statement.predicateType !== expectation.predicateType) {
    throw new AttestationVerificationError(
      "predicate-type",
      `predicate type is '${statement.predicateType}', expected '${expectation.predicateType}'`,
    );
  }
  return { statement, signer, mediaType: bundle.mediaType };
}

export type AttestationCheckResult =
  | { ok: true; attestation: VerifiedAttestation }
  | { ok: false; check: VerificationCheck; message: string };

/** `verifyAttestation` as a result value; anything other than a failed check is rethrown. */
export function checkAttestation(
  bundleJson: unknown,
  expectation: AttestationExpectation,
  trust: TrustMaterial,
): AttestationCheckResult {
  try {
    return { ok: true, attestation: verifyAttestation(bundleJson, expectation, trust) };
  } catch (thrown) {
    if (thrown instanceof AttestationVerificationError) {
      return { ok: false, check: thrown.check, message: thrown.message };
    }
    throw thrown;
  }
}
