import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  buildStatement,
  checkAttestation,
  type ExpectedIdentity,
  fetchGitHubAttestations,
  GITHUB_ACTIONS_ISSUER,
  type SigstoreTrust,
  writeGitHubAttestation,
} from "../core/sigstore/index.ts";
import { mapConcurrently } from "../core/text.ts";
import { type FileSubject, writeReplacing } from "./files.ts";
import { choosePredicate, type RunClaims, runClaims, tokenClaims } from "./provenance.ts";
import { subjectName } from "./reference.ts";
import { UntrustedAnswer } from "./registry.ts";
import type { AttestDeps, AttestInputs, AttestReport, SubjectResult } from "./run.ts";
import { signingEndpoints, signStatement } from "./sign.ts";
import {
  listAttestations,
  pushReferrer,
  type ReferrerStorage,
  readReferrerBundle,
  referrersForStatement,
  UnusableReferrer,
} from "./store.ts";
import type { ResolvedSubject } from "./subjects.ts";

/** Registry requests in flight at once: enough to hide latency, few enough for rate limits. */
export const REGISTRY_CONCURRENCY = 6;

/** Statement bytes and their digest; equal inputs give equal bytes, so a re-run finds its own. */
function encodeStatement(statement: unknown): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(JSON.stringify(statement));
  return { bytes, digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
}

interface PreparedStatement {
  idToken: string;
  claims: RunClaims;
  endpoints: ReturnType<typeof signingEndpoints>;
  predicateType: string;
  bytes: Buffer;
  digest: string;
}

/** One statement about every subject (images and files), from the job's token claims. */
async function prepareStatement(
  images: ResolvedSubject[],
  files: FileSubject[],
  inputs: AttestInputs,
  deps: AttestDeps,
): Promise<PreparedStatement> {
  const idToken = await deps.idToken("sigstore");
  const claims = runClaims(tokenClaims(idToken));
  const endpoints = signingEndpoints({
    ...inputs.endpoints,
    // Events without a repository in their payload still have the token's claim.
    visibility: deps.context.visibility ?? claims.repository_visibility,
    serverUrl: deps.context.serverUrl,
  });
  const { predicateType, predicate } = await choosePredicate(
    inputs,
    claims,
    deps.context.serverUrl,
    inputs.label,
  );
  const subjects = [
    ...images.map((image) => ({ name: subjectName(image.reference), digest: image.digest })),
    ...files,
  ].map(({ name, digest }) => ({ name, digest: { sha256: digest.replace(/^sha256:/, "") } }));
  const encoded = encodeStatement(buildStatement(subjects, predicateType, predicate));
  return { idToken, claims, endpoints, predicateType, ...encoded };
}

/** Who this run is: a bundle another signer made cannot pass for this run's, whatever it says. */
function runIdentity(claims: RunClaims, serverUrl: string): ExpectedIdentity {
  const issuer = (claims as unknown as { iss?: string }).iss ?? GITHUB_ACTIONS_ISSUER;
  return {
    repository: claims.repository,
    signerWorkflow: claims.job_workflow_ref,
    ref: claims.ref,
    issuer,
    serverUrl,
  };
}

interface Stored {
  storage: ReferrerStorage | undefined;
  /** A referrer of this statement whose bundle verified for this run and this image. */
  valid: { digest: string; bundle: unknown } | undefined;
  /** Referrers that claim this statement but do not verify: reported, left in place. */
  bad: string[];
}

/**
 * What each image already holds of this statement. A referrer's annotation is only a claim
 * (anyone who can push can write it), so its bundle must verify against this run's identity,
 * the image's digest, and be of this very statement, before it is reused.
 */
async function storedAttestations(
  images: ResolvedSubject[],
  statement: PreparedStatement,
  inputs: AttestInputs,
  deps: AttestDeps,
): Promise<Stored[]> {
  if (!inputs.pushToRegistry)
    return images.map(() => ({ storage: undefined, valid: undefined, bad: [] }));
  let trust: SigstoreTrust | undefined;
  const identity = runIdentity(statement.claims, deps.context.serverUrl);
  const ownBundles = new Set<string>();
  return mapConcurrently(images, REGISTRY_CONCURRENCY, async (image) => {
    const listed = await listAttestations(
      deps.registry,
      image.reference,
      image.digest,
      statement.predicateType,
    ).catch((thrown: unknown) => {
      // Nothing to reuse; storing next to it says what is wrong with that tag.
      if (thrown instanceof UntrustedAnswer) return undefined;
      throw thrown;
    });
    if (!listed) return { storage: "tag-fallback", valid: undefined, bad: [] } satisfies Stored;
    const stored: Stored = { storage: listed.storage, valid: undefined, bad: [] };
    for (const referrer of referrersForStatement(listed, statement.digest)) {
      const bundle = await readReferrerBundle(deps.registry, image.reference, referrer).catch(
        (thrown: unknown) => {
          if (thrown instanceof UnusableReferrer) return thrown;
          throw thrown;
        },
      );
      let why: string;
      if (bundle instanceof UnusableReferrer) {
        why = bundle.message;
      } else {
        // Every image of a run holds the same bundle: verified once, it is this run's statement,
        // which names every image, so it holds for the others without verifying again.
        const text = JSON.stringify(bundle);
        if (ownBundles.has(text)) {
          stored.valid = { digest: referrer.digest, bundle };
          break;
        }
        trust ??= await deps.trust().catch(() => undefined);
        const checked = trust
          ? checkAttestation(
              bundle,
              { digest: image.digest, identity, predicateType: statement.predicateType },
              trust,
            )
          : { ok: false as const, message: "no trusted root to check it against" };
        const same = checked.ok && sameStatement(bundle, statement.digest);
        if (same) {
          ownBundles.add(text);
          stored.valid = { digest: referrer.digest, bundle };
          break;
        }
        why = checked.ok ? "it signs another statement than its annotation says" : checked.message;
      }
      stored.bad.push(
        `${image.reference.original}: referrer ${referrer.digest} claims this run's statement but does not verify (${why}); it is left in place and a new attestation is stored`,
      );
    }
    return stored;
  });
}

function sameStatement(bundle: unknown, digest: string): boolean {
  const payload = (bundle as { dsseEnvelope?: { payload?: string } }).dsseEnvelope?.payload ?? "";
  const bytes = Buffer.from(payload, "base64");
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}` === digest;
}

/**
 * Signs (once for every subject, in one Sigstore request) unless an image already holds a bundle
 * of this statement that verifies for this run; stores it with every image that lacks it, writes
 * each subject's bundle file, and stores it with GitHub.
 */
export async function attest(
  images: ResolvedSubject[],
  files: FileSubject[],
  inputs: AttestInputs,
  deps: AttestDeps,
): Promise<AttestReport> {
  const statement = await prepareStatement(images, files, inputs, deps);
  const stored = await storedAttestations(images, statement, inputs, deps);
  const reused = stored.find((s) => s.valid)?.valid?.bundle;
  const bundle =
    reused ?? (await signStatement(statement.bytes, statement.endpoints, statement.idToken));
  const bundleBytes = Buffer.from(JSON.stringify(bundle));
  const created = deps.now().toISOString();
  const imageResults = await mapConcurrently(images, REGISTRY_CONCURRENCY, async (image, index) => {
    const { storage, valid } = stored[index] ?? { storage: undefined, valid: undefined };
    // The bundle stored with this image is the one its file holds.
    const own = valid ? Buffer.from(JSON.stringify(valid.bundle)) : bundleBytes;
    const bundlePath = join(
      inputs.outputDir,
      `${image.digest.replace(/^sha256:/, "")}.sigstore.json`,
    );
    await writeReplacing(bundlePath, own);
    const pushed =
      inputs.pushToRegistry && !valid
        ? await pushReferrer(deps.registry, image, bundleBytes, {
            predicateType: statement.predicateType,
            statementDigest: statement.digest,
            created,
          })
        : undefined;
    return imageResult(
      image,
      bundlePath,
      pushed?.digest ?? valid?.digest,
      pushed?.storage ?? storage,
      valid !== undefined,
    );
  });
  const fileResults = await Promise.all(
    files.map(async (file) => {
      const bundlePath = file.path
        ? `${file.path}.sigstore.json`
        : join(inputs.outputDir, `${file.digest.replace(/^sha256:/, "")}.sigstore.json`);
      await writeReplacing(bundlePath, bundleBytes);
      return fileResult(file, bundlePath);
    }),
  );
  const results = [...imageResults, ...fileResults];
  const notices = stored.flatMap((s) => s.bad);
  notices.push(...(await storeWithGitHub(bundle, results, inputs, deps, reused !== undefined)));
  return {
    mode: "attest",
    predicateType: statement.predicateType,
    signed: reused === undefined,
    sigstoreInstance: statement.endpoints.instance,
    results,
    notices,
    dryRun: false,
  };
}

function imageResult(
  subject: ResolvedSubject,
  bundlePath: string,
  referrerDigest: string | undefined,
  storage: ReferrerStorage | undefined,
  reused: boolean,
): SubjectResult {
  return {
    reference: subject.reference.original,
    name: subjectName(subject.reference),
    digest: subject.digest,
    kind: subject.kind,
    bundlePath,
    referrerDigest,
    storage,
    reused,
    attestationId: undefined,
    attestationUrl: undefined,
    notes: subject.notes,
  };
}

export function fileResult(file: FileSubject, bundlePath: string): SubjectResult {
  return {
    reference: file.path ?? file.name,
    name: file.name,
    digest: file.digest,
    kind: "file",
    bundlePath,
    referrerDigest: undefined,
    storage: undefined,
    reused: false,
    attestationId: undefined,
    attestationUrl: undefined,
    notes: [],
  };
}

/** The signature of a bundle's envelope: equal signatures, the same signed bundle. */
function signatureOf(bundle: unknown): string | undefined {
  return (bundle as { dsseEnvelope?: { signatures?: { sig?: string }[] } }).dsseEnvelope
    ?.signatures?.[0]?.sig;
}

/**
 * Writes the bundle to GitHub's attestations API, once for all subjects (GitHub indexes it by
 * every subject digest). A reused bundle that GitHub already holds is not written twice; its id
 * is read back, so the outputs are complete either way. User-owned private repositories have no
 * attestation store: a notice.
 */
async function storeWithGitHub(
  bundle: unknown,
  results: SubjectResult[],
  inputs: AttestInputs,
  deps: AttestDeps,
  reused: boolean,
): Promise<string[]> {
  if (!inputs.githubAttestations) return [];
  const { repository, visibility, ownerType, serverUrl } = deps.context;
  const name = `${repository.owner}/${repository.repo}`;
  if (visibility === "private" && ownerType === "User") {
    return [
      `${name} is a private repository owned by a user, which GitHub's attestation store does not serve; the attestations are in the registry and the bundle files only`,
    ];
  }
  if (!deps.github) {
    throw new Error(
      `a GitHub token is needed to store attestations (${inputs.label("github-token")})`,
    );
  }
  const first = results[0];
  const held =
    reused && first
      ? (await fetchGitHubAttestations(deps.github, repository, first.digest)).find(
          (stored) => signatureOf(stored.bundle) === signatureOf(bundle) && stored.id !== undefined,
        )
      : undefined;
  const id = held?.id ?? (await writeGitHubAttestation(deps.github, repository, bundle));
  const url = `${serverUrl}/${name}/attestations/${id}`;
  for (const result of results) {
    result.attestationId = id;
    result.attestationUrl = url;
  }
  return [];
}
