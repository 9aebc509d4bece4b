import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runClaims, slsaProvenance } from "../../src/attest-oci/provenance.ts";
import { buildStatement, SLSA_PROVENANCE_V1 } from "../../src/core/sigstore/index.ts";
import { githubClaims } from "../harness/sigstore.ts";
import {
  dockerConfig,
  REPOSITORY,
  type Services,
  startServices,
  USER,
  verifyCli,
  WORKFLOW,
} from "./fixtures.ts";
import { plantReferrer, type SeededImage, seedImage } from "./hostile.ts";
import { type OciDouble, startOciDouble } from "./oci-double.ts";

// The re-run promise on a registry with the referrers API: forgeries planted before the first
// attempt and before the re-run (another repository's bundle of this very statement, and a
// replay of this workflow's bundle from another run) never pass for the run's own. The run ends
// with a valid attestation on every image, reports each forgery, deletes nothing, and every
// bundle-paths file is a bundle that verifies for its own subject.

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("re-running after forged referrers, on the referrers API", () => {
  let services: Services;
  let registry: OciDouble;
  let images: SeededImage[];
  let workspace: string;
  const claims = githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId: 9000 });
  const file = { name: "wash", text: "the wash binary" };

  beforeAll(async () => {
    [services, registry] = await Promise.all([
      startServices(),
      startOciDouble({ auth: { scheme: "basic", ...USER } }),
    ]);
    images = [seedImage(registry, "rerun/a", "v1"), seedImage(registry, "rerun/b", "v1")];
    workspace = mkdtempSync(join(tmpdir(), "sg-rerun-api-"));
    writeFileSync(join(workspace, file.name), file.text);
  });
  afterAll(async () => {
    await Promise.all([services?.close(), registry?.close()]);
  });

  /** This run's statement, as anyone can compute it from the run's public facts. */
  function statementOfRun() {
    return buildStatement(
      [
        ...images.map((i) => ({
          name: `${registry.host}/${i.name}`,
          digest: { sha256: i.digest.slice(7) },
        })),
        { name: file.name, digest: { sha256: sha(file.text) } },
      ],
      SLSA_PROVENANCE_V1,
      slsaProvenance(runClaims(claims), "https://github.com"),
    );
  }

  const attest = () =>
    services.attestOci(
      {
        subjects: images.map((i) => i.reference).join("\n"),
        "subject-path": file.name,
        "registry-username": USER.username,
        "registry-password": USER.password,
      },
      { claims, workspace },
    );

  const verifyBundle = (bundle: string, digest: string) =>
    verifyCli(services.trustedRoot, [
      "--bundle",
      bundle,
      "--digest",
      digest,
      "--workflow",
      WORKFLOW,
    ]);

  async function checkOutputs(run: Awaited<ReturnType<typeof attest>>) {
    expect(run.exitCode).toBe(0);
    const subjects = JSON.parse(run.outputs.subjects as string);
    const paths = (run.outputs["bundle-paths"] as string).split("\n");
    const digests = (run.outputs.digests as string).split("\n");
    expect(digests).toEqual([...images.map((i) => i.digest), `sha256:${sha(file.text)}`]);
    expect(paths).toHaveLength(3);
    for (const [index, path] of paths.entries()) {
      const checked = await verifyBundle(path, digests[index] as string);
      expect(checked.exitCode, `${path} for ${digests[index]}`).toBe(0);
    }
    expect(subjects.every((s: { "attestation-id": unknown }) => s["attestation-id"])).toBe(true);
    expect(run.outputs["attestation-id"]).not.toBe("");
    return subjects as { "referrer-digest": string; reused: boolean }[];
  }

  it("signs anew past a forgery of this statement, and reuses only its own bundle on a re-run", async () => {
    const statement = statementOfRun();
    const statementDigest = `sha256:${sha(JSON.stringify(statement))}`;
    const foreign = await services.sigstore.sign(statement, {
      claims: githubClaims({ repository: "mallory/wasmcloud", workflow: WORKFLOW, runId: 9000 }),
    });
    const planted = plantReferrer(registry, images[0] as SeededImage, JSON.stringify(foreign), {
      "dev.status-gate.statement.digest": statementDigest,
    });
    const first = await attest();
    const firstSubjects = await checkOutputs(first);
    expect(firstSubjects.map((s) => s.reused)).toEqual([false, false, false]);
    const notices = first.annotations.map((a) => a.message).join("\n");
    expect(notices).toContain(`referrer ${planted.digest} claims this run's statement`);

    // Before the re-run: this workflow's genuine bundle from another run, claiming this statement.
    const replay = await services.sigstore.sign(
      {
        subjects: [{ name: "x", digest: { sha256: (images[1] as SeededImage).digest.slice(7) } }],
      },
      { claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId: 8999 }) },
    );
    const replayed = plantReferrer(registry, images[1] as SeededImage, JSON.stringify(replay), {
      "dev.status-gate.statement.digest": statementDigest,
    });
    const fulcio = services.sigstore.requests.fulcio;
    const second = await attest();
    const secondSubjects = await checkOutputs(second);
    expect(services.sigstore.requests.fulcio).toBe(fulcio);
    expect(secondSubjects.slice(0, 2).map((s) => s.reused)).toEqual([true, true]);
    expect(secondSubjects.slice(0, 2).map((s) => s["referrer-digest"])).toEqual(
      firstSubjects.slice(0, 2).map((s) => s["referrer-digest"]),
    );
    // The replay is never taken for the run's own; the forgery before the valid one is named again.
    expect(secondSubjects[1]?.["referrer-digest"]).not.toBe(replayed.digest);
    expect(second.annotations.map((a) => a.message).join("\n")).toContain(
      `referrer ${planted.digest} claims this run's statement but does not verify`,
    );
    expect(registry.writes.filter((w) => w.startsWith("DELETE"))).toEqual([]);
    const config = dockerConfig({ [registry.host]: USER });
    for (const image of images) {
      const verified = await verifyCli(
        services.trustedRoot,
        [image.reference, "--workflow", WORKFLOW],
        { DOCKER_CONFIG: config },
      );
      expect(verified.exitCode).toBe(0);
    }
  });
});
