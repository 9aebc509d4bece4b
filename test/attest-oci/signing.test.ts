import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { choosePredicate, runClaims, slsaProvenance } from "../../src/attest-oci/provenance.ts";
import { signingEndpoints } from "../../src/attest-oci/sign.ts";
import { githubClaims } from "../harness/sigstore.ts";

describe("choosing the Sigstore instance", () => {
  const base = { sigstore: "auto" as const, serverUrl: "https://github.com" };

  it("signs public repositories with public-good Sigstore and private ones with GitHub's", () => {
    expect(signingEndpoints({ ...base, visibility: "public" })).toEqual({
      instance: "public-good",
      fulcioUrl: "https://fulcio.sigstore.dev",
      rekorUrl: "https://rekor.sigstore.dev",
      tsaUrl: undefined,
    });
    for (const visibility of ["private", "internal", undefined]) {
      expect(signingEndpoints({ ...base, visibility })).toEqual({
        instance: "github",
        fulcioUrl: "https://fulcio.githubapp.com",
        rekorUrl: undefined,
        tsaUrl: "https://timestamp.githubapp.com",
      });
    }
  });

  it("uses a GHE.com tenant's own instance, an explicit choice, or explicit URLs", () => {
    const tenant = signingEndpoints({
      ...base,
      serverUrl: "https://acme.ghe.com",
      visibility: "private",
    });
    expect(tenant.fulcioUrl).toBe("https://fulcio.acme.ghe.com");
    expect(signingEndpoints({ ...base, sigstore: "github", visibility: "public" }).instance).toBe(
      "github",
    );
    const custom = signingEndpoints({
      ...base,
      visibility: "public",
      fulcioUrl: "http://f",
      tsaUrl: "http://t",
    });
    expect(custom).toEqual({
      instance: "custom",
      fulcioUrl: "http://f",
      rekorUrl: undefined,
      tsaUrl: "http://t",
    });
    expect(() =>
      signingEndpoints({ ...base, visibility: "public", fulcioUrl: "http://f" }),
    ).toThrow(/'tsa-url'/);
  });
});

describe("provenance", () => {
  const claims = runClaims(
    githubClaims({
      repository: "wasmcloud/wasmcloud",
      workflow: ".github/workflows/release.yml",
      ref: "refs/tags/v1.2.0",
      sha: "c".repeat(40),
      runId: 99,
      runAttempt: 2,
    }),
  );

  it("builds SLSA provenance v1 from the run: builder, workflow, commit, run and attempt", () => {
    const predicate = slsaProvenance(claims, "https://github.com") as {
      buildDefinition: {
        externalParameters: { workflow: unknown };
        resolvedDependencies: unknown[];
      };
      runDetails: { builder: { id: string }; metadata: { invocationId: string } };
    };
    expect(predicate.buildDefinition.externalParameters.workflow).toEqual({
      ref: "refs/tags/v1.2.0",
      repository: "https://github.com/wasmcloud/wasmcloud",
      path: ".github/workflows/release.yml",
    });
    expect(predicate.buildDefinition.resolvedDependencies).toEqual([
      {
        uri: "git+https://github.com/wasmcloud/wasmcloud@refs/tags/v1.2.0",
        digest: { gitCommit: "c".repeat(40) },
      },
    ]);
    expect(predicate.runDetails.builder.id).toBe(
      "https://github.com/wasmcloud/wasmcloud/.github/workflows/release.yml@refs/tags/v1.2.0",
    );
    expect(predicate.runDetails.metadata.invocationId).toBe(
      "https://github.com/wasmcloud/wasmcloud/actions/runs/99/attempts/2",
    );
  });

  it("names a workflow whose file name holds an '@' by its whole path", () => {
    const predicate = slsaProvenance(
      runClaims(githubClaims({ workflow: ".github/workflows/ci@v2.yml" })),
      "https://github.com",
    ) as { buildDefinition: { externalParameters: { workflow: { path: string } } } };
    expect(predicate.buildDefinition.externalParameters.workflow.path).toBe(
      ".github/workflows/ci@v2.yml",
    );
  });

  it("refuses a token without the run's claims, naming them", () => {
    expect(() => runClaims({ repository: "a/b" })).toThrow(/lacks the claims ref, sha/);
  });

  it("reads a custom predicate from a file, and names both inputs when one is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sg-predicate-"));
    const file = join(dir, "sbom.json");
    writeFileSync(file, JSON.stringify({ spdxVersion: "SPDX-2.3" }));
    const custom = await choosePredicate(
      { predicateType: "https://spdx.dev/Document/v2.3", predicatePath: file },
      claims,
      "https://github.com",
    );
    expect(custom).toEqual({
      predicateType: "https://spdx.dev/Document/v2.3",
      predicate: { spdxVersion: "SPDX-2.3" },
    });
    await expect(
      choosePredicate({ predicateType: undefined, predicatePath: file }, claims, ""),
    ).rejects.toThrow(/'predicate-type'/);
    await expect(
      choosePredicate({ predicateType: "https://x", predicatePath: undefined }, claims, ""),
    ).rejects.toThrow(/'predicate-path'/);
    writeFileSync(file, "[1]");
    await expect(
      choosePredicate({ predicateType: "https://x", predicatePath: file }, claims, ""),
    ).rejects.toThrow(/not a JSON object/);
  });
});
