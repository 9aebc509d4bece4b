import { randomBytes } from "node:crypto";
import {
  RegistryClient,
  type RepositoryLocation,
  sha256Digest,
} from "../../src/attest-oci/registry.ts";

/** Pushes test artifacts the way `wash push` and `docker buildx` lay them out. */
export interface PushedArtifact {
  reference: string;
  digest: string;
  /** For a wasm component, the layer digest `wash push` prints. */
  layerDigest?: string;
}

export function pusher(host: string, auth?: { username: string; password: string }) {
  const client = new RegistryClient(() => auth);
  const at = (repository: string): RepositoryLocation => ({ registry: host, repository });

  async function manifest(
    repository: string,
    reference: string,
    document: unknown,
    mediaType: string,
  ) {
    const bytes = Buffer.from(JSON.stringify(document));
    await client.putManifest(at(repository), reference, bytes, mediaType);
    return { digest: sha256Digest(bytes), size: bytes.length };
  }

  async function blob(repository: string, bytes: Buffer, mediaType: string) {
    return { mediaType, digest: await client.pushBlob(at(repository), bytes), size: bytes.length };
  }

  return {
    client,
    /** A component as `wash push` writes it: wasm config, one application/wasm layer. */
    async wasmComponent(repository: string, tag: string): Promise<PushedArtifact> {
      const config = await blob(
        repository,
        Buffer.from(
          JSON.stringify({
            created: "2026-01-01T00:00:00Z",
            architecture: "wasm",
            os: "wasip2",
            layerDigests: [],
          }),
        ),
        "application/vnd.wasm.config.v0+json",
      );
      const layer = await blob(repository, randomBytes(512), "application/wasm");
      const document = {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config,
        layers: [layer],
      };
      const { digest } = await manifest(repository, tag, document, document.mediaType);
      return { reference: `${host}/${repository}:${tag}`, digest, layerDigest: layer.digest };
    },
    /** A two-platform image index, as `docker buildx --platform linux/amd64,linux/arm64` pushes. */
    async multiPlatformImage(repository: string, tag: string): Promise<PushedArtifact> {
      const platforms = [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ];
      const manifests = [];
      for (const platform of platforms) {
        const config = await blob(
          repository,
          Buffer.from(JSON.stringify({ ...platform, rootfs: { type: "layers", diff_ids: [] } })),
          "application/vnd.oci.image.config.v1+json",
        );
        const layer = await blob(
          repository,
          randomBytes(256),
          "application/vnd.oci.image.layer.v1.tar+gzip",
        );
        const document = {
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config,
          layers: [layer],
        };
        const { digest, size } = await manifest(
          repository,
          sha256Digest(Buffer.from(JSON.stringify(document))),
          document,
          document.mediaType,
        );
        manifests.push({ mediaType: document.mediaType, digest, size, platform });
      }
      const index = {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests,
      };
      const { digest } = await manifest(repository, tag, index, index.mediaType);
      return { reference: `${host}/${repository}:${tag}`, digest };
    },
  };
}
