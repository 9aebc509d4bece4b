import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fallbackTag } from "../../src/attest-oci/oci.ts";
import { runClaims, slsaProvenance } from "../../src/attest-oci/provenance.ts";
import { parseImageReference, subjectName } from "../../src/attest-oci/reference.ts";
import { pushReferrer } from "../../src/attest-oci/store.ts";
import { resolveSubject } from "../../src/attest-oci/subjects.ts";
import { buildStatement, SLSA_PROVENANCE_V1 } from "../../src/core/sigstore/index.ts";
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

// A referrer's `dev.status-gate.statement.digest` annotation is anyone's to write: the statement
// is predictable from the run's claims. Planted before the run, a forgery must not pass for the
// run's own attestation: the run signs, stores a valid one beside it and names the forgery.
describe.skipIf(!available)(
  "a forged referrer planted before a re-run, on distribution 2.8",
  () => {
    let services: Services;
    let registry: Distribution;
    let configDir: string;
    let image: PushedArtifact;
    let workspace: string;
    let forgedDigest: string;
    const claims = githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId: 4242 });
    const files = { "wash-x86_64-linux": "binary one", "wash-aarch64-darwin": "binary two" };
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");

    beforeAll(async () => {
      [services, registry] = await Promise.all([
        startServices(),
        startDistribution({ auth: USER }),
      ]);
      configDir = dockerConfig({ [registry.host]: USER });
      const push = pusher(registry.host, USER);
      image = await push.wasmComponent("wasmcloud/components/forged", "v1");
      workspace = mkdtempSync(join(tmpdir(), "sg-release-"));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(workspace, name), text);
      // The statement this run will sign, computed the way the run computes it.
      const statement = buildStatement(
        [
          {
            name: subjectName(parseImageReference(image.reference)),
            digest: { sha256: image.digest.slice(7) },
          },
          ...Object.entries(files).map(([name, text]) => ({ name, digest: { sha256: sha(text) } })),
        ],
        SLSA_PROVENANCE_V1,
        slsaProvenance(runClaims(claims), "https://github.com"),
      );
      const statementDigest = `sha256:${sha(JSON.stringify(statement))}`;
      // A real bundle of the same statement, signed by another repository's workflow.
      const forged = await services.sigstore.sign(statement, {
        claims: githubClaims({ repository: "mallory/wasmcloud", workflow: WORKFLOW, runId: 4242 }),
      });
      const subject = await resolveSubject(push.client, parseImageReference(image.reference));
      const planted = await pushReferrer(
        push.client,
        subject,
        Buffer.from(JSON.stringify(forged)),
        {
          predicateType: SLSA_PROVENANCE_V1,
          statementDigest,
          created: new Date().toISOString(),
        },
      );
      forgedDigest = planted.digest;
    });
    afterAll(async () => {
      await Promise.all([services?.close(), registry?.close()]);
    });

    const attest = () =>
      services.attestOci(
        { subjects: image.reference, "subject-path": "wash-*" },
        { env: { DOCKER_CONFIG: configDir }, claims, workspace },
      );
    const verifyImage = () =>
      runCli(
        [
          "attest",
          "verify",
          image.reference,
          "--repo",
          REPOSITORY,
          "--workflow",
          WORKFLOW,
          "--trusted-root",
          services.trustedRoot,
        ],
        { env: { DOCKER_CONFIG: configDir } },
      );

    /** `attest verify` offline against the harness's trusted root. */
    const verifyOffline = (...args: string[]) =>
      runCli(
        ["attest", "verify", ...args, "--repo", REPOSITORY, "--trusted-root", services.trustedRoot],
        { env: {} },
      );

    it("signs anew, keeps the forgery, names it, and leaves a valid attestation on the image", async () => {
      const before = services.sigstore.requests.fulcio;
      const run = await attest();
      expect(run.exitCode).toBe(0);
      expect(services.sigstore.requests.fulcio).toBe(before + 1);
      const subjects = JSON.parse(run.outputs.subjects as string);
      expect(subjects[0].reused).toBe(false);
      expect(subjects[0]["referrer-digest"]).not.toBe(forgedDigest);
      const notices = run.annotations.filter((a) => a.level === "notice").map((a) => a.message);
      expect(notices.join("\n")).toContain(
        `referrer ${forgedDigest} claims this run's statement but does not verify (identity check failed`,
      );
      const index = await pusher(registry.host, USER).client.getManifest(
        { registry: registry.host, repository: "wasmcloud/components/forged" },
        fallbackTag(image.digest),
      );
      const digests = JSON.parse(index?.bytes.toString() ?? "{}").manifests.map(
        (d: { digest: string }) => d.digest,
      );
      expect(digests).toEqual([forgedDigest, subjects[0]["referrer-digest"]]);
      const verified = await verifyImage();
      expect(verified.stdout).toContain("verified");
      expect(verified.exitCode).toBe(0);
    });

    it("attests the files in the same signature and writes <file>.sigstore.json beside each", async () => {
      for (const name of Object.keys(files)) {
        const path = join(workspace, name);
        expect(existsSync(`${path}.sigstore.json`)).toBe(true);
        const result = await verifyOffline("--file", path, "--workflow", WORKFLOW);
        expect(result.stdout).toContain("verified");
        expect(result.exitCode).toBe(0);
      }
      const bundles = Object.keys(files).map((name) =>
        readFileSync(join(workspace, `${name}.sigstore.json`), "utf8"),
      );
      expect(new Set(bundles).size).toBe(1);
      const tampered = join(workspace, "wash-x86_64-linux");
      writeFileSync(tampered, "another binary");
      const refused = await verifyOffline("--file", tampered);
      expect(refused.stdout).toContain("subject-digest check failed");
      expect(refused.exitCode).toBe(1);
      writeFileSync(tampered, files["wash-x86_64-linux"]);
    });

    it("a re-run reuses its own verified bundle: no new signature, no duplicate, outputs complete", async () => {
      const before = services.sigstore.requests.fulcio;
      const stored = services.github.state.repository(REPOSITORY).attestations.length;
      const run = await attest();
      expect(run.exitCode).toBe(0);
      expect(services.sigstore.requests.fulcio).toBe(before);
      const subjects = JSON.parse(run.outputs.subjects as string);
      expect(subjects[0].reused).toBe(true);
      expect(subjects[0]["attestation-id"]).toBeTypeOf("number");
      expect(run.outputs["attestation-url"]).toContain("/attestations/");
      expect(services.github.state.repository(REPOSITORY).attestations).toHaveLength(stored);
      // Each bundle-paths file is that subject's own bundle, and it verifies for that subject.
      const paths = (run.outputs["bundle-paths"] as string).split("\n");
      expect(paths).toHaveLength(3);
      const check = await verifyOffline("--bundle", paths[0] as string, "--digest", image.digest);
      expect(check.exitCode).toBe(0);
    });
  },
);
