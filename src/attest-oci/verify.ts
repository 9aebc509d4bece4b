import {
  checkAttestation,
  type ExpectedIdentity,
  type TrustMaterial,
  type VerificationCheck,
} from "../core/sigstore/index.ts";
import type { Descriptor } from "./oci.ts";
import type { RegistryClient } from "./registry.ts";
import {
  listAttestations,
  type ReferrerStorage,
  readReferrerBundle,
  UnusableReferrer,
} from "./store.ts";
import type { ResolvedSubject } from "./subjects.ts";

export interface VerifyInputs {
  identity: ExpectedIdentity;
  /** Only attestations of this predicate type count; any type when absent. */
  predicateType: string | undefined;
}

export interface VerifyFailure {
  referrer: string | undefined;
  check: VerificationCheck | "missing";
  message: string;
}

export interface SubjectVerification {
  reference: string;
  digest: string;
  kind: ResolvedSubject["kind"];
  storage: ReferrerStorage;
  verified: boolean;
  /** The referrer whose bundle verified. */
  referrer: string | undefined;
  signer: string | undefined;
  predicateType: string | undefined;
  failures: VerifyFailure[];
}

export interface VerifyReport {
  mode: "verify";
  results: SubjectVerification[];
  verified: boolean;
}

interface VerifyDeps {
  registry: RegistryClient;
  trust(): Promise<TrustMaterial>;
}

/**
 * Fetches each image's attestations from its registry and verifies them. An image passes when
 * one attestation passes every check; otherwise each attestation's first failed check is kept,
 * and an image with none at all fails as `missing`.
 */
export async function verifySubjects(
  subjects: ResolvedSubject[],
  inputs: VerifyInputs,
  deps: VerifyDeps,
): Promise<VerifyReport> {
  const trust = await deps.trust();
  const results = await Promise.all(subjects.map((s) => verifyOne(s, inputs, deps, trust)));
  return { mode: "verify", results, verified: results.every((r) => r.verified) };
}

async function verifyOne(
  subject: ResolvedSubject,
  inputs: VerifyInputs,
  deps: VerifyDeps,
  trust: TrustMaterial,
): Promise<SubjectVerification> {
  const listed = await listAttestations(
    deps.registry,
    subject.reference,
    subject.digest,
    inputs.predicateType,
  );
  const result: SubjectVerification = {
    reference: subject.reference.original,
    digest: subject.digest,
    kind: subject.kind,
    storage: listed.storage,
    verified: false,
    referrer: undefined,
    signer: undefined,
    predicateType: undefined,
    failures: [],
  };
  for (const referrer of listed.bundles) {
    const bundle = await readBundleOf(deps.registry, subject, referrer);
    if (bundle instanceof Error) {
      result.failures.push({ referrer: referrer.digest, check: "bundle", message: bundle.message });
      continue;
    }
    const expectation = {
      digest: subject.digest,
      identity: inputs.identity,
      ...(inputs.predicateType ? { predicateType: inputs.predicateType } : {}),
    };
    const checked = checkAttestation(bundle, expectation, trust);
    if (checked.ok) {
      result.verified = true;
      result.referrer = referrer.digest;
      result.signer = checked.attestation.signer.subjectAlternativeName;
      result.predicateType = checked.attestation.statement.predicateType;
      return result;
    }
    result.failures.push({
      referrer: referrer.digest,
      check: checked.check,
      message: checked.message,
    });
  }
  if (listed.bundles.length === 0) {
    const kind = inputs.predicateType ? `of type ${inputs.predicateType} ` : "";
    result.failures.push({
      referrer: undefined,
      check: "missing",
      message: `missing attestation: none ${kind}is stored with ${subject.digest} (looked in the ${listed.storage === "referrers-api" ? "referrers API" : "sha256-<digest> tag"})`,
    });
  }
  return result;
}

/**
 * A referrer that is missing, not JSON or holds no bundle is one unusable attestation among the
 * others (anyone who can push to the repository can add one), not a reason to abandon the
 * image's other bundles.
 */
async function readBundleOf(
  registry: RegistryClient,
  subject: ResolvedSubject,
  referrer: Descriptor,
): Promise<unknown> {
  try {
    return await readReferrerBundle(registry, subject.reference, referrer);
  } catch (thrown) {
    if (!(thrown instanceof UnusableReferrer)) throw thrown;
    return new Error(`bundle check failed: ${thrown.message}`);
  }
}
