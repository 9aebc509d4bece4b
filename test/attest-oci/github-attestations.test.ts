import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGitHubClient } from "../../src/core/github.ts";
import {
  fetchGitHubAttestations,
  nextPageQuery,
  verifyAttestation,
  writeGitHubAttestation,
} from "../../src/core/sigstore/index.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";

let sigstore: SigstoreHarness;
let github: GitHubSimulator;
beforeAll(async () => {
  [sigstore, github] = await Promise.all([startSigstoreHarness(), startGitHubSimulator()]);
  github.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
});
afterAll(async () => {
  await Promise.all([sigstore.close(), github.close()]);
});

describe("GitHub's attestations API", () => {
  const repository = { owner: "wasmcloud", repo: "wasmcloud" };
  const hex = "5a".repeat(32);

  it("stores bundles and fetches them back for a subject digest, of one predicate type or all", async () => {
    const client = createGitHubClient({ token: github.token, apiUrl: github.url });
    const ids = [];
    for (const predicateType of [
      "https://slsa.dev/provenance/v1",
      "https://slsa.dev/provenance/v1",
      "https://spdx.dev/Document/v2.3",
    ]) {
      const bundle = await sigstore.sign({
        subjects: [{ name: "release.tar.gz", digest: { sha256: hex } }],
        predicateType,
      });
      ids.push(await writeGitHubAttestation(client, repository, bundle));
    }
    expect(new Set(ids).size).toBe(3);
    const all = await fetchGitHubAttestations(client, repository, `sha256:${hex}`);
    expect(all).toHaveLength(3);
    for (const { bundle } of all) {
      const verified = verifyAttestation(
        bundle,
        { digest: `sha256:${hex}`, identity: { repository: "wasmcloud/wasmcloud" } },
        sigstore.trustMaterial,
      );
      expect(verified.statement.subject[0]?.name).toBe("release.tar.gz");
    }
    const provenance = await fetchGitHubAttestations(client, repository, `sha256:${hex}`, {
      predicateType: "https://slsa.dev/provenance/v1",
    });
    expect(provenance).toHaveLength(2);
  });

  it("fetches every attestation across pages by following the simulator's `after` cursor links", async () => {
    const client = createGitHubClient({ token: github.token, apiUrl: github.url });
    const digestHex = "6b".repeat(32);
    for (const name of ["a.tar.gz", "b.tar.gz", "c.tar.gz"]) {
      const bundle = await sigstore.sign({
        subjects: [{ name, digest: { sha256: digestHex } }],
        predicateType: "https://slsa.dev/provenance/v1",
      });
      await writeGitHubAttestation(client, repository, bundle);
    }
    const before = github.count("repos/list-attestations");
    const all = await fetchGitHubAttestations(client, repository, `sha256:${digestHex}`, {
      pageSize: 2,
    });
    expect(all).toHaveLength(3);
    const pages = github.requestsFor("repos/list-attestations").slice(before);
    expect(pages).toHaveLength(2);
    const query = (url: string) => new URL(url, github.url).searchParams;
    expect(query(pages[0]?.url ?? "").has("after")).toBe(false);
    expect(query(pages[1]?.url ?? "").get("after")).toEqual(expect.any(String));
    expect(pages.every((request) => !query(request.url).has("page"))).toBe(true);
    github.assertNoViolations();
  });

  it("follows GitHub's cursor links to the next page and stops on the last", () => {
    const base = "https://api.github.com/repos/a/b/attestations/sha256:1";
    const link = `<${base}?per_page=2&after=Y3Vyc29y>; rel="next", <${base}?per_page=2&before=Zmlyc3Q>; rel="prev"`;
    expect(nextPageQuery(link)).toEqual({ per_page: "2", after: "Y3Vyc29y" });
    expect(nextPageQuery(`<${base}?before=x>; rel="prev"`)).toBeUndefined();
    expect(nextPageQuery(undefined)).toBeUndefined();
  });

  it("returns nothing for a digest nobody attested", async () => {
    const client = createGitHubClient({ token: github.token, apiUrl: github.url });
    expect(await fetchGitHubAttestations(client, repository, `sha256:${"00".repeat(32)}`)).toEqual(
      [],
    );
  });
});
