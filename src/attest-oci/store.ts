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
  type OciIndex,
  type OciManifest,
  referrerManifest,
  SIGSTORE_BUNDLE_V03,
} from "./oci.ts";
import { type RegistryClient, type RepositoryLocation, sha256Digest } from "./registry.ts";
import type { ResolvedSubject } from "./subjects.ts";

/** How a registry keeps referrers: its referrers API, or the `sha256-<hex>` tag index. */
export type ReferrerStorage = "referrers-api" | "tag-fallback";

export interface ListedReferrers {
  storage: ReferrerStorage;
  /** Bundle referrers, optionally of one predicate type. */
  bundles: Descriptor[];
}

/** The attestations stored with an artifact, from the referrers API or else the fallback tag. */
export async function listAttestations(
  registry: RegistryClient,
  location: RepositoryLocation,
  digest: string,
  predicateType?: string,
): Promise<ListedReferrers> {
  const index = await registry.listReferrers(location, digest);
  if (index) return { storage: "referrers-api", bundles: bundleReferrers(index, predicateType) };
  const fallback = await registry.getManifest(location, fallbackTag(digest));
  const parsed = fallback ? (JSON.parse(fallback.bytes.toString("utf8")) as OciIndex) : undefined;
  return { storage: "tag-fallback", bundles: bundleReferrers(parsed, predicateType) };
}

/** A referrer that cannot be an attestation (missing, not JSON, no bundle): the others still count. */
export class UnusableReferrer extends Error {}

/** The bundle JSON a referrer manifest holds. */
export async function readReferrerBundle(
  registry: RegistryClient,
  location: RepositoryLocation,
  referrer: Descriptor,
): Promise<unknown> {
  const unusable = (why: string) => new UnusableReferrer(`referrer ${referrer.digest} ${why}`);
  const manifest = await registry.getManifest(location, referrer.digest).catch((thrown) => {
    throw thrown instanceof SyntaxError ? unusable("is not JSON") : thrown;
  });
  if (!manifest) throw unusable("is listed but its manifest is missing (HTTP 404)");
  const document = parseJson(manifest.bytes, () => unusable("is not JSON")) as OciManifest;
  const layer = Array.isArray(document?.layers)
    ? document.layers.find((l) => l?.mediaType?.startsWith("application/vnd.dev.sigstore.bundle"))
    : undefined;
  if (!layer) throw unusable("holds no Sigstore bundle layer");
  const blob = await registry.findBlob(location, layer.digest);
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

async function appendToFallback(
  registry: RegistryClient,
  location: RepositoryLocation,
  subjectDigest: string,
  entry: Descriptor,
): Promise<void> {
  const tag = fallbackTag(subjectDigest);
  const existing = await registry.getManifest(location, tag);
  const index = existing ? (JSON.parse(existing.bytes.toString("utf8")) as OciIndex) : undefined;
  const updated = appendToIndex(index, entry);
  if (!updated) return;
  await registry.putManifest(location, tag, Buffer.from(JSON.stringify(updated)), OCI_INDEX);
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
