import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";

let sigstore: SigstoreHarness;
beforeAll(async () => {
  sigstore = await startSigstoreHarness();
});
afterAll(() => sigstore.close());

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
}

describe("the Sigstore harness", () => {
  it("serves ID tokens the way the runner does, for the audience asked", async () => {
    const env = sigstore.runnerEnv(githubClaims({ repository: "wasmcloud/wash", runId: 42 }));
    const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL as string);
    url.searchParams.append("audience", "sigstore");
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    });
    const { value } = (await response.json()) as { value: string };
    const claims = claimsOf(value);
    expect(claims).toMatchObject({
      aud: "sigstore",
      repository: "wasmcloud/wash",
      run_id: "42",
      job_workflow_ref: "wasmcloud/wash/.github/workflows/release.yml@refs/heads/main",
      iss: "https://token.actions.githubusercontent.com",
    });
  });

  it("refuses a token request without the job's request token", async () => {
    const env = sigstore.runnerEnv(githubClaims());
    const response = await fetch(env.ACTIONS_ID_TOKEN_REQUEST_URL as string, {
      headers: { authorization: "Bearer not-the-token" },
    });
    expect(response.status).toBe(401);
  });

  it("publishes the token signing keys under the issuer's discovery document", async () => {
    const discovery = (await (
      await fetch(`${sigstore.issuerUrl}/.well-known/openid-configuration`)
    ).json()) as { jwks_uri: string };
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kty: string }[] };
    expect(jwks.keys[0]?.kty).toBe("EC");
  });

  it("has Fulcio refuse a token it did not sign", async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ ...githubClaims(), aud: "sigstore" })).toString("base64url")}.`;
    const response = await fetch(`${sigstore.fulcioUrl}/api/v2/signingCert`, {
      method: "POST",
      body: JSON.stringify({ credentials: { oidcIdentityToken: forged } }),
    });
    expect(response.status).toBe(401);
  });

  it("counts signing requests per service", async () => {
    const before = { ...sigstore.requests };
    await sigstore.sign({ subjects: [{ name: "a", digest: { sha256: "12".repeat(32) } }] });
    expect(sigstore.requests.fulcio - before.fulcio).toBe(1);
    expect(sigstore.requests.tsa - before.tsa).toBe(1);
  });
});
