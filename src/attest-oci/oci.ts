/** OCI and Docker media types, descriptors, and the shapes this action reads and writes. */

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const OCI_EMPTY = "application/vnd.oci.empty.v1+json";
export const WASM_CONFIG = "application/vnd.wasm.config.v0+json";
export const WASM_LAYER = "application/wasm";
/** What GitHub's attest actions and cosign use for a Sigstore bundle stored as a referrer. */
export const SIGSTORE_BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";

export const MANIFEST_MEDIA_TYPES = [
  OCI_MANIFEST,
  OCI_INDEX,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
];

export const ANNOTATION = {
  predicateType: "dev.sigstore.bundle.predicateType",
  content: "dev.sigstore.bundle.content",
  created: "org.opencontainers.image.created",
  /** sha256 of the signed statement: how a re-run finds the attestation it already pushed. */
  statement: "dev.status-gate.statement.digest",
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string; variant?: string };
}

export interface OciManifest {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface OciIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

/** What an artifact is, read from its manifest; the summary names it. */
export type ArtifactKind = "wasm-component" | "image-index" | "image" | "artifact";

export function artifactKind(mediaType: string, document: unknown): ArtifactKind {
  if (mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST) return "image-index";
  const manifest = document as Partial<OciManifest>;
  const layers = manifest.layers ?? [];
  if (
    manifest.config?.mediaType === WASM_CONFIG &&
    layers.length === 1 &&
    layers[0]?.mediaType === WASM_LAYER
  ) {
    return "wasm-component";
  }
  if (mediaType === OCI_MANIFEST && manifest.artifactType) return "artifact";
  return "image";
}

/** The digest of a wasm component's single layer (what `wash push` prints), if it is one. */
export function wasmLayerDigest(mediaType: string, document: unknown): string | undefined {
  if (artifactKind(mediaType, document) !== "wasm-component") return undefined;
  return (document as OciManifest).layers[0]?.digest;
}

/** The empty config blob of artifact manifests. */
export const EMPTY_CONFIG = Buffer.from("{}");

/** An OCI manifest storing one Sigstore bundle as a referrer of `subject`. */
export function referrerManifest(options: {
  subject: Descriptor;
  bundle: Descriptor;
  emptyConfig: Descriptor;
  predicateType: string;
  statementDigest: string;
  created: string;
}): OciManifest {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: SIGSTORE_BUNDLE_V03,
    config: options.emptyConfig,
    layers: [options.bundle],
    subject: options.subject,
    annotations: {
      [ANNOTATION.content]: "dsse-envelope",
      [ANNOTATION.predicateType]: options.predicateType,
      [ANNOTATION.statement]: options.statementDigest,
      [ANNOTATION.created]: options.created,
    },
  };
}

/** The tag of the referrers fallback: `sha256-<hex>` for `sha256:<hex>`. */
export function fallbackTag(digest: string): string {
  return digest.replace(":", "-");
}

/**
 * The fallback index with `entry` appended. Entries already there stay as they are (another
 * tool's signatures, earlier attestations); an entry with the same digest is not added twice.
 * Returns undefined when nothing changes.
 */
export function appendToIndex(
  existing: OciIndex | undefined,
  entry: Descriptor,
): OciIndex | undefined {
  const manifests = existing?.manifests ?? [];
  if (manifests.some((descriptor) => descriptor.digest === entry.digest)) return undefined;
  return {
    ...(existing ?? {}),
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [...manifests, entry],
  };
}

/** The referrer descriptors that hold Sigstore bundles, optionally of one predicate type. */
export function bundleReferrers(index: OciIndex | undefined, predicateType?: string): Descriptor[] {
  return (index?.manifests ?? []).filter(
    (descriptor) =>
      descriptor.artifactType === SIGSTORE_BUNDLE_V03 &&
      (!predicateType || descriptor.annotations?.[ANNOTATION.predicateType] === predicateType),
  );
}
