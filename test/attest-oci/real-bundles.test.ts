import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type AttestationExpectation,
  checkAttestation,
  type ExpectedIdentity,
  parseTrustedRoots,
  trustFromRoots,
} from "../../src/core/sigstore/index.ts";

// Bundles and a trusted root that nobody here made: cli/cli's test data (MIT), kept as they were
// published (see fixtures/real/README.md). Each verdict below is the one `gh attestation verify`
// gives for the same bundle, and each refusal names its check.

const DIR = join(import.meta.dirname, "fixtures/real/cli-cli");
const read = (name: string) => readFileSync(join(DIR, name));
const bundle = (name: string): Record<string, unknown> => {
  const text = read(name).toString("utf8").trim();
  return JSON.parse(name.endsWith(".jsonl") ? (text.split("\n")[0] as string) : text);
};
const digestOf = (name: string, algorithm = "sha256") =>
  `${algorithm}:${createHash(algorithm).update(read(name)).digest("hex")}`;
const publicGood = trustFromRoots(
  parseTrustedRoots(read("trusted_root.json").toString("utf8"), "trusted_root.json"),
  "trusted_root.json",
);

const SIGSTORE_JS: AttestationExpectation = {
  digest: digestOf("sigstore-js-2.1.0.tgz", "sha512"),
  identity: { repository: "sigstore/sigstore-js" },
  predicateType: "https://slsa.dev/provenance/v1",
};

function verdict(json: unknown, expectation: AttestationExpectation) {
  const result = checkAttestation(json, expectation, publicGood);
  return result.ok ? `verified (${result.attestation.instance})` : result.message;
}

function reusable(identity: Partial<ExpectedIdentity>): AttestationExpectation {
  return {
    digest: digestOf("reusable-workflow-artifact"),
    identity: { repository: "malancas/attest-demo", ...identity },
  };
}

describe("real public-good bundles", () => {
  it("classifies cli/cli's trusted root as public-good", () => {
    expect(publicGood.roots.map((root) => root.instance)).toEqual(["public-good"]);
  });

  it("verifies sigstore-js 2.1.0's npm provenance: SCT, Rekor inclusion proof, identity, digest", () => {
    expect(verdict(bundle("sigstore-js-2.1.0-bundle.json"), SIGSTORE_JS)).toBe(
      "verified (public-good)",
    );
  });

  it("pins the workflow and a tag pattern, and refuses a ref the run was not for", () => {
    const pinned = {
      ...SIGSTORE_JS,
      identity: {
        repository: "sigstore/sigstore-js",
        workflow: ".github/workflows/release.yml",
        ref: "refs/heads/*",
      },
    };
    expect(verdict(bundle("sigstore-js-2.1.0-bundle.json"), pinned)).toBe("verified (public-good)");
    const tags = { ...SIGSTORE_JS, identity: { ...pinned.identity, ref: "refs/tags/*" } };
    expect(verdict(bundle("sigstore-js-2.1.0-bundle.json"), tags)).toMatch(
      /^identity check failed/,
    );
  });

  it("refuses the same attestation as a v0.1 bundle, as gh does", () => {
    expect(verdict(bundle("sigstore-js-2.1.0-bundle-v0.1.json"), SIGSTORE_JS)).toMatch(
      /^bundle check failed: bundle v0\.1 is not supported/,
    );
  });

  it("refuses another repository, another digest and another predicate type, naming each check", () => {
    const json = bundle("sigstore-js-2.1.0-bundle.json");
    expect(
      verdict(json, { ...SIGSTORE_JS, identity: { repository: "sigstore/sigstore-j" } }),
    ).toMatch(/^identity check failed/);
    expect(verdict(json, { ...SIGSTORE_JS, digest: digestOf("sigstore-js-2.1.0.tgz") })).toMatch(
      /^subject-digest check failed/,
    );
    expect(
      verdict(json, { ...SIGSTORE_JS, predicateType: "https://spdx.dev/Document/v2.3" }),
    ).toMatch(/^predicate-type check failed/);
  });

  it("refuses tampered copies: statement, log entry, missing log entry", () => {
    const original = bundle("sigstore-js-2.1.0-bundle.json");
    const envelope = original.dsseEnvelope as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    statement.predicate.buildDefinition.externalParameters.workflow.ref = "refs/heads/evil";
    const forged = {
      ...original,
      dsseEnvelope: {
        ...envelope,
        payload: Buffer.from(JSON.stringify(statement)).toString("base64"),
      },
    };
    // The log entry records the envelope's hash, so the log check sees the change first.
    expect(verdict(forged, SIGSTORE_JS)).toMatch(/^(signature|transparency-log) check failed/);

    const material = original.verificationMaterial as { tlogEntries: Record<string, unknown>[] };
    const entry = material.tlogEntries[0] as { inclusionProof: { logIndex: string } };
    const moved = structuredClone(original) as typeof original;
    const movedEntry = (moved.verificationMaterial as typeof material)
      .tlogEntries[0] as typeof entry;
    movedEntry.inclusionProof.logIndex = String(Number(entry.inclusionProof.logIndex) + 1);
    expect(verdict(moved, SIGSTORE_JS)).toMatch(/^transparency-log check failed/);

    const unlogged = {
      ...original,
      verificationMaterial: { ...material, tlogEntries: [] },
    };
    expect(verdict(unlogged, SIGSTORE_JS)).toMatch(
      /^transparency-log check failed: public-good Sigstore requires a Rekor transparency log entry/,
    );
    const unproven = structuredClone(original) as typeof original;
    delete (
      (unproven.verificationMaterial as typeof material).tlogEntries[0] as Record<string, unknown>
    ).inclusionProof;
    expect(verdict(unproven, SIGSTORE_JS)).toMatch(
      /^transparency-log check failed: a Rekor entry has no inclusion proof/,
    );
  });

  it("refuses a bundle whose signature is not the one its log entry recorded", () => {
    const expectation = { ...SIGSTORE_JS, identity: { repository: "bdehamer/sigstore-js" } };
    expect(verdict(bundle("sigstoreBundle-invalid-signature.json"), expectation)).toBe(
      "transparency-log check failed: tlog entry signature mismatch",
    );
  });

  it("verifies a reusable workflow pinned by SHA only with --signer-repo or --signer-workflow", () => {
    const json = bundle("reusable-workflow-attestation.sigstore.json");
    expect(verdict(json, reusable({}))).toMatch(
      /^identity check failed: signed by 'https:\/\/github\.com\/github\/artifact-attestations-workflows\/.*', not by a workflow of malancas\/attest-demo/,
    );
    expect(
      verdict(json, reusable({ signerRepository: "github/artifact-attestations-workflows" })),
    ).toBe("verified (public-good)");
    const workflow = "github/artifact-attestations-workflows/.github/workflows/attest.yml";
    expect(verdict(json, reusable({ signerWorkflow: workflow }))).toBe("verified (public-good)");
    expect(
      verdict(
        json,
        reusable({ signerWorkflow: `${workflow}@09b495c3f12c7881b3cc17209a327792065c1a1d` }),
      ),
    ).toBe("verified (public-good)");
    expect(verdict(json, reusable({ signerWorkflow: `${workflow}@${"0".repeat(40)}` }))).toMatch(
      /^identity check failed/,
    );
    // The caller's repository is still checked: another caller of the same workflow is refused.
    expect(
      verdict(json, {
        ...reusable({ signerRepository: "github/artifact-attestations-workflows" }),
        identity: {
          repository: "someone/else",
          signerRepository: "github/artifact-attestations-workflows",
        },
      }),
    ).toMatch(/^identity check failed: source repository/);
    expect(
      verdict(
        json,
        reusable({
          signerRepository: "github/artifact-attestations-workflows",
          ref: "refs/tags/*",
        }),
      ),
    ).toMatch(/^identity check failed: the run was for ref 'refs\/heads\/main'/);
  });

  it("verifies an enterprise token issuer only when it is the one expected", () => {
    const json = bundle("custom-issuer.sigstore.json");
    const expectation = {
      digest: digestOf("custom-issuer-artifact"),
      identity: { repository: "too-legit/attest" },
    };
    expect(verdict(json, expectation)).toMatch(/^issuer check failed.*hammer-time/);
    expect(
      verdict(json, {
        ...expectation,
        identity: {
          ...expectation.identity,
          issuer: "https://token.actions.githubusercontent.com/hammer-time",
        },
      }),
    ).toBe("verified (public-good)");
  });
});

describe("a real GitHub-instance bundle", () => {
  const expectation = {
    digest: digestOf("github_provenance_demo-0.0.12-py3-none-any.whl"),
    identity: { repository: "actions/attest-demo" },
  };

  it("is refused at the certificate chain when only public-good is trusted, as gh with that root", () => {
    expect(
      verdict(bundle("github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl"), expectation),
    ).toMatch(
      /^certificate-chain check failed: the signing certificate was not issued by a certificate authority of any trusted root \(trusted_root\.json \(public-good\)\)/,
    );
  });

  it("refuses copies without a certificate or without verification material", () => {
    expect(
      verdict(
        bundle("github_provenance_demo-0.0.12-py3-none-any-bundle-missing-cert.jsonl"),
        expectation,
      ),
    ).toMatch(/^bundle check failed: the bundle is signed with a public key/);
    expect(
      verdict(
        bundle(
          "github_provenance_demo-0.0.12-py3-none-any-bundle-missing-verification-material.jsonl",
        ),
        expectation,
      ),
    ).toBe("bundle check failed: the bundle has no verificationMaterial");
  });

  it("refuses a message signature: a signed digest is not an attestation", () => {
    const json = bundle("github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl");
    const { dsseEnvelope: _, ...rest } = json;
    const signed = {
      ...rest,
      messageSignature: {
        messageDigest: { algorithm: "SHA2_256", digest: Buffer.alloc(32).toString("base64") },
        signature: Buffer.alloc(8).toString("base64"),
      },
    };
    expect(verdict(signed, expectation)).toMatch(
      /^bundle check failed: the bundle holds a message signature/,
    );
  });
});
