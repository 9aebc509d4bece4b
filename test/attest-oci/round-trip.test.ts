import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANNOTATION,
  EMPTY_CONFIG,
  fallbackTag,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  SIGSTORE_BUNDLE_V03,
} from "../../src/attest-oci/oci.ts";
import { parseImageReference } from "../../src/attest-oci/reference.ts";
import { sha256Digest } from "../../src/attest-oci/registry.ts";
import { pushReferrer } from "../../src/attest-oci/store.ts";
import { resolveSubject } from "../../src/attest-oci/subjects.ts";
import { runCli } from "../harness/runner.ts";
import { githubClaims } from "../harness/sigstore.ts";
import { type PushedArtifact, pusher } from "./artifacts.ts";
import { type Distribution, distributionAvailable, startDistribution } from "./distribution.ts";
import {
  dockerConfig,
  REPOSITORY,
  type Services,
  startServices,
  USER,
  WORKFLOW,
} from "./fixtures.ts";

const available = distributionAvailable();
if (!available) console.warn("skipping: Debian's docker-registry and htpasswd are not installed");

describe.skipIf(!available)("attesting and verifying on distribution 2.8 with htpasswd", () => {
  let services: Services;
  let registry: Distribution;
  let configDir: string;
  let component: PushedArtifact;
  let image: PushedArtifact;
  let push: ReturnType<typeof pusher>;
  let outputs: Record<string, string>;

  beforeAll(async () => {
    [services, registry] = await Promise.all([startServices(), startDistribution({ auth: USER })]);
    configDir = dockerConfig({ [registry.host]: USER });
    push = pusher(registry.host, USER);
    component = await push.wasmComponent("wasmcloud/components/http-hello", "v0.1.0");
    image = await push.multiPlatformImage("wasmcloud/wasmcloud", "1.2.0");
    const run = await services.attestOci(
      { subjects: `${component.reference}\n${image.reference}` },
      { env: { DOCKER_CONFIG: configDir } },
    );
    expect(run.stderr + run.log).not.toContain("::error");
    expect(run.exitCode).toBe(0);
    outputs = run.outputs;
    expect(run.log).not.toContain(USER.password);
    expect(run.masks).toContain(USER.password);
    expect(run.summary).toContain(
      "| Artifact | Kind | Digest | Stored in registry | GitHub attestation |",
    );
    expect(run.summary).toContain("wasm\\-component");
    expect(run.summary).toContain("sha256\\-tag index");
  });
  afterAll(async () => {
    await Promise.all([services?.close(), registry?.close()]);
  });

  // Later options win, so a test's own --repo replaces the default.
  const verify = (...args: string[]) =>
    runCli(
      ["attest", "verify", "--repo", REPOSITORY, "--trusted-root", services.trustedRoot, ...args],
      { env: { DOCKER_CONFIG: configDir } },
    );

  it("attests a wasm component and a multi-platform index in one step, one signature for both", () => {
    const subjects = JSON.parse(outputs.subjects as string);
    expect(subjects.map((s: { digest: string }) => s.digest)).toEqual([
      component.digest,
      image.digest,
    ]);
    expect(subjects.map((s: { kind: string }) => s.kind)).toEqual([
      "wasm-component",
      "image-index",
    ]);
    expect(subjects.every((s: { storage: string }) => s.storage === "tag-fallback")).toBe(true);
    expect(services.sigstore.requests.fulcio).toBe(1);
    expect(services.sigstore.requests.tsa).toBe(1);
    expect(outputs.digests).toBe(`${component.digest}\n${image.digest}`);
  });

  it("stores the bundle with GitHub once, indexed by every subject digest", async () => {
    const subjects = JSON.parse(outputs.subjects as string);
    const id = subjects[0]["attestation-id"];
    expect(id).toBeTypeOf("number");
    expect(subjects[1]["attestation-id"]).toBe(id);
    expect(outputs["attestation-url"]).toBe(`https://github.com/${REPOSITORY}/attestations/${id}`);
    const repository = services.github.state.repository(REPOSITORY);
    expect(repository.attestations).toHaveLength(1);
    expect(repository.attestations[0]?.subjectDigests.sort()).toEqual(
      [component.digest, image.digest].sort(),
    );
  });

  it("keeps the referrer in the sha256-<digest> tag index with its predicate type", async () => {
    const index = await push.client.getManifest(
      { registry: registry.host, repository: "wasmcloud/wasmcloud" },
      fallbackTag(image.digest),
    );
    const document = JSON.parse(index?.bytes.toString() ?? "{}");
    expect(document.manifests).toHaveLength(1);
    expect(document.manifests[0].artifactType).toBe(
      "application/vnd.dev.sigstore.bundle.v0.3+json",
    );
    expect(document.manifests[0].annotations["dev.sigstore.bundle.predicateType"]).toBe(
      "https://slsa.dev/provenance/v1",
    );
  });

  it("verifies both artifacts from the registry with the CLI", async () => {
    const result = await verify(
      component.reference,
      image.reference,
      "--workflow",
      WORKFLOW,
      "--predicate-type",
      "https://slsa.dev/provenance/v1",
    );
    const signer =
      "verified, signed by https://github.com/wasmcloud/wasmcloud/.github/workflows/release.yml@refs/heads/main";
    expect(result.stdout).toContain(`${component.reference} (${component.digest}): ${signer}`);
    expect(result.stdout).toContain(`${image.reference} (${image.digest}): ${signer}`);
    expect(result.exitCode).toBe(0);
  });

  it("verifies both in the action's verify mode", async () => {
    const run = await services.attestOci(
      {
        mode: "verify",
        subjects: `${component.reference}\n${image.reference}`,
        "trusted-root": services.trustedRoot,
        "signer-workflow": WORKFLOW,
      },
      { env: { DOCKER_CONFIG: configDir } },
    );
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verified).toBe("true");
    expect(run.summary).toContain("verified");
  });

  it("expects a GHE.com tenant's own issuer in the action's verify mode", async () => {
    // The bundles were signed under github.com's issuer: on a tenant they are not its runs.
    const run = await services.attestOci(
      {
        mode: "verify",
        subjects: image.reference,
        "trusted-root": services.trustedRoot,
        "signer-workflow": WORKFLOW,
      },
      { env: { DOCKER_CONFIG: configDir, GITHUB_SERVER_URL: "https://octo.ghe.com" } },
    );
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verified).toBe("false");
    expect(run.stdout).toContain(
      "issuer check failed: OIDC issuer is 'https://token.actions.githubusercontent.com', expected 'https://token.actions.octo.ghe.com'",
    );
  });

  it("rejects a signer from another repository or workflow, naming the identity check", async () => {
    const evil = await verify(image.reference, "--repo", "wasmcloud/wasmcloud-evil");
    expect(evil.exitCode).toBe(1);
    expect(evil.stdout).toContain("identity check failed");
    const other = await verify(image.reference, "--workflow", ".github/workflows/ci.yml");
    expect(other.exitCode).toBe(1);
    expect(other.stdout).toContain("identity check failed");
  });

  it("rejects an image that has no attestation", async () => {
    const unattested = await push.wasmComponent("wasmcloud/components/unattested", "v1");
    const result = await verify(unattested.reference);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("missing attestation");
  });

  it("rejects a stored statement about another digest and a tampered statement", async () => {
    const target = await push.wasmComponent("wasmcloud/components/target", "v1");
    const subject = await resolveSubject(push.client, parseImageReference(target.reference));
    const otherDigest = { sha256: "0f".repeat(32) };
    const aboutOther = await services.sigstore.sign(
      { subjects: [{ name: "other", digest: otherDigest }] },
      { claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW }) },
    );
    const options = {
      predicateType: "https://slsa.dev/provenance/v1",
      created: new Date().toISOString(),
    };
    await pushReferrer(push.client, subject, Buffer.from(JSON.stringify(aboutOther)), {
      ...options,
      statementDigest: "sha256:1",
    });

    const genuine = await services.sigstore.sign(
      { subjects: [{ name: "target", digest: otherDigest }] },
      { claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW }) },
    );
    const envelope = genuine.dsseEnvelope as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString());
    statement.subject[0].digest.sha256 = subject.digest.replace("sha256:", "");
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    await pushReferrer(push.client, subject, Buffer.from(JSON.stringify(genuine)), {
      ...options,
      statementDigest: "sha256:2",
    });
    const result = await verify(target.reference);
    expect(result.exitCode).toBe(1);
    // Both referrers were appended to the fallback index, neither replacing the other, and each
    // is rejected at its own check.
    expect(result.stdout).toContain("subject-digest check failed");
    expect(result.stdout).toContain("signature check failed");
    expect(result.stdout.match(/check failed/g)).toHaveLength(2);
  });

  it("passes over a referrer that is not JSON, but not over a signer of another repository", async () => {
    const options = {
      predicateType: "https://slsa.dev/provenance/v1",
      created: new Date().toISOString(),
    };
    const withJunk = async (name: string) => {
      const pushed = await push.wasmComponent(`wasmcloud/components/${name}`, "v1");
      const subject = await resolveSubject(push.client, parseImageReference(pushed.reference));
      await pushReferrer(push.client, subject, Buffer.from("{not json"), {
        ...options,
        statementDigest: "sha256:3",
      });
      return { pushed, subject };
    };

    const attested = await withJunk("junk-then-good");
    const run = await services.attestOci(
      // Kept out of GitHub's store, which a later test counts.
      { subjects: attested.pushed.reference, "github-attestations": "false" },
      { env: { DOCKER_CONFIG: configDir } },
    );
    expect(run.exitCode).toBe(0);
    const good = await verify(attested.pushed.reference, "--json");
    expect(good.exitCode).toBe(0);
    expect(JSON.parse(good.stdout)[0].verified).toBe(true);

    const foreign = await withJunk("junk-then-foreign");
    const byOther = await services.sigstore.sign(
      {
        subjects: [
          { name: "foreign", digest: { sha256: foreign.subject.digest.replace("sha256:", "") } },
        ],
      },
      { claims: githubClaims({ repository: `${REPOSITORY}-fork`, workflow: WORKFLOW }) },
    );
    await pushReferrer(push.client, foreign.subject, Buffer.from(JSON.stringify(byOther)), {
      ...options,
      statementDigest: "sha256:4",
    });
    const rejected = await verify(foreign.pushed.reference);
    expect(rejected.exitCode).toBe(1);
    expect(rejected.stdout).toContain("bundle check failed");
    expect(rejected.stdout).toContain("identity check failed");
  });

  it("passes over a referrer holding no bundle and one whose manifest is missing, naming each", async () => {
    const pushed = await push.wasmComponent("wasmcloud/components/broken-referrers", "v1");
    const attested = await services.attestOci(
      { subjects: pushed.reference, "github-attestations": "false" },
      { env: { DOCKER_CONFIG: configDir } },
    );
    expect(attested.exitCode).toBe(0);
    const subject = await resolveSubject(push.client, parseImageReference(pushed.reference));
    const location = subject.reference;
    const config = {
      mediaType: OCI_EMPTY,
      digest: await push.client.pushBlob(location, EMPTY_CONFIG),
      size: EMPTY_CONFIG.length,
    };
    const store = async (annotations: Record<string, string>) => {
      const bytes = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: SIGSTORE_BUNDLE_V03,
          config,
          layers: [config],
          annotations,
        }),
      );
      await push.client.putManifest(location, sha256Digest(bytes), bytes, OCI_MANIFEST);
      return {
        mediaType: OCI_MANIFEST,
        digest: sha256Digest(bytes),
        size: bytes.length,
        artifactType: SIGSTORE_BUNDLE_V03,
        annotations: { [ANNOTATION.predicateType]: "https://slsa.dev/provenance/v1" },
      };
    };
    // Listed ahead of the genuine attestation: a JSON manifest with no Sigstore bundle layer,
    // and one deleted after it was indexed.
    const noBundle = await store({ kind: "no bundle" });
    const missing = await store({ kind: "deleted" });
    const tag = fallbackTag(subject.digest);
    const index = JSON.parse(
      (await push.client.getManifest(location, tag))?.bytes.toString("utf8") ?? "{}",
    );
    index.manifests = [noBundle, missing, ...index.manifests];
    await push.client.putManifest(location, tag, Buffer.from(JSON.stringify(index)), OCI_INDEX);
    const login = Buffer.from(`${USER.username}:${USER.password}`).toString("base64");
    const deleted = await fetch(
      `http://${registry.host}/v2/${location.repository}/manifests/${missing.digest}`,
      { method: "DELETE", headers: { authorization: `Basic ${login}` } },
    );
    expect(deleted.status).toBe(202);

    const good = await verify(pushed.reference, "--json");
    expect(good.exitCode).toBe(0);
    expect(JSON.parse(good.stdout)[0].verified).toBe(true);
    const rejected = await verify(pushed.reference, "--repo", `${REPOSITORY}-fork`);
    expect(rejected.stderr).not.toContain("Error:");
    expect(rejected.exitCode).toBe(1);
    expect(rejected.stdout).toContain(`referrer ${noBundle.digest} holds no Sigstore bundle layer`);
    expect(rejected.stdout).toContain(
      `referrer ${missing.digest} is listed but its manifest is missing`,
    );
    expect(rejected.stdout).toContain("identity check failed");
  });

  it("does not sign or store again when the same step is re-run", async () => {
    const before = { ...services.sigstore.requests };
    const run = await services.attestOci(
      { subjects: `${component.reference}\n${image.reference}` },
      { env: { DOCKER_CONFIG: configDir } },
    );
    expect(run.exitCode).toBe(0);
    const subjects = JSON.parse(run.outputs.subjects as string);
    expect(subjects.every((s: { reused: boolean }) => s.reused)).toBe(true);
    expect(services.sigstore.requests.fulcio).toBe(before.fulcio);
    const index = await push.client.getManifest(
      { registry: registry.host, repository: "wasmcloud/wasmcloud" },
      fallbackTag(image.digest),
    );
    expect(JSON.parse(index?.bytes.toString() ?? "{}").manifests).toHaveLength(1);
    expect(services.github.state.repository(REPOSITORY).attestations).toHaveLength(1);
  });

  it("verifies provenance by default: an artifact holding only an SBOM does not pass", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-sbom-only-"));
    const predicatePath = join(dir, "sbom.spdx.json");
    writeFileSync(predicatePath, JSON.stringify({ spdxVersion: "SPDX-2.3", name: "sbom-only" }));
    const spdx = "https://spdx.dev/Document/v2.3";
    const sbomOnly = await push.wasmComponent("wasmcloud/components/sbom-only", "v1");
    const run = await services.attestOci(
      { subjects: sbomOnly.reference, "predicate-type": spdx, "predicate-path": predicatePath },
      { env: { DOCKER_CONFIG: configDir } },
    );
    expect(run.exitCode).toBe(0);
    const byDefault = await verify(sbomOnly.reference);
    expect(byDefault.exitCode).toBe(1);
    const bySbom = await verify(sbomOnly.reference, "--predicate-type", spdx);
    expect(bySbom.exitCode).toBe(0);
  });

  it("appends a custom-predicate attestation next to the provenance, and verifies each by type", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-predicate-"));
    const predicatePath = join(dir, "sbom.spdx.json");
    writeFileSync(predicatePath, JSON.stringify({ spdxVersion: "SPDX-2.3", name: "wasmcloud" }));
    const spdx = "https://spdx.dev/Document/v2.3";
    const run = await services.attestOci(
      { subjects: image.reference, "predicate-type": spdx, "predicate-path": predicatePath },
      { env: { DOCKER_CONFIG: configDir } },
    );
    expect(run.exitCode).toBe(0);
    const index = await push.client.getManifest(
      { registry: registry.host, repository: "wasmcloud/wasmcloud" },
      fallbackTag(image.digest),
    );
    const types = JSON.parse(index?.bytes.toString() ?? "{}").manifests.map(
      (d: { annotations: Record<string, string> }) =>
        d.annotations["dev.sigstore.bundle.predicateType"],
    );
    expect(types).toEqual(["https://slsa.dev/provenance/v1", spdx]);
    const bySbom = await verify(image.reference, "--predicate-type", spdx, "--json");
    expect(bySbom.exitCode).toBe(0);
    expect(JSON.parse(bySbom.stdout)[0].verified).toBe(true);
  });
});
