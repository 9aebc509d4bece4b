import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AttestationExpectation,
  checkAttestation,
  type ExpectedIdentity,
  trustFromRoots,
} from "../../src/core/sigstore/index.ts";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";

// Certificates a verifier must not take on trust: each is issued by a CA of the trusted root and
// carries a valid signature and timestamp, yet leaves a pinned part of the identity unchecked or
// an instance's policy unmet. None may verify; each refusal names its check.

let sigstore: SigstoreHarness;
beforeAll(async () => {
  sigstore = await startSigstoreHarness();
});
afterAll(() => sigstore.close());

const hex = "cd".repeat(32);
const subjects = [{ name: "ghcr.io/wasmcloud/wasmcloud", digest: { sha256: hex } }];
const REPOSITORY = "wasmcloud/wasmcloud";
const RELEASE = ".github/workflows/release.yml";

function verdict(bundle: unknown, identity: ExpectedIdentity, trust = sigstore.trustMaterial) {
  const expectation: AttestationExpectation = { digest: `sha256:${hex}`, identity };
  const result = checkAttestation(bundle, expectation, trust);
  return result.ok ? "verified" : result.message;
}

describe("identities that leave a pin unchecked", () => {
  it("refuses a certificate without the source repository extension under any issuer", async () => {
    const issuer = "https://token.actions.githubusercontent.com/wasmcloud";
    const { repository: _dropped, ...claims } = githubClaims();
    claims.iss = issuer;
    const bundle = await sigstore.sign({ subjects }, { claims });
    expect(verdict(bundle, { repository: REPOSITORY, issuer })).toMatch(
      /^identity check failed: certificate lacks the source repository URI extension/,
    );
  });

  it("refuses a certificate without the source ref extension when a ref is pinned", async () => {
    // A workflow file whose name carries an '@' makes the name itself look pinned to a tag.
    const { ref: _dropped, ...claims } = githubClaims({
      ref: "refs/heads/evil",
      jobWorkflowRef: `${REPOSITORY}/${RELEASE}@refs/tags/v9.yml@refs/heads/evil`,
    });
    const bundle = await sigstore.sign({ subjects }, { claims });
    expect(verdict(bundle, { repository: REPOSITORY, workflow: RELEASE })).toMatch(
      /^identity check failed/,
    );
    expect(verdict(bundle, { repository: REPOSITORY, ref: "refs/tags/*" })).toMatch(
      /^identity check failed: .*source repository ref/,
    );
  });

  it("checks the calling workflow when a reusable workflow elsewhere signed", async () => {
    const shared = "wasmcloud/shared/.github/workflows/build.yml";
    const claims = githubClaims({
      workflow: ".github/workflows/anything.yml",
      jobWorkflowRef: `${shared}@refs/heads/main`,
    });
    const bundle = await sigstore.sign({ subjects }, { claims });
    const pinned = { repository: REPOSITORY, signerWorkflow: shared };
    expect(verdict(bundle, pinned)).toBe("verified");
    expect(verdict(bundle, { ...pinned, workflow: RELEASE })).toMatch(
      /^identity check failed: the calling workflow is 'https:\/\/github\.com\/wasmcloud\/wasmcloud\/\.github\/workflows\/anything\.yml@refs\/heads\/main', not \.github\/workflows\/release\.yml/,
    );
    const fromRelease = await sigstore.sign(
      { subjects },
      { claims: githubClaims({ workflow: RELEASE, jobWorkflowRef: `${shared}@refs/heads/main` }) },
    );
    expect(verdict(fromRelease, { ...pinned, workflow: RELEASE })).toBe("verified");
    expect(
      verdict(fromRelease, {
        repository: REPOSITORY,
        signerRepository: "wasmcloud/shared",
        workflow: RELEASE,
      }),
    ).toBe("verified");
    expect(
      verdict(bundle, {
        repository: REPOSITORY,
        signerRepository: "wasmcloud/shared",
        workflow: RELEASE,
      }),
    ).toMatch(/^identity check failed: the calling workflow/);
  });

  it("refuses a pull request's merge ref and a branch where a tag is pinned", async () => {
    for (const ref of ["refs/pull/12/merge", "refs/heads/v1.2.0", "refs/heads/refs/tags/v1.2.0"]) {
      const bundle = await sigstore.sign(
        { subjects },
        { claims: githubClaims({ ref, workflow: RELEASE }) },
      );
      expect(
        verdict(bundle, { repository: REPOSITORY, workflow: RELEASE, ref: "refs/tags/*" }),
      ).toMatch(/^identity check failed/);
    }
  });
});

describe("instance policy from the trusted root", () => {
  it("requires an SCT from a custom instance whose root lists a CT log", async () => {
    const bundle = await sigstore.sign({ subjects }, { authority: "unlogged", timestamp: "rekor" });
    expect(verdict(bundle, { repository: REPOSITORY }, sigstore.allTrust)).toMatch(
      /^certificate-transparency check failed/,
    );
    const logged = await sigstore.sign({ subjects }, { authority: "unknown", timestamp: "rekor" });
    expect(verdict(logged, { repository: REPOSITORY }, sigstore.allTrust)).toBe("verified");
  });

  it("requires an SCT under a root that names public-good's CA", async () => {
    const root = structuredClone(sigstore.customTrustedRoot) as {
      certificateAuthorities: { subject: { organization: string }; uri: string }[];
    };
    for (const ca of root.certificateAuthorities) {
      ca.subject.organization = "sigstore.dev";
      ca.uri = "https://fulcio.sigstore.dev";
    }
    const publicGood = trustFromRoots([root]);
    expect(publicGood.roots[0]?.instance).toBe("public-good");
    const unlogged = await sigstore.sign(
      { subjects },
      { authority: "unlogged", timestamp: "rekor" },
    );
    expect(verdict(unlogged, { repository: REPOSITORY }, publicGood)).toMatch(
      /^certificate-transparency check failed/,
    );
    const logged = await sigstore.sign({ subjects }, { authority: "unknown", timestamp: "rekor" });
    expect(verdict(logged, { repository: REPOSITORY }, publicGood)).toBe("verified");
  });
});

describe("bundles whose parts cannot be parsed", () => {
  it("refuses a signing certificate that is not DER as a failed check, never a crash", async () => {
    const bundle = (await sigstore.sign({ subjects })) as unknown as {
      verificationMaterial: { certificate: { rawBytes: string } };
    };
    for (const rawBytes of ["vycg", "rX", Buffer.from([0x30, 0x82, 0xff]).toString("base64")]) {
      const broken = structuredClone(bundle);
      broken.verificationMaterial.certificate.rawBytes = rawBytes;
      expect(verdict(broken, { repository: REPOSITORY })).toMatch(
        /^certificate-chain check failed: /,
      );
    }
  });

  it("refuses any field of a valid bundle replaced or removed with a named check, never a throw", async () => {
    const bundle = await sigstore.sign({ subjects });
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (path.length > 0) paths.push(path);
      if (value && typeof value === "object") {
        for (const [key, child] of Object.entries(value)) {
          walk(child, [...path, Array.isArray(value) ? Number(key) : key]);
        }
      }
    };
    walk(bundle, []);
    const identity = { repository: REPOSITORY };
    fc.assert(
      fc.property(
        fc.constantFrom(...paths),
        fc.option(fc.jsonValue(), { nil: undefined }),
        (path, value) => {
          const copy = structuredClone(bundle) as unknown as Record<string | number, unknown>;
          let parent = copy;
          for (const key of path.slice(0, -1)) parent = parent[key] as typeof copy;
          const last = path.at(-1) as string | number;
          const original = JSON.stringify(parent[last]);
          if (value === undefined) delete parent[last];
          else parent[last] = value;
          const result = verdict(copy, identity);
          // Only a change that leaves what is signed and checked alone may still verify: a
          // value replaced by itself, or the DSSE signature's key id hint.
          if (result === "verified") {
            expect(JSON.stringify(parent[last]) === original || last === "keyid").toBe(true);
          } else {
            expect(result).toMatch(/^[a-z-]+ check failed: /);
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

describe("statements of odd shapes from the expected signer", () => {
  // What the signer wrote is signed, so no property test of the bundle reaches it: a workflow
  // of the repository (any of them, unless --workflow is pinned) can sign any JSON it likes.
  it("refuses digests that are not strings with a named check, never a throw", async () => {
    const statement = (digest: unknown, extra: Record<string, unknown> = {}) => ({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: "ghcr.io/wasmcloud/wasmcloud", digest }],
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: {},
      ...extra,
    });
    const shapes = [
      statement({ sha256: 5 }),
      statement({ sha256: [hex] }),
      statement({ sha256: { hex } }),
      statement({ sha256: true }),
      statement("sha256:cdcd"),
      statement({ sha256: hex }, { subject: [{ name: "x", digest: { sha256: hex } }, 7] }),
    ];
    for (const shape of shapes) {
      const bundle = await sigstore.sign(shape as never);
      expect(verdict(bundle, { repository: REPOSITORY }), JSON.stringify(shape)).toMatch(
        /^(statement|subject-digest) check failed: /,
      );
    }
  });
});

describe("timestamps outside what the trusted root allows", () => {
  const identity = { repository: REPOSITORY };
  const signAt = async (offsetMs: number) => {
    sigstore.setTsaClockOffset(offsetMs);
    try {
      return await sigstore.sign({ subjects });
    } finally {
      sigstore.setTsaClockOffset(0);
    }
  };

  it("refuses a timestamp from before the certificate was issued, and from after it expired", async () => {
    expect(verdict(await signAt(-60 * 60_000), identity)).toMatch(
      /^(certificate-chain|timestamp) check failed: /,
    );
    expect(verdict(await signAt(60 * 60_000), identity)).toMatch(
      /^(certificate-chain|timestamp) check failed: /,
    );
    expect(verdict(await signAt(0), identity)).toBe("verified");
  });

  it("refuses a timestamp authority or a CA outside the validity the trusted root gives it", async () => {
    const bundle = await sigstore.sign({ subjects });
    const ended = new Date(Date.now() - 60 * 60_000).toISOString();
    const root = sigstore.trustedRoot as {
      timestampAuthorities: { validFor: Record<string, string> }[];
      certificateAuthorities: { validFor: Record<string, string> }[];
    };
    const tsaEnded = structuredClone(root);
    for (const tsa of tsaEnded.timestampAuthorities) tsa.validFor.end = ended;
    expect(verdict(bundle, identity, trustFromRoots([tsaEnded]))).toMatch(
      /^timestamp check failed: /,
    );
    const caEnded = structuredClone(root);
    for (const ca of caEnded.certificateAuthorities) ca.validFor.end = ended;
    expect(verdict(bundle, identity, trustFromRoots([caEnded]))).toMatch(
      /^certificate-chain check failed: /,
    );
  });
});
