import { readFile } from "node:fs/promises";
import { ConfigurationError, describeThrown } from "../core/errors.ts";
import type { GitHubClient } from "../core/github.ts";
import {
  checkAttestation,
  type ExpectedIdentity,
  fetchGitHubAttestations,
  parseJsonDocuments,
  type SigstoreTrust,
  type VerificationCheck,
} from "../core/sigstore/index.ts";
import { mapConcurrently } from "../core/text.ts";
import type { FileSubject } from "./files.ts";
import type { Descriptor } from "./oci.ts";
import { isContentDigest, type RegistryClient, UntrustedAnswer } from "./registry.ts";
import {
  type ListedReferrers,
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
  /**
   * Bundle files to check file and digest subjects against (`--bundle`); without them a file's
   * own `<file>.sigstore.json`, then GitHub's attestation store of the expected repository.
   */
  bundlePaths: string[];
  /** Local files to verify (`--file`), hashed with `digestAlgorithm`. */
  files: string[];
  /** Artifact digests to verify against `bundlePaths` (`--digest sha256:…`). */
  digests: string[];
  /** How files are hashed: the algorithm their statements use (sha256 unless told). */
  digestAlgorithm: "sha256" | "sha512";
}

export interface VerifyFailure {
  referrer: string | undefined;
  check: VerificationCheck | "missing";
  message: string;
}

export interface SubjectVerification {
  reference: string;
  digest: string;
  kind: ResolvedSubject["kind"] | "file";
  /** Where the bundles came from: the registry's referrers, bundle files, or GitHub's store. */
  storage: ReferrerStorage | "bundle-file" | "github";
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
  trust(): Promise<SigstoreTrust>;
  github: GitHubClient | undefined;
}

/**
 * Fetches each image's attestations from its registry and verifies them. An image passes when
 * one attestation passes every check; otherwise each attestation's first failed check is kept,
 * and an image with none at all fails as `missing`.
 */
export async function verifySubjects(
  subjects: ResolvedSubject[],
  files: FileSubject[],
  inputs: VerifyInputs,
  deps: VerifyDeps,
): Promise<VerifyReport> {
  const trust = await deps.trust();
  const results = await Promise.all([
    ...subjects.map((s) => verifyOne(s, inputs, deps, trust)),
    ...files.map((f) => verifyFile(f, inputs, deps, trust)),
  ]);
  return { mode: "verify", results, verified: results.every((r) => r.verified) };
}

/** Reads a bundle file: one JSON bundle, or JSON lines (as `gh attestation download` writes). */
export async function readBundleFile(path: string): Promise<unknown[]> {
  const text = await readFile(path, "utf8").catch(() => {
    throw new ConfigurationError(`cannot read the bundle file '${path}'`);
  });
  return parseJsonDocuments(text, path, "a Sigstore bundle");
}

/** A file (or a bare digest) checked against bundle files, its own bundle, or GitHub's store. */
async function verifyFile(
  file: FileSubject,
  inputs: VerifyInputs,
  deps: VerifyDeps,
  trust: SigstoreTrust,
): Promise<SubjectVerification> {
  const own = file.path ? `${file.path}.sigstore.json` : undefined;
  const paths = inputs.bundlePaths.length > 0 ? inputs.bundlePaths : own ? [own] : [];
  const candidates: { source: string; bundle: unknown; problem?: string }[] = [];
  let storage: SubjectVerification["storage"] = "bundle-file";
  for (const path of paths) {
    const exists = await readFile(path).then(
      () => true,
      () => false,
    );
    if (!exists && path === own && inputs.bundlePaths.length === 0) continue;
    for (const [index, bundle] of (await readBundleFile(path)).entries()) {
      candidates.push({ source: `${path}${index > 0 ? `:${index + 1}` : ""}`, bundle });
    }
  }
  if (candidates.length === 0 && deps.github) {
    storage = "github";
    const [owner = "", repo = ""] = inputs.identity.repository.split("/");
    const stored = await fetchGitHubAttestations(deps.github, { owner, repo }, file.digest, {
      ...(inputs.predicateType ? { predicateType: inputs.predicateType } : {}),
    });
    stored.forEach((s, index) => {
      const source = `GitHub attestation ${index + 1}`;
      candidates.push({ source, bundle: s.bundle, ...(s.problem ? { problem: s.problem } : {}) });
    });
  }
  const result: SubjectVerification = {
    reference: file.path ?? file.name,
    digest: file.digest,
    kind: "file",
    storage,
    verified: false,
    referrer: undefined,
    signer: undefined,
    predicateType: undefined,
    failures: [],
  };
  for (const { source, bundle, problem } of candidates) {
    const checked = problem
      ? ({ ok: false, check: "bundle", message: `bundle check failed: ${problem}` } as const)
      : checkAttestation(bundle, expectationFor(file.digest, inputs), trust);
    if (checked.ok) {
      return {
        ...result,
        verified: true,
        referrer: source,
        signer: checked.attestation.signer.subjectAlternativeName,
        predicateType: checked.attestation.statement.predicateType,
      };
    }
    result.failures.push({ referrer: source, check: checked.check, message: checked.message });
  }
  if (candidates.length === 0) {
    result.failures.push({
      referrer: undefined,
      check: "missing",
      message: `missing attestation: no bundle for ${file.digest} (looked for ${own ?? "a --bundle file"}${deps.github ? ` and in GitHub's attestation store of ${inputs.identity.repository}` : "; set GITHUB_TOKEN to look in GitHub's attestation store"})`,
    });
  }
  return result;
}

function expectationFor(digest: string, inputs: VerifyInputs) {
  return {
    digest,
    identity: inputs.identity,
    ...(inputs.predicateType ? { predicateType: inputs.predicateType } : {}),
  };
}

/** Referrers of one image checked at once: enough to hide latency, few enough for rate limits. */
const REFERRER_CONCURRENCY = 6;

async function verifyOne(
  subject: ResolvedSubject,
  inputs: VerifyInputs,
  deps: VerifyDeps,
  trust: SigstoreTrust,
): Promise<SubjectVerification> {
  const result: SubjectVerification = {
    reference: subject.reference.original,
    digest: subject.digest,
    kind: subject.kind,
    storage: "referrers-api",
    verified: false,
    referrer: undefined,
    signer: undefined,
    predicateType: undefined,
    failures: [],
  };
  let listed: ListedReferrers;
  try {
    listed = await listAttestations(
      deps.registry,
      subject.reference,
      subject.digest,
      inputs.predicateType,
    );
  } catch (thrown) {
    if (!(thrown instanceof UntrustedAnswer)) throw thrown;
    result.storage = "tag-fallback";
    result.failures.push({
      referrer: undefined,
      check: "bundle",
      message: `bundle check failed: ${thrown.message}`,
    });
    return result;
  }
  result.storage = listed.storage;
  // In list order, several at once; once one verifies, the ones after it are not fetched. A read
  // that fails (the registry, not the bundle) is kept: it fails the subject only when none verifies.
  let verifiedAt: number | undefined;
  let unreadable: unknown;
  const verdicts = await mapConcurrently(
    listed.bundles,
    REFERRER_CONCURRENCY,
    async (referrer, index) => {
      if (verifiedAt !== undefined && verifiedAt < index) return undefined;
      const bundle = await readBundleOf(deps.registry, subject, referrer).catch(
        (thrown: unknown) => {
          unreadable ??= thrown;
          return new Error(`bundle check failed: ${describeThrown(thrown)}`);
        },
      );
      const checked =
        bundle instanceof Error
          ? ({ ok: false, check: "bundle", message: bundle.message } as const)
          : checkAttestation(bundle, expectationFor(subject.digest, inputs), trust);
      if (checked.ok && (verifiedAt === undefined || index < verifiedAt)) verifiedAt = index;
      // A digest is the registry's text: shown escaped unless it is one (no terminal controls).
      const name = isContentDigest(referrer.digest)
        ? referrer.digest
        : JSON.stringify(referrer.digest);
      return { referrer: name, checked };
    },
  );
  const passed = verifiedAt === undefined ? undefined : verdicts[verifiedAt];
  if (passed?.checked.ok) {
    result.verified = true;
    result.referrer = passed.referrer;
    result.signer = passed.checked.attestation.signer.subjectAlternativeName;
    result.predicateType = passed.checked.attestation.statement.predicateType;
    return result;
  }
  if (unreadable !== undefined) throw unreadable;
  for (const verdict of verdicts) {
    if (verdict && !verdict.checked.ok) {
      const { check, message } = verdict.checked;
      result.failures.push({ referrer: verdict.referrer, check, message });
    }
  }
  if (listed.incomplete) {
    result.failures.push({
      referrer: undefined,
      check: "bundle",
      message: `bundle check failed: ${listed.incomplete}`,
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
