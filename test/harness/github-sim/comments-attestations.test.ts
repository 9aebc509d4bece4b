import { describe, expect, test } from "vitest";
import { startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const REPO = "/repos/octo-org/app";
const DIGEST = `sha256:${"ab".repeat(32)}`;

/** A bundle shaped like what `actions/attest` uploads, with an in-toto statement inside. */
function bundleFor(digestHex: string, predicateType = "https://slsa.dev/provenance/v1") {
  const statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "ghcr.io/octo-org/app", digest: { sha256: digestHex } }],
    predicateType,
    predicate: {},
  };
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { certificate: { rawBytes: "MIIB" } },
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString("base64"),
      payloadType: "application/vnd.in-toto+json",
      signatures: [{ sig: "MEUC" }],
    },
  };
}

describe("issue comments", () => {
  test("creates, lists, updates and deletes comments on a pull request", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const pull = repo.addPullRequest({ head: "feature" });
    repo.addIssueComment({ issueNumber: pull.number, body: "First!", user: "mona" });

    const created = await call(sim, "POST", `${REPO}/issues/${pull.number}/comments`, {
      body: { body: "<!-- status-gate --> all green" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      body: "<!-- status-gate --> all green",
      user: { login: "github-actions[bot]", type: "Bot" },
    });
    expect(created.body.html_url).toContain(`/pull/${pull.number}#issuecomment-`);

    const listed = await call(sim, "GET", `${REPO}/issues/${pull.number}/comments`);
    expect(listed.body.map((comment: { body: string }) => comment.body)).toEqual([
      "First!",
      "<!-- status-gate --> all green",
    ]);

    const updated = await call(sim, "PATCH", `${REPO}/issues/comments/${created.body.id}`, {
      body: { body: "<!-- status-gate --> one failure" },
    });
    expect(updated.body.body).toBe("<!-- status-gate --> one failure");
    expect((await call(sim, "GET", `${REPO}/issues/comments/${created.body.id}`)).body.body).toBe(
      "<!-- status-gate --> one failure",
    );

    expect((await call(sim, "DELETE", `${REPO}/issues/comments/${created.body.id}`)).status).toBe(
      204,
    );
    expect((await call(sim, "GET", `${REPO}/issues/comments/${created.body.id}`)).status).toBe(404);
  });

  test("answers 404 for comments on an issue that does not exist", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    repo.addIssue({ number: 7 });
    expect((await call(sim, "GET", `${REPO}/issues/7/comments`)).status).toBe(200);
    expect((await call(sim, "GET", `${REPO}/issues/8/comments`)).status).toBe(404);
  });
});

describe("attestations", () => {
  test("stores a bundle and finds it by subject digest in the repository, org and user views", async () => {
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    const personal = sim.state.addRepository({ owner: "mona", name: "tool", ownerType: "User" });
    personal.addAttestation(bundleFor("cd".repeat(32)));

    const created = await call(sim, "POST", `${REPO}/attestations`, {
      body: { bundle: bundleFor("ab".repeat(32)) },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toEqual(expect.any(Number));

    const inRepo = await call(sim, "GET", `${REPO}/attestations/${DIGEST}`);
    expect(inRepo.body.attestations).toHaveLength(1);
    expect(inRepo.body.attestations[0].bundle.dsseEnvelope.payloadType).toBe(
      "application/vnd.in-toto+json",
    );
    expect((await call(sim, "GET", `/orgs/octo-org/attestations/${DIGEST}`)).status).toBe(200);
    expect(
      (await call(sim, "GET", `/users/mona/attestations/sha256:${"cd".repeat(32)}`)).status,
    ).toBe(200);
    // An organisation is not a user, and the reverse.
    expect((await call(sim, "GET", `/users/octo-org/attestations/${DIGEST}`)).status).toBe(404);
  });

  test("filters by predicate type, accepting GitHub's short names", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    repo.addAttestation(bundleFor("ab".repeat(32)));
    repo.addAttestation(bundleFor("ab".repeat(32), "https://spdx.dev/Document/v2.3"));
    const count = async (predicate: string) =>
      (
        await call(
          sim,
          "GET",
          `${REPO}/attestations/${DIGEST}?predicate_type=${encodeURIComponent(predicate)}`,
        )
      ).body?.attestations?.length ?? 0;
    expect(await count("provenance")).toBe(1);
    expect(await count("sbom")).toBe(1);
    expect(await count("https://slsa.dev/provenance/v1")).toBe(1);
    expect(await count("https://example.com/custom")).toBe(0);
  });

  test("pages by before/after cursors in Link headers, never by page number, and its links validate", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const ids = Array.from({ length: 5 }, () => repo.addAttestation(bundleFor("ab".repeat(32))).id);
    const idsOf = (body: { attestations: { bundle_url: string }[] }) =>
      body.attestations.map((entry) =>
        Number(/attestations\/(\d+)\/bundle$/.exec(entry.bundle_url)?.[1]),
      );
    const relation = (link: string | null, rel: string) =>
      new RegExp(`<([^>]+)>; rel="${rel}"`).exec(link ?? "")?.[1];

    const pages: number[][] = [];
    let next: string | undefined = `${sim.url}${REPO}/attestations/${DIGEST}?per_page=2`;
    let lastLink: string | null = null;
    while (next) {
      const url = new URL(next);
      expect(url.searchParams.has("page")).toBe(false);
      const response = await call(sim, "GET", url.pathname + url.search);
      expect(response.status).toBe(200);
      pages.push(idsOf(response.body));
      lastLink = response.headers.get("link");
      next = relation(lastLink, "next");
      if (next) expect(new URL(next).searchParams.get("after")).toMatch(/^[\w-]+$/);
      expect(lastLink ?? "").not.toMatch(/rel="(first|last)"/);
    }
    expect(pages).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);

    // Back from the last page through `prev` (a `before` cursor) to the page before it.
    const prev = new URL(relation(lastLink, "prev") ?? "");
    expect(prev.searchParams.has("before")).toBe(true);
    const back = await call(sim, "GET", prev.pathname + prev.search);
    expect(idsOf(back.body)).toEqual(ids.slice(2, 4));
    sim.assertNoViolations();
  });

  test("refuses a cursor it never gave out, and both cursors at once", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    repo.addAttestation(bundleFor("ab".repeat(32)));
    const bogus = await call(sim, "GET", `${REPO}/attestations/${DIGEST}?after=bm9wZQ`);
    expect(bogus.status).toBe(422);
    const both = await call(sim, "GET", `${REPO}/attestations/${DIGEST}?after=x&before=y`);
    expect(both.status).toBe(422);
  });

  test("answers 404 when nothing was attested for the digest", async () => {
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    expect((await call(sim, "GET", `${REPO}/attestations/${DIGEST}`)).status).toBe(404);
  });

  test("refuses a bundle without an in-toto subject", async () => {
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    const response = await call(sim, "POST", `${REPO}/attestations`, {
      body: { bundle: { mediaType: "x" } },
    });
    expect(response.status).toBe(422);
  });
});
