import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runClaims as parseRunClaims, slsaProvenance } from "../../src/attest-oci/provenance.ts";
import { buildStatement } from "../../src/core/sigstore/index.ts";
import { githubClaims } from "../harness/sigstore.ts";
import {
  dockerConfig,
  REPOSITORY,
  type Services,
  startServices,
  startServicesDisposable,
  USER,
  verifyCli,
  WORKFLOW,
} from "./fixtures.ts";
import {
  BUNDLE_TYPE,
  OCI_MANIFEST,
  plantReferrer,
  type SeededImage,
  SLSA,
  seedImage,
  writeFallbackIndex,
} from "./hostile.ts";
import { type OciDouble, startOciDouble } from "./oci-double.ts";

// A registry is someone else's server, and anyone with push access to a repository can add
// referrers that say anything. Each attack below is made with a registry double written from the
// distribution spec; none may verify, none may hide a valid attestation, and each failure names
// its check.

const claims = githubClaims({ repository: REPOSITORY, workflow: WORKFLOW });

describe("verifying against a hostile registry", () => {
  let services: Services;
  let registry: OciDouble;
  let config: string;

  beforeAll(async () => {
    [services, registry] = await Promise.all([
      startServices(),
      startOciDouble({ auth: { scheme: "bearer", ...USER } }),
    ]);
    config = dockerConfig({ [registry.host]: USER });
  });
  afterAll(async () => {
    await Promise.all([services?.close(), registry?.close()]);
  });

  const verify = (reference: string, ...args: string[]) =>
    verifyCli(
      services.trustedRoot,
      [reference, "--workflow", WORKFLOW, "--format", "json", ...args],
      { DOCKER_CONFIG: config },
    );

  /** A real, valid bundle about another digest: it verifies everywhere but here. */
  const bundleForAnotherDigest = () =>
    services.sigstore.sign(
      { subjects: [{ name: "elsewhere", digest: { sha256: "0".repeat(64) } }] },
      { claims },
    );

  /** The image attested by the action itself, the honest way. */
  async function attested(image: SeededImage, run = 1) {
    const result = await services.attestOci(
      {
        subjects: image.reference,
        "registry-username": USER.username,
        "registry-password": USER.password,
        "github-attestations": "false",
      },
      { claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId: 7000 + run }) },
    );
    expect(result.exitCode).toBe(0);
    return JSON.parse(result.outputs.subjects as string)[0] as { "referrer-digest": string };
  }

  it("follows the referrers API's pages: forgeries on page 1 cannot hide the attestation on page 3", async () => {
    const image = seedImage(registry, "hostile/paged", "v1");
    const forged = JSON.stringify(await bundleForAnotherDigest());
    for (let i = 0; i < 4; i++) plantReferrer(registry, image, forged, { n: String(i) });
    const honest = await attested(image);
    registry.pageSize = 2;
    try {
      const result = await verify(image.reference);
      const [subject] = JSON.parse(result.stdout);
      expect(subject["referrer-digest"]).toBe(honest["referrer-digest"]);
      expect(subject.verified).toBe(true);
      expect(result.exitCode).toBe(0);
    } finally {
      registry.pageSize = 0;
    }
  });

  it("takes referrers whose digests, manifests or blobs lie as failed bundle checks, and still finds the valid one", async () => {
    registry.referrersApi = false;
    try {
      const image = seedImage(registry, "hostile/lies", "v1");
      const honest = await attested(image);
      const index = JSON.parse(
        registry.manifest(image.name, image.digest.replace(":", "-"))?.toString() ?? "{}",
      );
      const valid = index.manifests[0];
      const lying = plantReferrer(registry, image, JSON.stringify(await bundleForAnotherDigest()));
      // The manifest served for its digest is other bytes.
      registry.serve("GET", `/v2/${image.name}/manifests/${lying.digest}`, (response) => {
        response.writeHead(200, { "content-type": OCI_MANIFEST });
        response.end(registry.manifest(image.name, valid.digest));
      });
      // A bundle layer whose blob is other bytes than its digest.
      const swapped = plantReferrer(registry, image, "{}", { n: "swapped" });
      const swappedManifest = JSON.parse(
        registry.manifest(image.name, swapped.digest)?.toString() ?? "{}",
      );
      registry.serve(
        "GET",
        `/v2/${image.name}/blobs/${swappedManifest.layers[0].digest}`,
        (response) => {
          response.writeHead(200);
          response.end("not the bundle that was pushed");
        },
      );
      const entries = [
        { ...lying },
        { ...swapped },
        { ...lying, digest: `sha256:${"a".repeat(64)}/../../../hostile/lies/manifests/v1` },
        { ...lying, digest: "sha256:../../v1" },
        { ...lying, digest: "sha256:\u001b]0;owned\u0007\n::error::injected" },
        valid,
      ];
      writeFallbackIndex(registry, image, entries);
      const result = await verify(image.reference);
      expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
      const [subject] = JSON.parse(result.stdout);
      expect(subject.verified).toBe(true);
      expect(subject["referrer-digest"]).toBe(honest["referrer-digest"]);
      expect(result.exitCode).toBe(0);
      // Without the valid entry, each lie is a failed check that names it, and the command fails.
      writeFallbackIndex(registry, image, entries.slice(0, 5));
      const text = await verifyCli(services.trustedRoot, [image.reference], {
        DOCKER_CONFIG: config,
      });
      expect(text.stdout).toContain("::error::injected");
      expect(text.stdout).not.toContain("\u001b");
      expect(text.stdout).not.toMatch(/^\s*::error::/m);
      const refused = await verify(image.reference);
      expect(refused.stderr).not.toMatch(/at .*\.js:\d+/);
      const [failed] = JSON.parse(refused.stdout);
      expect(failed.verified).toBe(false);
      expect(failed.failures.map((f: { check: string }) => f.check)).toEqual([
        "bundle",
        "bundle",
        "bundle",
        "bundle",
        "bundle",
      ]);
      expect(refused.exitCode).toBe(1);
    } finally {
      registry.referrersApi = true;
    }
  });

  it("verifies an image whose other referrer the registry cannot serve", async () => {
    const image = seedImage(registry, "hostile/unserved", "v1");
    const honest = await attested(image);
    const unserved = plantReferrer(registry, image, JSON.stringify(await bundleForAnotherDigest()));
    // Every try at the planted referrer's manifest fails, past the client's retries.
    registry.failNext(20, 500, new RegExp(`manifests/${unserved.digest}`));
    const result = await verify(image.reference);
    const [subject] = JSON.parse(result.stdout);
    expect(subject.verified).toBe(true);
    expect(subject["referrer-digest"]).toBe(honest["referrer-digest"]);
    expect(result.exitCode).toBe(0);
  });

  it("refuses a huge bundle by its size without reading it, and a truncated one as a bundle check", async () => {
    const image = seedImage(registry, "hostile/huge", "v1");
    const bundle = JSON.stringify(await bundleForAnotherDigest());
    const truncated = plantReferrer(registry, image, bundle.slice(0, bundle.length / 2));
    const huge = plantReferrer(registry, image, "{}", { n: "huge" });
    const hugeManifest = JSON.parse(registry.manifest(image.name, huge.digest)?.toString() ?? "{}");
    hugeManifest.layers[0].size = 2 ** 31;
    const rewritten = Buffer.from(JSON.stringify(hugeManifest));
    const hugeDigest = registry.putManifest(image.name, "unused", rewritten, OCI_MANIFEST);
    let served = 0;
    registry.serve(
      "GET",
      `/v2/${image.name}/blobs/${hugeManifest.layers[0].digest}`,
      (response) => {
        // An endless body: a client that reads it all never finishes.
        response.writeHead(200, { "content-type": "application/octet-stream" });
        const chunk = Buffer.alloc(1 << 16, 0x20);
        const pump = () => {
          while (served < 2 ** 31 && response.write(chunk)) served += chunk.length;
        };
        response.on("drain", pump);
        pump();
      },
    );
    const result = await verify(image.reference);
    const [subject] = JSON.parse(result.stdout);
    expect(subject.verified).toBe(false);
    const byReferrer = Object.fromEntries(
      subject.failures.map((f: { referrer: string; check: string; message: string }) => [
        f.referrer,
        f,
      ]),
    );
    expect(byReferrer[truncated.digest].check).toBe("bundle");
    expect(byReferrer[hugeDigest].check).toBe("bundle");
    expect(byReferrer[hugeDigest].message).toMatch(/too large|bytes/);
    expect(served).toBeLessThan(64 << 20);
    expect(result.exitCode).toBe(1);
  });

  it("says so, without a stack, when the sha256-<digest> tag holds something that is no index", async () => {
    registry.referrersApi = false;
    try {
      const image = seedImage(registry, "hostile/garbage-tag", "v1");
      registry.putManifest(
        image.name,
        image.digest.replace(":", "-"),
        Buffer.from("<html>"),
        "text/html",
      );
      const result = await verify(image.reference);
      expect(result.stderr + result.stdout).not.toMatch(/at .*\.js:\d+/);
      expect(result.stderr + result.stdout).toContain(image.digest.replace(":", "-"));
      expect(result.exitCode).toBe(1);
    } finally {
      registry.referrersApi = true;
    }
  });

  it("retries the token service's 5xx and 429 answers like the registry's own", async () => {
    const image = seedImage(registry, "hostile/token-faults", "v1");
    await attested(image);
    registry.failNext(1, 503, /^GET \/auth\/token$/);
    registry.failNext(1, 429, /^GET \/auth\/token$/);
    const result = await verify(image.reference);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)[0].verified).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  it("finds the valid attestation among thousands of forged referrers", async () => {
    registry.referrersApi = false;
    try {
      const image = seedImage(registry, "hostile/crowd", "v1");
      await attested(image);
      const index = JSON.parse(
        registry.manifest(image.name, image.digest.replace(":", "-"))?.toString() ?? "{}",
      );
      // Each a referrer of its own (a manifest and a bundle of its own bytes), and one of them
      // listed 2,500 times more.
      const forged = JSON.stringify(await bundleForAnotherDigest(), null, 1);
      const crowd = Array.from({ length: 200 }, (_, n) =>
        plantReferrer(registry, image, `${forged}${" ".repeat(n)}`, { n: String(n) }),
      );
      const repeated = Array.from({ length: 2500 }, () => crowd[0]);
      writeFallbackIndex(registry, image, [...crowd, ...repeated, ...index.manifests]);
      const started = Date.now();
      const result = await verify(image.reference);
      const [subject] = JSON.parse(result.stdout);
      expect(subject.verified).toBe(true);
      expect(result.exitCode).toBe(0);
      console.log(`verify among 200 forged referrers (2,700 entries): ${Date.now() - started} ms`);
    } finally {
      registry.referrersApi = true;
    }
  }, 120_000);

  it("attests past a planted referrer of this statement whose certificate is not DER", async () => {
    const image = seedImage(registry, "hostile/broken-cert", "v1");
    const runClaims = githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId: 7500 });
    // The statement this run will sign, computed from the run's public facts as anyone can.
    const statement = buildStatement(
      [{ name: `${registry.host}/${image.name}`, digest: { sha256: image.digest.slice(7) } }],
      SLSA,
      slsaProvenance(parseRunClaims(runClaims), "https://github.com"),
    );
    const digest = `sha256:${createHash("sha256").update(JSON.stringify(statement)).digest("hex")}`;
    const broken = (await bundleForAnotherDigest()) as unknown as {
      verificationMaterial: { certificate: { rawBytes: string } };
    };
    broken.verificationMaterial.certificate.rawBytes = "vycg";
    const planted = plantReferrer(registry, image, JSON.stringify(broken), {
      "dev.status-gate.statement.digest": digest,
    });
    const run = await services.attestOci(
      {
        subjects: image.reference,
        "registry-username": USER.username,
        "registry-password": USER.password,
        "github-attestations": "false",
      },
      { claims: runClaims },
    );
    expect(run.log).not.toMatch(/at .*\.js:\d+/);
    expect(run.exitCode).toBe(0);
    expect(run.annotations.map((a) => a.message).join("\n")).toContain(
      `referrer ${planted.digest} claims this run's statement but does not verify (certificate-chain check failed`,
    );
  });

  it("counts an SBOM annotated as provenance as a predicate-type failure", async () => {
    const image = seedImage(registry, "hostile/sbom", "v1");
    const sbom = await services.sigstore.sign(
      {
        subjects: [{ name: image.name, digest: { sha256: image.digest.slice(7) } }],
        predicateType: "https://spdx.dev/Document/v2.3",
      },
      { claims },
    );
    plantReferrer(registry, image, JSON.stringify(sbom), {
      "dev.sigstore.bundle.predicateType": SLSA,
    });
    const result = await verify(image.reference);
    const [subject] = JSON.parse(result.stdout);
    expect(subject.failures.map((f: { check: string }) => f.check)).toEqual(["predicate-type"]);
    expect(result.exitCode).toBe(1);
    void BUNDLE_TYPE;
  });
});

describe("two jobs attesting one image at once, on the sha256-<digest> tag", () => {
  it("keeps both attestations in the index: neither append replaces the other", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startOciDouble();
    registry.referrersApi = false;
    const image = seedImage(registry, "race/app", "v1");
    // Each job reads the index, then writes it back with its own entry: slow the writes so both
    // jobs read before either writes, as two runners racing would.
    registry.delay(/^PUT \/v2\/race\/app\/manifests\/sha256-/, 300);
    const attest = (runId: number) =>
      services.attestOci(
        { subjects: image.reference, "github-attestations": "false" },
        { claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId }) },
      );
    const runs = await Promise.all([attest(8101), attest(8102)]);
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
    const stored = runs.map((r) => JSON.parse(r.outputs.subjects as string)[0]["referrer-digest"]);
    const index = JSON.parse(
      registry.manifest(image.name, image.digest.replace(":", "-"))?.toString() ?? "{}",
    );
    expect(index.manifests.map((d: { digest: string }) => d.digest).sort()).toEqual(stored.sort());
  });
});
