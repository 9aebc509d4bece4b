import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseChallenge } from "../../src/attest-oci/auth.ts";
import {
  configKeyHost,
  credentialLookup,
  dockerConfigPath,
  readDockerConfig,
} from "../../src/attest-oci/credentials.ts";
import { credentialRegistries } from "../../src/attest-oci/deps.ts";
import {
  ANNOTATION,
  appendToIndex,
  artifactKind,
  bundleReferrers,
  type Descriptor,
  fallbackTag,
  SIGSTORE_BUNDLE_V03,
  wasmLayerDigest,
} from "../../src/attest-oci/oci.ts";

describe("auth challenges", () => {
  it("reads bearer and basic challenges, with commas inside quotes", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: "bearer",
      parameters: {
        realm: "https://ghcr.io/token",
        service: "ghcr.io",
        scope: "repository:a/b:pull,push",
      },
    });
    expect(parseChallenge('Basic realm="registry"')).toEqual({
      scheme: "basic",
      parameters: { realm: "registry" },
    });
  });

  it("round-trips any quoted parameter value", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const quoted = value.replace(/["\\]/g, "\\$&");
        expect(parseChallenge(`Bearer realm="${quoted}",service="s"`)?.parameters).toEqual({
          realm: value,
          service: "s",
        });
      }),
    );
  });
});

describe("Docker config credentials", () => {
  it("matches logins by exact host, never by prefix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-docker-"));
    const auth = (pair: string) => ({ auth: Buffer.from(pair).toString("base64") });
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        auths: {
          "https://ghcr.io": auth("me:ghcr-token"),
          "https://index.docker.io/v1/": auth("hub:pw"),
        },
        credHelpers: { "123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login" },
      }),
    );
    const { credentials, helperHosts } = await readDockerConfig(
      dockerConfigPath({ DOCKER_CONFIG: dir }),
    );
    const lookup = credentialLookup(credentials, undefined);
    expect(lookup("ghcr.io")).toEqual({ username: "me", password: "ghcr-token" });
    expect(lookup("ghcr.io.evil.example")).toBeUndefined();
    expect(lookup("docker.io")).toEqual({ username: "hub", password: "pw" });
    expect(helperHosts).toEqual(["123.dkr.ecr.us-east-1.amazonaws.com"]);
  });

  it("reads ~/.docker/config.json without DOCKER_CONFIG, and treats a missing file as no logins", async () => {
    expect(dockerConfigPath({ HOME: "/home/runner" })).toBe("/home/runner/.docker/config.json");
    expect((await readDockerConfig("/nonexistent/config.json")).credentials.size).toBe(0);
  });

  it("normalises config keys to hosts", () => {
    expect(configKeyHost("https://GHCR.io/")).toBe("ghcr.io");
    expect(configKeyHost("registry.example.com:5000")).toBe("registry.example.com:5000");
  });

  it("gives input credentials only to the registry they are for", () => {
    const inputs = { registry: undefined, username: "u", password: "p" };
    expect(credentialRegistries(inputs, ["ghcr.io/a/b:1", "ghcr.io/c/d:2"])).toEqual(["ghcr.io"]);
    expect(() => credentialRegistries(inputs, ["ghcr.io/a/b:1", "docker.io/c/d:2"])).toThrow(
      /input 'registry'/,
    );
    expect(
      credentialRegistries({ ...inputs, registry: "GHCR.io" }, ["ghcr.io/a:1", "quay.io/b:1"]),
    ).toEqual(["ghcr.io"]);
    const lookup = credentialLookup(new Map(), {
      registries: ["ghcr.io"],
      credentials: { username: "u", password: "p" },
    });
    expect(lookup("quay.io")).toBeUndefined();
  });
});

describe("OCI documents", () => {
  const wasm = {
    config: { mediaType: "application/vnd.wasm.config.v0+json", digest: "sha256:c", size: 2 },
    layers: [{ mediaType: "application/wasm", digest: "sha256:l", size: 9 }],
  };

  it("recognises wasm components in the CNCF layout and image indexes", () => {
    expect(artifactKind("application/vnd.oci.image.manifest.v1+json", wasm)).toBe("wasm-component");
    expect(wasmLayerDigest("application/vnd.oci.image.manifest.v1+json", wasm)).toBe("sha256:l");
    const twoLayers = { ...wasm, layers: [...wasm.layers, ...wasm.layers] };
    expect(artifactKind("application/vnd.oci.image.manifest.v1+json", twoLayers)).toBe("image");
    expect(artifactKind("application/vnd.oci.image.index.v1+json", {})).toBe("image-index");
    expect(artifactKind("application/vnd.docker.distribution.manifest.list.v2+json", {})).toBe(
      "image-index",
    );
  });

  it("names the fallback tag after the digest", () => {
    expect(fallbackTag(`sha256:${"f".repeat(64)}`)).toBe(`sha256-${"f".repeat(64)}`);
  });

  const descriptor = (digest: string): Descriptor => ({
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    digest,
    size: 1,
    artifactType: SIGSTORE_BUNDLE_V03,
    annotations: { [ANNOTATION.predicateType]: "https://slsa.dev/provenance/v1" },
  });

  it("appends to the fallback index, keeping every entry and never adding one twice", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^sha256:[0-9a-f]{8}$/), { maxLength: 6 }),
        fc.stringMatching(/^sha256:[0-9a-f]{8}$/),
        (existing, added) => {
          const index = { schemaVersion: 2 as const, manifests: existing.map(descriptor) };
          const updated = appendToIndex(index, descriptor(added));
          if (existing.includes(added)) {
            expect(updated).toBeUndefined();
          } else {
            expect(updated?.manifests.map((d) => d.digest)).toEqual([...existing, added]);
          }
        },
      ),
    );
  });

  it("lists only bundle referrers, of the asked predicate type", () => {
    const signature = {
      ...descriptor("sha256:2"),
      artifactType: "application/vnd.dev.cosign.artifact.sig.v1+json",
    };
    const sbom = {
      ...descriptor("sha256:3"),
      annotations: { [ANNOTATION.predicateType]: "https://spdx.dev/Document/v2.3" },
    };
    const index = {
      schemaVersion: 2 as const,
      manifests: [descriptor("sha256:1"), signature, sbom],
    };
    expect(bundleReferrers(index).map((d) => d.digest)).toEqual(["sha256:1", "sha256:3"]);
    expect(bundleReferrers(index, "https://slsa.dev/provenance/v1").map((d) => d.digest)).toEqual([
      "sha256:1",
    ]);
  });
});
