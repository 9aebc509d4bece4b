import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  type Bundle,
  bundleFromJSON,
} from "@sigstore/bundle";
import { X509Certificate } from "@sigstore/core";
import { toSignedEntity, Verifier } from "@sigstore/verify";
import { describeThrown } from "../errors.ts";
import { showControls } from "../text.ts";
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
import type { SigstoreInstance, SigstoreTrust, TrustedRootEntry } from "./trust.ts";

/** The checks of a verification, in the order they run; a failure names the one that failed. */
export type VerificationCheck =
  | "bundle"
  | "trusted-root"
  | "signature"
  | "certificate-chain"
  | "certificate-transparency"
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
    // Messages quote bundle fields anyone can write; shown, never sent to a terminal as controls.
    super(`${check} check failed: ${showControls(message)}`);
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
  /** The Sigstore instance whose root the certificate chains to, and so the policy applied. */
  instance: SigstoreInstance;
}

/**
 * The bundle versions `gh attestation verify` accepts: v0.2 and later. A v0.1 bundle carries a
 * Rekor inclusion promise but no proof, which public-good's policy requires.
 */
const BUNDLE_MEDIA_TYPES = new Set([
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
]);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Refuses bundle shapes this verifier cannot check, each with what it found and what is needed. */
function checkShape(json: unknown): void {
  const refuse = (why: string) => new AttestationVerificationError("bundle", why);
  if (!isObject(json)) throw refuse("the bundle is not a JSON object");
  const { mediaType } = json;
  if (mediaType === BUNDLE_V01_MEDIA_TYPE) {
    throw refuse(
      "bundle v0.1 is not supported (as gh attestation verify: it has no Rekor inclusion proof); sign again for a v0.2 or later bundle",
    );
  }
  if (typeof mediaType !== "string" || !BUNDLE_MEDIA_TYPES.has(mediaType)) {
    throw refuse(
      `media type ${JSON.stringify(mediaType) ?? "absent"} is not a Sigstore bundle v0.2 or v0.3`,
    );
  }
  const material = json.verificationMaterial;
  if (!isObject(material)) throw refuse("the bundle has no verificationMaterial");
  if (isObject(material.publicKey)) {
    throw refuse(
      "the bundle is signed with a public key, not a Fulcio certificate, so it names no workflow identity",
    );
  }
  if (!isObject(material.certificate) && !isObject(material.x509CertificateChain)) {
    throw refuse("verificationMaterial holds no signing certificate");
  }
  if (isObject(json.messageSignature)) {
    throw refuse(
      "the bundle holds a message signature (a signed file digest), not a DSSE envelope with an in-toto statement; it is a signature, not an attestation",
    );
  }
  if (!isObject(json.dsseEnvelope)) throw refuse("the bundle has no dsseEnvelope");
  const entries = Array.isArray(material.tlogEntries) ? material.tlogEntries : [];
  if (entries.some((entry) => isObject(entry) && !isObject(entry.inclusionProof))) {
    throw new AttestationVerificationError(
      "transparency-log",
      "a Rekor entry has no inclusion proof, which bundles v0.2 and later must carry",
    );
  }
}

function readBundle(json: unknown): Bundle {
  checkShape(json);
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

/** Whether a certificate was issued by one of a root's certificate authorities (its key signed it). */
function issuedBy(leaf: X509Certificate, root: TrustedRootEntry): boolean {
  return root.material.certificateAuthorities.some((ca) =>
    ca.certChain.some((issuer) => leaf.issuer.equals(issuer.subject) && safeVerify(leaf, issuer)),
  );
}

function safeVerify(leaf: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return leaf.verify(issuer);
  } catch {
    return false;
  }
}

/** The trusted root the signing certificate chains to; its instance decides the policy. */
export function rootOf(certificate: Buffer, trust: SigstoreTrust): TrustedRootEntry {
  let root: TrustedRootEntry | undefined;
  try {
    // Parsed lazily: a field read while looking for the issuer can fail as well as the parse.
    const leaf = X509Certificate.parse(Buffer.from(certificate));
    root = trust.roots.find((candidate) => issuedBy(leaf, candidate));
  } catch (thrown) {
    // Anyone who can push a referrer can write these bytes: a refusal, never a crash.
    throw new AttestationVerificationError(
      "certificate-chain",
      `the signing certificate is not a DER X.509 certificate (${describeThrown(thrown)})`,
    );
  }
  if (root) return root;
  const known = trust.roots.map((r) => `${r.source} (${r.instance})`).join(", ");
  throw new AttestationVerificationError(
    "certificate-chain",
    `the signing certificate was not issued by a certificate authority of any trusted root (${known}); for GitHub's or another instance, pass its trusted root (gh attestation trusted-root)`,
  );
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

/** What each instance requires of a bundle, as `gh attestation verify` requires it. */
function policyChecks(bundle: Bundle, root: TrustedRootEntry): void {
  const { tlogEntries, timestampVerificationData } = bundle.verificationMaterial;
  const signedTimestamps = timestampVerificationData?.rfc3161Timestamps.length ?? 0;
  if (root.instance === "github" && signedTimestamps === 0) {
    throw new AttestationVerificationError(
      "timestamp",
      "GitHub's Sigstore instance requires a signed timestamp from its timestamp authority, and the bundle has none",
    );
  }
  const logged = root.instance === "public-good" || root.material.tlogs.length > 0;
  if (logged && root.instance !== "github" && tlogEntries.length === 0) {
    throw new AttestationVerificationError(
      "transparency-log",
      `${root.instance === "public-good" ? "public-good Sigstore" : `the instance of ${root.source}`} requires a Rekor transparency log entry, and the bundle has none`,
    );
  }
  if (root.instance === "public-good" && !tlogEntries.some((entry) => entry.inclusionProof)) {
    throw new AttestationVerificationError(
      "transparency-log",
      "public-good Sigstore requires a Rekor inclusion proof, and the bundle's log entry has none",
    );
  }
}

/**
 * Signature, certificate chain and timestamps against the one root the certificate chains to,
 * with that instance's policy: public-good needs an SCT, a Rekor entry with an inclusion proof
 * and a timestamp; GitHub's a signed timestamp (no SCT: its Fulcio issues none); a custom
 * instance an SCT when its root lists a CT log, a Rekor entry when it lists a log, and a
 * timestamp. Every log entry and
 * timestamp present is checked.
 */
function verifyCryptography(bundle: Bundle, root: TrustedRootEntry): void {
  policyChecks(bundle, root);
  const verifier = new Verifier(root.material, {
    tlogThreshold: root.instance === "github" ? 0 : root.material.tlogs.length > 0 ? 1 : 0,
    // Public-good's Fulcio logs every certificate; a custom instance whose root lists a CT log
    // does too. GitHub's issues no SCTs.
    ctlogThreshold:
      root.instance === "public-good" ||
      (root.instance === "custom" && root.material.ctlogs.length > 0)
        ? 1
        : 0,
    timestampThreshold: 1,
  });
  try {
    verifier.verify(toSignedEntity(bundle));
  } catch (thrown) {
    const code = (thrown as { code?: unknown }).code;
    const message = describeThrown(thrown);
    const check = /SCT/.test(message)
      ? "certificate-transparency"
      : typeof code === "string"
        ? CHECK_OF_CODE[code]
        : undefined;
    throw new AttestationVerificationError(check ?? "bundle", message);
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
  trust: SigstoreTrust,
): VerifiedAttestation {
  const bundle = readBundle(bundleJson);
  const certificate = signingCertificate(bundle);
  const root = rootOf(certificate, trust);
  verifyCryptography(bundle, root);
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
  return { statement, signer, mediaType: bundle.mediaType, instance: root.instance };
}

export type AttestationCheckResult =
  | { ok: true; attestation: VerifiedAttestation }
  | { ok: false; check: VerificationCheck; message: string };

/** `verifyAttestation` as a result value; anything other than a failed check is rethrown. */
export function checkAttestation(
  bundleJson: unknown,
  expectation: AttestationExpectation,
  trust: SigstoreTrust,
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
