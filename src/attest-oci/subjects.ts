import { ConfigurationError } from "../core/errors.ts";
import { type ArtifactKind, artifactKind, wasmLayerDigest } from "./oci.ts";
import { formatReference, type ImageReference, parseImageReference } from "./reference.ts";
import type { FetchedManifest, RepositoryLocation } from "./registry.ts";

/** The registry calls subject resolution needs (RegistryClient has them). */
export interface ManifestSource {
  getManifest(
    location: RepositoryLocation,
    reference: string,
  ): Promise<FetchedManifest | undefined>;
  blobExists(location: RepositoryLocation, digest: string): Promise<boolean>;
}

/** An artifact resolved to the manifest digest its attestation is about. */
export interface ResolvedSubject {
  reference: ImageReference;
  digest: string;
  mediaType: string;
  size: number;
  kind: ArtifactKind;
  /** Things the user should know, such as a layer digest swapped for its manifest's. */
  notes: string[];
}

function resolved(reference: ImageReference, manifest: FetchedManifest, notes: string[] = []) {
  const document = JSON.parse(manifest.bytes.toString("utf8")) as unknown;
  return {
    reference,
    digest: manifest.digest,
    mediaType: manifest.mediaType,
    size: manifest.bytes.length,
    kind: artifactKind(manifest.mediaType, document),
    notes,
  };
}

async function resolveByTag(
  registry: ManifestSource,
  reference: ImageReference,
  tag: string,
): Promise<ResolvedSubject> {
  const manifest = await registry.getManifest(reference, tag);
  if (!manifest) {
    throw new ConfigurationError(
      `'${reference.original}' does not exist: ${reference.registry} has no ${reference.repository}:${tag}`,
    );
  }
  const subject = resolved(reference, manifest);
  const wanted = reference.digest;
  if (!wanted || wanted === manifest.digest) return subject;
  const document = JSON.parse(manifest.bytes.toString("utf8")) as unknown;
  if (wasmLayerDigest(manifest.mediaType, document) === wanted) {
    subject.notes.push(
      `${wanted} is the component's layer digest (what 'wash push' prints); attesting its manifest ${manifest.digest}`,
    );
    return subject;
  }
  throw new ConfigurationError(
    `'${reference.original}': tag ${tag} points to ${manifest.digest}, not ${wanted}; give the tag or the digest alone, or push again`,
  );
}

async function resolveByDigest(
  registry: ManifestSource,
  reference: ImageReference,
  digest: string,
): Promise<ResolvedSubject> {
  const manifest = await registry.getManifest(reference, digest);
  if (manifest) {
    if (manifest.digest !== digest) {
      throw new Error(`${reference.registry} returned a manifest whose digest is not ${digest}`);
    }
    return resolved(reference, manifest);
  }
  if (await registry.blobExists(reference, digest)) {
    throw new ConfigurationError(
      `'${reference.original}' names a blob, not a manifest: 'wash push' prints the layer digest; give the tag (repository:tag) so the manifest digest can be looked up`,
    );
  }
  throw new ConfigurationError(
    `'${reference.original}' does not exist: ${reference.registry} has no manifest ${digest} in ${reference.repository}`,
  );
}

/**
 * The manifest digest an attestation must name: the digest as given (checked to exist), the tag's
 * manifest (for an index, the index itself), or, with both, the tag's manifest after checking
 * that they agree. A wasm component's layer digest next to its tag is taken as that component.
 */
export function resolveSubject(
  registry: ManifestSource,
  reference: ImageReference,
): Promise<ResolvedSubject> {
  if (reference.tag) return resolveByTag(registry, reference, reference.tag);
  if (reference.digest) return resolveByDigest(registry, reference, reference.digest);
  return resolveByTag(registry, reference, "latest");
}

/**
 * Parses every reference first, so one typo fails the step before anything is pushed. `input` is
 * how messages name where the references came from (`input 'subjects'`, `--subjects`).
 */
export function parseSubjects(texts: readonly string[], input: string): ImageReference[] {
  if (texts.length === 0) {
    throw new ConfigurationError(`${input} is empty; list one image reference per line`);
  }
  const references = texts.map((text) => {
    try {
      return parseImageReference(text);
    } catch (thrown) {
      if (thrown instanceof ConfigurationError) {
        throw new ConfigurationError(`${input}: ${thrown.message}`);
      }
      throw thrown;
    }
  });
  const seen = new Set<string>();
  return references.filter((reference) => {
    const key = formatReference(reference);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
