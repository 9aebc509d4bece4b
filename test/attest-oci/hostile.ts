import { createHash, randomBytes } from "node:crypto";
import type { OciDouble } from "./oci-double.ts";

/**
 * What a party with push access to a registry can lay down there, written straight into the
 * double (not through this project's client): images, and referrers that say anything.
 */
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const BUNDLE_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
export const SLSA = "https://slsa.dev/provenance/v1";

export interface SeededImage {
  name: string;
  reference: string;
  digest: string;
  size: number;
}

/** A small single-platform image under `name:tag`. */
export function seedImage(registry: OciDouble, name: string, tag: string): SeededImage {
  const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", seed: tag }));
  const layer = randomBytes(64);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: registry.putBlob(name, config),
        size: config.length,
      },
      layers: [
        {
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          digest: registry.putBlob(name, layer),
          size: layer.length,
        },
      ],
    }),
  );
  const digest = registry.putManifest(name, tag, manifest, OCI_MANIFEST);
  return { name, reference: `${registry.host}/${name}:${tag}`, digest, size: manifest.length };
}

/** The descriptor of a referrer, as an index lists it. */
export interface ReferrerEntry {
  mediaType: string;
  digest: string;
  size: number;
  artifactType: string;
  annotations: Record<string, string>;
}

/**
 * A referrer manifest holding `bundle` (any bytes) as its bundle layer, pushed with `image` as
 * its subject; `annotations` replace the usual ones (predicate type SLSA provenance).
 */
export function plantReferrer(
  registry: OciDouble,
  image: SeededImage,
  bundle: Buffer | string,
  annotations: Record<string, string> = {},
): ReferrerEntry {
  const bytes = Buffer.from(bundle);
  const empty = Buffer.from("{}");
  const allAnnotations = { "dev.sigstore.bundle.predicateType": SLSA, ...annotations };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: BUNDLE_TYPE,
      config: {
        mediaType: "application/vnd.oci.empty.v1+json",
        digest: registry.putBlob(image.name, empty),
        size: 2,
      },
      layers: [
        { mediaType: BUNDLE_TYPE, digest: registry.putBlob(image.name, bytes), size: bytes.length },
      ],
      subject: { mediaType: OCI_MANIFEST, digest: image.digest, size: image.size },
      annotations: allAnnotations,
    }),
  );
  const digest = registry.putManifest(image.name, digestOfBytes(manifest), manifest, OCI_MANIFEST);
  return {
    mediaType: OCI_MANIFEST,
    digest,
    size: manifest.length,
    artifactType: BUNDLE_TYPE,
    annotations: allAnnotations,
  };
}

function digestOfBytes(bytes: Buffer): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Writes the `sha256-<hex>` tag index of `image` with exactly these entries (any text). */
export function writeFallbackIndex(
  registry: OciDouble,
  image: SeededImage,
  entries: readonly unknown[],
): void {
  const index = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: entries }),
  );
  registry.putManifest(image.name, image.digest.replace(":", "-"), index, OCI_INDEX);
}
