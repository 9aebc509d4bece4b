import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AttestationExpectation,
  checkAttestation,
  matchesSubjectAlternativeName,
  parseTrustedRoots,
  verifyAttestation,
} from "../../src/core/sigstore/index.ts";
import { escapeRegExp } from "../../src/core/text.ts";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";

let sigstore: SigstoreHarness;
beforeAll(async () => {
  sigstore = await startSigstoreHarness();
});
afterAll(() => sigstore.close());

const hex = "ab".repeat(32);
const subjects = [{ name: "ghcr.io/wasmcloud/http-hello", digest: { sha256: hex } }];
const expectation: AttestationExpectation = {
  digest: `sha256:${hex}`,
  identity: { repository: "wasmcloud/wasmcloud", workflow: ".github/workflows/release.yml" },
  predicateType: "https://slsa.dev/provenance/v1",
};

function failedCheck(bundle: unknown, expected: AttestationExpectation = expectation) {
  const result = checkAttestation(bundle, expected, sigstore.trustMaterial);
  if (result.ok) throw new Error("expected the verification to fail");
  return result;
}

describe("verifying a Sigstore bundle", () => {
  it("accepts a bundle signed by the expected workflow about the artifact", async () => {
    const bundle = await sigstore.sign({ subjects });
    const verified = verifyAttestation(bundle, expectation, sigstore.trustMaterial);
    expect(verified.statement.subject).toEqual(subjects);
    expect(verified.signer.subjectAlternativeName).toBe(
      "https://github.com/wasmcloud/wasmcloud/.github/workflows/release.yml@refs/heads/main",
    );
    expect(verified.signer.issuer).toBe("https://token.actions.githubusercontent.com");
  });

  it("accepts the v0.3 bundle under its legacy media type and as a v0.2 chain", async () => {
    const bundle = (await sigstore.sign({ subjects })) as unknown as {
      mediaType: string;
      verificationMaterial: Record<string, unknown> & { certificate: unknown };
    };
    const legacy = { ...bundle, mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.3" };
    expect(checkAttestation(legacy, expectation, sigstore.trustMaterial).ok).toBe(true);
    const { certificate, ...material } = bundle.verificationMaterial;
    const v02 = {
      ...bundle,
      mediaType: "application/vnd.dev.sigstore.bundle+json;version=0.2",
      verificationMaterial: { ...material, x509CertificateChain: { certificates: [certificate] } },
    };
    expect(checkAttestation(v02, expectation, sigstore.trustMaterial).ok).toBe(true);
  });

  it("rejects a tampered statement at the signature check", async () => {
    const bundle = (await sigstore.sign({ subjects })) as unknown as {
      dsseEnvelope: { payload: string };
    };
    const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString());
    statement.subject[0].digest.sha256 = "cd".repeat(32);
    const tampered = {
      ...bundle,
      dsseEnvelope: {
        ...bundle.dsseEnvelope,
        payload: Buffer.from(JSON.stringify(statement)).toString("base64"),
      },
    };
    const result = failedCheck(tampered, { ...expectation, digest: `sha256:${"cd".repeat(32)}` });
    expect(result.check).toBe("signature");
    expect(result.message).toMatch(/^signature check failed/);
  });

  it("rejects another repository, including one whose name starts with the expected one", async () => {
    for (const repository of [
      "wasmcloud/wasmcloud-evil",
      "evil/wasmcloud",
      "xwasmcloud/wasmcloud",
    ]) {
      const bundle = await sigstore.sign({ subjects }, { claims: githubClaims({ repository }) });
      const result = failedCheck(bundle);
      expect(result.check).toBe("identity");
      expect(result.message).toContain(repository);
    }
  });

  it("rejects another workflow of the right repository and a workflow whose name extends it", async () => {
    for (const workflow of [".github/workflows/ci.yml", ".github/workflows/release.yml.evil.yml"]) {
      const bundle = await sigstore.sign({ subjects }, { claims: githubClaims({ workflow }) });
      expect(failedCheck(bundle).check).toBe("identity");
    }
  });

  it("rejects a reusable workflow of another repository run from the right one", async () => {
    const claims = githubClaims({
      jobWorkflowRef: "evil/actions/.github/workflows/release.yml@refs/heads/main",
    });
    const bundle = await sigstore.sign({ subjects }, { claims });
    expect(failedCheck(bundle).check).toBe("identity");
  });

  it("checks the ref only when one is expected", async () => {
    const bundle = await sigstore.sign(
      { subjects },
      { claims: githubClaims({ ref: "refs/tags/v1.0.0" }) },
    );
    expect(checkAttestation(bundle, expectation, sigstore.trustMaterial).ok).toBe(true);
    const pinned = {
      ...expectation,
      identity: { ...expectation.identity, ref: "refs/heads/main" },
    };
    expect(failedCheck(bundle, pinned).check).toBe("identity");
  });

  it("rejects a GitHub Actions certificate without the source repository extension", async () => {
    const { repository: _omitted, ...claims } = githubClaims();
    const bundle = await sigstore.sign({ subjects }, { claims });
    const result = failedCheck(bundle);
    expect(result.check).toBe("identity");
    expect(result.message).toContain("source repository URI extension (1.3.6.1.4.1.57264.1.12)");
  });

  it("rejects a certificate from another OIDC issuer", async () => {
    const claims = { ...githubClaims(), iss: "https://token.actions.evil.example" };
    const bundle = await sigstore.sign({ subjects }, { claims });
    const result = failedCheck(bundle);
    expect(result.check).toBe("issuer");
    expect(result.message).toContain("https://token.actions.evil.example");
  });

  it("rejects a statement about another digest", async () => {
    const bundle = await sigstore.sign({ subjects });
    const result = failedCheck(bundle, { ...expectation, digest: `sha256:${"ef".repeat(32)}` });
    expect(result.check).toBe("subject-digest");
    expect(result.message).toContain(`sha256:${"ef".repeat(32)}`);
  });

  it("rejects another predicate type", async () => {
    const bundle = await sigstore.sign({
      subjects,
      predicateType: "https://spdx.dev/Document/v2.3",
    });
    const result = failedCheck(bundle);
    expect(result.check).toBe("predicate-type");
    expect(result.message).toContain("https://spdx.dev/Document/v2.3");
  });

  it("rejects a certificate that had expired when it was timestamped", async () => {
    const bundle = await sigstore.sign({ subjects }, { authority: "expired" });
    expect(failedCheck(bundle).check).toBe("certificate-chain");
  });

  it("rejects a certificate from an authority outside the trusted root", async () => {
    const bundle = await sigstore.sign({ subjects }, { authority: "unknown" });
    expect(failedCheck(bundle).check).toBe("certificate-chain");
  });

  it("accepts a log entry instead of a TSA timestamp from a custom instance whose root lists a log", async () => {
    const bundle = await sigstore.sign({ subjects }, { timestamp: "rekor", authority: "unknown" });
    const material = (bundle as unknown as { verificationMaterial: { tlogEntries: unknown[] } })
      .verificationMaterial;
    expect(material.tlogEntries).toHaveLength(1);
    const result = checkAttestation(bundle, expectation, sigstore.allTrust);
    expect(result.ok && result.attestation.instance).toBe("custom");
  });

  it("refuses a log-only bundle from GitHub's instance, which needs a signed timestamp", async () => {
    const bundle = await sigstore.sign({ subjects }, { timestamp: "rekor" });
    const result = failedCheck(bundle);
    expect(result.check).toBe("timestamp");
    expect(result.message).toContain("signed timestamp");
  });

  it("refuses a TSA-only bundle from a custom instance whose root lists a log", async () => {
    const bundle = await sigstore.sign({ subjects }, { authority: "unknown" });
    const result = checkAttestation(bundle, expectation, sigstore.allTrust);
    expect(result.ok ? "verified" : result.check).toBe("transparency-log");
  });

  it("verifies bundles of both instances against one file holding both roots, no SCT asked of GitHub's", async () => {
    const github = await sigstore.sign({ subjects });
    const custom = await sigstore.sign({ subjects }, { timestamp: "rekor", authority: "unknown" });
    const both = [github, custom].map((bundle) =>
      checkAttestation(bundle, expectation, sigstore.allTrust),
    );
    expect(both.map((r) => (r.ok ? r.attestation.instance : r.message))).toEqual([
      "github",
      "custom",
    ]);
  });

  it("rejects a transparency log entry that was altered", async () => {
    const bundle = (await sigstore.sign(
      { subjects },
      { timestamp: "rekor", authority: "unknown" },
    )) as unknown as {
      verificationMaterial: { tlogEntries: { logIndex: string }[] };
    };
    const entry = bundle.verificationMaterial.tlogEntries[0] as { logIndex: string };
    entry.logIndex = String(Number(entry.logIndex) + 1);
    const result = checkAttestation(bundle, expectation, sigstore.allTrust);
    expect(result.ok ? "verified" : result.check).toBe("transparency-log");
  });

  it("rejects a bundle without a timestamp", async () => {
    const bundle = (await sigstore.sign({ subjects })) as unknown as {
      verificationMaterial: Record<string, unknown>;
    };
    const untimed = {
      ...bundle,
      verificationMaterial: {
        ...bundle.verificationMaterial,
        timestampVerificationData: { rfc3161Timestamps: [] },
      },
    };
    expect(failedCheck(untimed).check).toBe("timestamp");
  });

  it("rejects what is not a Sigstore bundle", () => {
    expect(failedCheck({ mediaType: "application/json" }).check).toBe("bundle");
    expect(failedCheck(null).check).toBe("bundle");
  });
});

describe("matching the signer's workflow", () => {
  const expected = { repository: "wasmcloud/wasmcloud", workflow: ".github/workflows/release.yml" };

  it("matches repository names case-insensitively and workflow paths exactly", () => {
    const base = "https://github.com/WasmCloud/WASMCLOUD";
    expect(
      matchesSubjectAlternativeName(
        `${base}/.github/workflows/release.yml@refs/heads/main`,
        expected,
      ),
    ).toBe(true);
    expect(
      matchesSubjectAlternativeName(
        `${base}/.github/workflows/Release.yml@refs/heads/main`,
        expected,
      ),
    ).toBe(false);
  });

  it("never matches a name that only contains the expected one", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (prefix, suffix) => {
        const name = `${prefix}https://github.com/wasmcloud/wasmcloud/.github/workflows/release.yml@refs/heads/main${suffix}`;
        const matches = matchesSubjectAlternativeName(name, expected);
        // Only an empty prefix and a suffix that extends the ref can match.
        expect(matches).toBe(false);
      }),
    );
  });

  it("treats every character of a repository or workflow name literally", () => {
    const safe = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
    fc.assert(
      fc.property(safe, safe, safe, (owner, repo, file) => {
        const identity = {
          repository: `${owner}/${repo}`,
          workflow: `.github/workflows/${file}.yml`,
        };
        const exact = `https://github.com/${owner}/${repo}/.github/workflows/${file}.yml@refs/tags/v1`;
        expect(matchesSubjectAlternativeName(exact, identity)).toBe(true);
        // A dot in the expected name must not stand for any character.
        const mangled = exact.replace(/\./g, "x");
        if (mangled !== exact) expect(matchesSubjectAlternativeName(mangled, identity)).toBe(false);
      }),
    );
  });

  it("escapes text so that a pattern built from it matches only itself", () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (text, extra) => {
        const pattern = new RegExp(`^${escapeRegExp(text)}$`);
        expect(pattern.test(text)).toBe(true);
        expect(pattern.test(text + extra)).toBe(false);
      }),
    );
  });
});

describe("reading trusted roots", () => {
  it("reads one JSON document or JSON lines, naming the line that is not JSON", () => {
    expect(parseTrustedRoots('{"a":1}', "root.json")).toEqual([{ a: 1 }]);
    expect(parseTrustedRoots('{"a":1}\n{"b":2}\n', "roots.jsonl")).toEqual([{ a: 1 }, { b: 2 }]);
    expect(() => parseTrustedRoots('{"a":1}\nnope', "roots.jsonl")).toThrow(/roots\.jsonl:2/);
  });
});
