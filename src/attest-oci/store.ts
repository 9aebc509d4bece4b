import { ConfigurationError } from "../core/errors.ts";
import {
  ANNOTATION,
  appendToIndex,
  bundleReferrers,
  type Descriptor,
  EMPTY_CONFIG,
  fallbackTag,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  type OciManifest,
  referrerManifest,
  SIGSTORE_BUNDLE_V03,
} from "./oci.ts";
import {
  isContentDigest,
  parseIndex,
  type RegistryClient,
  type RepositoryLocation,
  sha256Digest,
  UntrustedAnswer,
} from "./registry.ts";
import type { ResolvedSubject } from "./subjects.ts";

/** How a registry keeps referrers: its referrers API, or the `sha256-<hex>` tag index. */
export type ReferrerStorage = "referrers-api" | "tag-fallback";

export interface ListedReferrers {
  storage: ReferrerStorage;
  /** Bundle referrers, optionally of one predicate type, each digest once. */
  bundles: Descriptor[];
  /** Why the list may lack referrers the registry holds (it paged too far, or to another host). */
  incomplete?: string;
}

/**
 * The attestations stored with an artifact, from the referrers API or else the fallback tag.
 * A fallback tag that holds no index is refused (`UntrustedAnswer`) rather than read as empty.
 */
export async function listAttestations(
  registry: RegistryClient,
  location: RepositoryLocation,
  digest: string,
  predicateType?: string,
): Promise<ListedReferrers> {
  const index = await registry.listReferrers(location, digest);
  if (index) {
    return {
      storage: "referrers-api",
      bundles: distinct(bundleReferrers(index, predicateType)),
      ...(index.incomplete ? { incomplete: index.incomplete } : {}),
    };
  }
  const tag = fallbackTag(digest);
  const fallback = await registry.getManifest(location, tag);
  const parsed = fallback ? parseIndex(fallback.bytes) : undefined;
  if (fallback && !parsed) {
    throw new UntrustedAnswer(
      `the tag ${tag} in ${location.registry}/${location.repository} holds ${fallback.mediaType || "a document"} with no manifests list, not the OCI index of referrers that tag is for`,
    );
  }
  return { storage: "tag-fallback", bundles: distinct(bundleReferrers(parsed, predicateType)) };
}

/** Each referrer once: a list that repeats one a thousand times costs one check. */
function distinct(descriptors: Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  return descriptors.filter((d) => !seen.has(d.digest) && seen.add(d.digest) !== undefined);
}

/** A referrer that cannot be an attestation (missing, not JSON, no bundle): the others still count. */
export class UnusableReferrer extends Error {}

/** The most a stored bundle may weigh: real ones are a few KiB, with a certificate chain. */
export const BUNDLE_LIMIT = 1024 * 1024;

/** The bundle JSON a referrer manifest holds. */
export async function readReferrerBundle(
  registry: RegistryClient,
  location: RepositoryLocation,
  referrer: Descriptor,
): Promise<unknown> {
  const name = isContentDigest(referrer.digest) ? referrer.digest : JSON.stringify(referrer.digest);
  const unusable = (why: string) => new UnusableReferrer(`referrer ${name} ${why}`);
  if (!isContentDigest(referrer.digest)) throw unusable("is not named by a sha256 digest");
  const untrusted = (thrown: unknown) => {
    throw thrown instanceof UntrustedAnswer ? unusable(`is unusable: ${thrown.message}`) : thrown;
  };
  const manifest = await registry.getManifest(location, referrer.digest).catch(untrusted);
  if (!manifest) throw unusable("is listed but its manifest is missing (HTTP 404)");
  const document = parseJson(manifest.bytes, () => unusable("is not JSON")) as OciManifest;
  const layer = Array.isArray(document?.layers)
    ? document.layers.find((l) => l?.mediaType?.startsWith("application/vnd.dev.sigstore.bundle"))
    : undefined;
  if (!layer) throw unusable("holds no Sigstore bundle layer");
  if (!isContentDigest(layer.digest)) throw unusable("names its bundle by no sha256 digest");
  if (typeof layer.size === "number" && layer.size > BUNDLE_LIMIT) {
    throw unusable(`holds a bundle of ${layer.size} bytes, more than the ${BUNDLE_LIMIT} allowed`);
  }
  const blob = await registry.findBlob(location, layer.digest, BUNDLE_LIMIT).catch(untrusted);
  if (!blob) throw unusable(`is listed but its bundle blob ${layer.digest} is missing (HTTP 404)`);
  return parseJson(blob, () => unusable("holds a bundle that is not JSON"));
}

function parseJson(bytes: Buffer, failure: () => Error): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw failure();
  }
}

export interface PushedReferrer {
  digest: string;
  storage: ReferrerStorage;
}

/**
 * Stores a bundle as a referrer of the subject. A registry that acknowledges the subject
 * (`OCI-Subject`) indexes it itself; otherwise the descriptor is appended to the `sha256-<hex>`
 * tag index, keeping every entry already there.
 */
export async function pushReferrer(
  registry: RegistryClient,
  subject: ResolvedSubject,
  bundle: Buffer,
  options: { predicateType: string; statementDigest: string; created: string },
): Promise<PushedReferrer> {
  const location = subject.reference;
  const emptyConfig: Descriptor = {
    mediaType: OCI_EMPTY,
    digest: await registry.pushBlob(location, EMPTY_CONFIG),
    size: EMPTY_CONFIG.length,
  };
  const bundleDescriptor: Descriptor = {
    mediaType: SIGSTORE_BUNDLE_V03,
    digest: await registry.pushBlob(location, bundle),
    size: bundle.length,
  };
  const manifest = referrerManifest({
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    bundle: bundleDescriptor,
    emptyConfig,
    ...options,
  });
  const bytes = Buffer.from(JSON.stringify(manifest));
  const stored = await registry.putManifest(location, sha256Digest(bytes), bytes, OCI_MANIFEST);
  if (stored.subjectAcknowledged) return { digest: stored.digest, storage: "referrers-api" };
  await appendToFallback(registry, location, subject.digest, {
    mediaType: OCI_MANIFEST,
    digest: stored.digest,
    size: bytes.length,
    artifactType: SIGSTORE_BUNDLE_V03,
    annotations: manifest.annotations,
  });
  return { digest: stored.digest, storage: "tag-fallback" };
}

/**
 * How long a writer of the fallback index waits before reading it back. A registry has no
 * compare-and-swap for tags, so two jobs appending at once can each write the index they read,
 * and the later write drops the other's entry; each writer reads back after a pause and appends
 * its entry again while it is missing, until two reads in a row show it.
 */
export const FALLBACK_SETTLE_MS = 400;
const FALLBACK_ATTEMPTS = 6;

async function appendToFallback(
  registry: RegistryClient,
  location: RepositoryLocation,
  subjectDigest: string,
  entry: Descriptor,
): Promise<void> {
  const tag = fallbackTag(subjectDigest);
  const refuse = (what: string) =>
    new ConfigurationError(
      `cannot store the attestation of ${subjectDigest} in ${location.registry}/${location.repository}: its tag ${tag} holds ${what}, not the OCI index of referrers that tag is for; it is left as it is (it may be another tool's): move it away, or set push-to-registry to false`,
    );
  const read = async () => {
    const existing = await registry.getManifest(location, tag).catch((thrown: unknown) => {
      throw thrown instanceof UntrustedAnswer ? refuse("something unreadable") : thrown;
    });
    const index = existing ? parseIndex(existing.bytes) : undefined;
    if (existing && !index) throw refuse(existing.mediaType || "a document");
    return index;
  };
  let wrote = false;
  let seen = 0;
  for (let attempt = 0; attempt < FALLBACK_ATTEMPTS; attempt++) {
    const updated = appendToIndex(await read(), entry);
    if (updated) {
      await registry.putManifest(location, tag, Buffer.from(JSON.stringify(updated)), OCI_INDEX);
      wrote = true;
      seen = 0;
    } else if (!wrote || ++seen === 2) {
      // Already listed before this run wrote, or listed twice in a row after its write.
      return;
    }
    const pause = FALLBACK_SETTLE_MS * (1 + Math.random());
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  throw new Error(
    `the ${tag} index in ${location.registry}/${location.repository} kept changing under this run's appends; its referrer ${entry.digest} may not be listed`,
  );
}

/**
 * The referrers of a subject that say they hold this statement (an earlier attempt's, or a
 * forgery: the annotation is anyone's to write, so each must still be verified).
 */
export function referrersForStatement(
  listed: ListedReferrers,
  statementDigest: string,
): Descriptor[] {
  return listed.bundles.filter((d) => d.annotations?.[ANNOTATION.statement] === statementDigest);
}
