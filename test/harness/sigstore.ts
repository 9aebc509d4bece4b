import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { bundleToJSON, type SerializedBundle } from "@sigstore/bundle";
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
} from "@sigstore/mock";
import {
  DSSEBundleBuilder,
  FulcioSigner,
  RekorWitness,
  TSAWitness,
  type Witness,
} from "@sigstore/sign";
import {
  buildStatement,
  IN_TOTO_PAYLOAD_TYPE,
  type InTotoStatement,
  type StatementSubject,
} from "../../src/core/sigstore/index.ts";
import { type SigstoreTrust, trustFromRoots } from "../../src/core/sigstore/trust.ts";

/**
 * Sigstore on loopback for tests: the `@sigstore/mock` Fulcio and TSA served over HTTP, and an
 * OIDC token endpoint that honours the runner's `ACTIONS_ID_TOKEN_REQUEST_URL` /
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN` contract with GitHub-shaped claims.
 *
 * ```ts
 * await using sigstore = await startSigstoreHarness();
 * const env = sigstore.runnerEnv(githubClaims({ repository: "wasmcloud/wasmcloud" }));
 * // run the action with env and inputs fulcio-url/tsa-url = sigstore.fulcioUrl/tsaUrl, then:
 * verifyAttestation(bundle, { digest, identity: { repository: "wasmcloud/wasmcloud" } },
 *   sigstore.trustMaterial);
 * // or sign a statement here, as a release workflow would have:
 * const bundle = await sigstore.sign({ subjects: [{ name: "app.tar.gz", digest: { sha256 } }] });
 * ```
 *
 * Fulcio checks the OIDC token's signature and audience like the real one, and names the
 * certificate after `job_workflow_ref` (`https://github.com/<owner>/<repo>/<path>@<ref>`), with
 * the GitHub extensions (issuer, source repository, ref, digest, run) taken from the claims.
 */
export interface SigstoreHarness extends AsyncDisposable {
  /** Fulcio whose certificates chain to the trusted root. */
  fulcioUrl: string;
  /** Fulcio of the same CA whose certificates expired long before they are used. */
  expiredFulcioUrl: string;
  /** Fulcio of a CA that is not in the trusted root. */
  unknownFulcioUrl: string;
  tsaUrl: string;
  /** A Rekor transparency log (v1 API), the timestamp source public-good Sigstore uses. */
  rekorUrl: string;
  /** The issuer the tokens name; the token endpoint also serves its discovery document and keys. */
  issuerUrl: string;
  /**
   * The trusted root (protobuf JSON), as `trusted_root.json` holds it, shaped like GitHub's
   * instance: its CA names GitHub, so bundles chaining to it need a signed timestamp (no SCT).
   */
  trustedRoot: Record<string, unknown>;
  trustMaterial: SigstoreTrust;
  /**
   * A second, custom instance: the CA behind `unknownFulcioUrl` with the Rekor log and a CT log
   * (no TSA), so bundles chaining to it need a log entry, as its root lists one.
   */
  customTrustedRoot: Record<string, unknown>;
  /** Both roots, as `gh attestation trusted-root` prints several. */
  allTrust: SigstoreTrust;
  /** Writes both roots as JSON lines to `<dir>/trusted_roots.jsonl` and returns the path. */
  writeTrustedRoots(dir: string): string;
  /** Requests served so far, by service. */
  requests: { fulcio: number; tsa: number; rekor: number; token: number };
  /** Writes the trusted root to `<dir>/trusted_root.json` and returns the path. */
  writeTrustedRoot(dir: string): string;
  /** Sets the TSA's clock this far from the real time (0 to reset): timestamps before or after. */
  setTsaClockOffset(ms: number): void;
  /** `ACTIONS_ID_TOKEN_REQUEST_URL`/`_TOKEN` for a job whose tokens carry these claims. */
  runnerEnv(claims: Record<string, unknown>): Record<string, string>;
  /** A signed token for these claims, as the runner's token endpoint would return it. */
  mintToken(claims: Record<string, unknown>, audience?: string): string;
  /** Signs an in-toto statement (or builds one from subjects) and returns the bundle JSON. */
  sign(statement: StatementInput, options?: SignOptions): Promise<SerializedBundle>;
  close(): Promise<void>;
}

export type StatementInput =
  | InTotoStatement
  | { subjects: StatementSubject[]; predicateType?: string; predicate?: Record<string, unknown> };

export interface SignOptions {
  /** Token claims (the signer's identity); `githubClaims()` when absent. */
  claims?: Record<string, unknown>;
  /**
   * Which Fulcio issues the certificate: `unlogged` is the custom instance's CA (behind
   * `unknownFulcioUrl`) issuing without a CT log, so its certificates carry no SCT.
   */
  authority?: "trusted" | "expired" | "unknown" | "unlogged";
  /** Where the signature's timestamp comes from: the TSA (default, as GitHub's instance) or Rekor. */
  timestamp?: "tsa" | "rekor";
}

export interface GitHubRunOptions {
  repository?: string;
  workflow?: string;
  ref?: string;
  sha?: string;
  runId?: number;
  runAttempt?: number;
  eventName?: string;
  visibility?: "public" | "private" | "internal";
  /** A reusable workflow (`owner/repo/.github/workflows/x.yml@ref`) that ran the job. */
  jobWorkflowRef?: string;
}

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** Claims shaped like a GitHub Actions OIDC token for one workflow run. */
export function githubClaims(options: GitHubRunOptions = {}): Record<string, unknown> {
  const repository = options.repository ?? "wasmcloud/wasmcloud";
  const workflow = options.workflow ?? ".github/workflows/release.yml";
  const ref = options.ref ?? "refs/heads/main";
  const sha = options.sha ?? "a".repeat(40);
  const workflowRef = `${repository}/${workflow}@${ref}`;
  const owner = repository.split("/")[0] as string;
  return {
    iss: GITHUB_ISSUER,
    sub: `repo:${repository}:ref:${ref}`,
    repository,
    repository_owner: owner,
    repository_id: "101",
    repository_owner_id: "202",
    repository_visibility: options.visibility ?? "public",
    actor: "octocat",
    ref,
    ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
    sha,
    workflow: "Release",
    workflow_ref: workflowRef,
    workflow_sha: sha,
    job_workflow_ref: options.jobWorkflowRef ?? workflowRef,
    job_workflow_sha: sha,
    run_id: String(options.runId ?? 1001),
    run_number: "7",
    run_attempt: String(options.runAttempt ?? 1),
    event_name: options.eventName ?? "push",
    runner_environment: "github-hosted",
  };
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

function signJwt(claims: Record<string, unknown>, key: KeyObject, keyId: string): string {
  const header = base64url(JSON.stringify({ alg: "ES256", typ: "JWT", kid: keyId }));
  const body = base64url(JSON.stringify(claims));
  const signature = sign("sha256", Buffer.from(`${header}.${body}`), {
    key,
    dsaEncoding: "ieee-p1363",
  });
  return `${header}.${body}.${base64url(signature)}`;
}

/** The claims of a token this harness signed, or undefined when the signature does not hold. */
function verifiedClaims(token: string, key: KeyObject): Record<string, unknown> | undefined {
  const [header, body, signature] = token.split(".");
  if (!header || !body || !signature) return undefined;
  const valid = verify(
    "sha256",
    Buffer.from(`${header}.${body}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  return valid ? JSON.parse(Buffer.from(body, "base64url").toString("utf8")) : undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown, type = "application/json") {
  const payload =
    typeof body === "string" || ArrayBuffer.isView(body)
      ? (body as string | Uint8Array)
      : JSON.stringify(body);
  response.writeHead(status, { "content-type": type });
  response.end(payload);
}

const pemToBase64 = (der: ArrayBufferView) =>
  Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");

type CA = Awaited<ReturnType<typeof initializeCA>>;
type CTLog = Awaited<ReturnType<typeof initializeCTLog>>;
type TLog = Awaited<ReturnType<typeof initializeTLog>>;

interface Authorities {
  trusted: HandlerFn;
  expired: HandlerFn;
  unknown: HandlerFn;
  unlogged: HandlerFn;
  tsa: HandlerFn;
  rekor: HandlerFn;
  tlog: TLog;
  ca: CA;
  ctlog: CTLog;
  strangerCa: CA;
  strangerCtlog: CTLog;
  tsaChain: ArrayBufferView[];
  tsaClock: { offsetMs: number };
}

async function createAuthorities(rekorUrl: string): Promise<Authorities> {
  const caKeys = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ctlog = await initializeCTLog(caKeys);
  const ca = await initializeCA(caKeys, ctlog);
  // The same key and name as the trusted CA, but a clock two hours back: its certificates chain
  // to the trusted root and expired long before the timestamp.
  const expiredCa = await initializeCA(caKeys, ctlog, new Date(Date.now() - 2 * 3_600_000));
  const strangerKeys = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const strangerCtlog = await initializeCTLog(strangerKeys);
  const strangerCa = await initializeCA(strangerKeys, strangerCtlog);
  // The same CA without its CT log: certificates that chain to the custom root but hold no SCT.
  const unloggedCa = await initializeCA(strangerKeys);
  const tsa = await initializeTSA(generateKeyPairSync("ec", { namedCurve: "prime256v1" }));
  // How far the TSA's clock is off (pre-dated or post-dated timestamps), set through the harness.
  const tsaClock = { offsetMs: 0 };
  // DER drops trailing zeros of fractional seconds ("…51.1Z"), which @sigstore/core's time parser
  // refuses (it wants three digits or none). Whole seconds keep one in ten signatures from failing.
  Object.assign(tsa, {
    getCurrentTime: () => new Date(Math.floor((Date.now() + tsaClock.offsetMs) / 1000) * 1000),
  });
  const tlog = await initializeTLog(
    rekorUrl,
    generateKeyPairSync("ec", { namedCurve: "prime256v1" }),
  );
  const handler = (authority: CA) => fulcioHandler(authority, { subjectClaim: "fulcio_subject" });
  return {
    trusted: handler(ca).fn,
    expired: handler(expiredCa).fn,
    unknown: handler(strangerCa).fn,
    unlogged: handler(unloggedCa).fn,
    tsa: tsaHandler(tsa).fn,
    rekor: rekorHandler(tlog).fn,
    tlog,
    ca,
    ctlog,
    strangerCa,
    strangerCtlog,
    tsaChain: [tsa.intCertificate, tsa.rootCertificate],
    tsaClock,
  };
}

function trustedRootOf(authorities: Authorities, baseUrl: string): Record<string, unknown> {
  const start = new Date(Date.now() - 3 * 3_600_000).toISOString();
  const ctlogKey = authorities.ctlog.publicKey;
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: `${baseUrl}/rekor`,
        hashAlgorithm: "SHA2_256",
        publicKey: {
          rawBytes: authorities.tlog.publicKey.toString("base64"),
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
          validFor: { start },
        },
        logId: { keyId: createHash("sha256").update(authorities.tlog.publicKey).digest("base64") },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "GitHub, Inc.", commonName: "sigstore.mock" },
        uri: `${baseUrl}/fulcio`,
        certChain: { certificates: [{ rawBytes: pemToBase64(authorities.ca.rootCertificate) }] },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: `${baseUrl}/ctlog`,
        hashAlgorithm: "SHA2_256",
        publicKey: {
          rawBytes: ctlogKey.toString("base64"),
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
          validFor: { start },
        },
        logId: { keyId: pemToBase64(authorities.ctlog.logID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "tsa" },
        uri: `${baseUrl}/tsa`,
        certChain: {
          certificates: authorities.tsaChain.map((der) => ({ rawBytes: pemToBase64(der) })),
        },
        validFor: { start },
      },
    ],
  };
}

/** The custom instance: the stranger CA, the Rekor log and the stranger's CT log; no TSA. */
function customTrustedRootOf(authorities: Authorities, baseUrl: string): Record<string, unknown> {
  const github = trustedRootOf(authorities, baseUrl);
  const start = new Date(Date.now() - 3 * 3_600_000).toISOString();
  return {
    mediaType: github.mediaType,
    tlogs: github.tlogs,
    certificateAuthorities: [
      {
        subject: { organization: "sigstore.mock", commonName: "custom" },
        uri: `${baseUrl}/fulcio-unknown`,
        certChain: {
          certificates: [{ rawBytes: pemToBase64(authorities.strangerCa.rootCertificate) }],
        },
        validFor: { start },
      },
    ],
    ctlogs: [
      {
        baseUrl: `${baseUrl}/ctlog-custom`,
        hashAlgorithm: "SHA2_256",
        publicKey: {
          rawBytes: authorities.strangerCtlog.publicKey.toString("base64"),
          keyDetails: "PKIX_ECDSA_P256_SHA_256",
          validFor: { start },
        },
        logId: { keyId: pemToBase64(authorities.strangerCtlog.logID) },
      },
    ],
    timestampAuthorities: [],
  };
}

interface ProposedDsse {
  kind?: string;
  apiVersion?: string;
  spec?: { proposedContent?: { envelope: string; verifiers: string[] } };
}

/**
 * What Rekor stores for a proposed DSSE entry: the hashes and signatures, not the envelope. The
 * mock log keeps entries as proposed, so the harness does Rekor's part of the work here.
 */
function canonicalDsseEntry(proposed: ProposedDsse): unknown {
  const content = proposed.spec?.proposedContent;
  if (proposed.kind !== "dsse" || !content) return proposed;
  const envelope = JSON.parse(content.envelope) as {
    payload: string;
    signatures: { sig: string }[];
  };
  const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
  return {
    apiVersion: proposed.apiVersion,
    kind: "dsse",
    spec: {
      envelopeHash: { algorithm: "sha256", value: sha256(content.envelope) },
      payloadHash: { algorithm: "sha256", value: sha256(Buffer.from(envelope.payload, "base64")) },
      signatures: envelope.signatures.map((signature, index) => ({
        signature: signature.sig,
        verifier: content.verifiers[index] ?? content.verifiers[0],
      })),
    },
  };
}

export async function startSigstoreHarness(): Promise<SigstoreHarness> {
  // Created once the port is known: the log names its host in every checkpoint.
  let authorities: Authorities;
  const tokenKeys = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const keyId = createHash("sha256").update(randomBytes(8)).digest("hex").slice(0, 16);
  const jobs = new Map<string, Record<string, unknown>>();
  const requests = { fulcio: 0, tsa: 0, rekor: 0, token: 0 };
  let baseUrl = "";

  const mintToken = (claims: Record<string, unknown>, audience = "sigstore") => {
    const now = Math.floor(Date.now() / 1000);
    return signJwt(
      { ...claims, aud: audience, iat: now, nbf: now, exp: now + 300 },
      tokenKeys.privateKey,
      keyId,
    );
  };

  const fulcio = async (handler: HandlerFn, body: string) => {
    requests.fulcio++;
    const request = JSON.parse(body) as { credentials?: { oidcIdentityToken?: string } };
    const claims = verifiedClaims(
      request.credentials?.oidcIdentityToken ?? "",
      tokenKeys.publicKey,
    );
    if (claims?.aud !== "sigstore") return { statusCode: 401, response: "invalid identity token" };
    // Real Fulcio names GitHub certificates after the job's workflow; the mock takes the name
    // from a claim, so hand it one (in an unsigned copy: the mock only decodes).
    const subject = `https://github.com/${String(claims.job_workflow_ref)}`;
    const copy = `${base64url('{"alg":"none"}')}.${base64url(JSON.stringify({ ...claims, fulcio_subject: subject }))}.`;
    const rewritten = { ...request, credentials: { oidcIdentityToken: copy } };
    return handler(JSON.stringify(rewritten));
  };

  const routes: Record<
    string,
    (
      body: string,
      request: IncomingMessage,
    ) => Promise<{ statusCode: number; response: unknown; contentType?: string }>
  > = {
    "POST /fulcio/api/v2/signingCert": (body) => fulcio(authorities.trusted, body),
    "POST /fulcio-expired/api/v2/signingCert": (body) => fulcio(authorities.expired, body),
    "POST /fulcio-unknown/api/v2/signingCert": (body) => fulcio(authorities.unknown, body),
    "POST /fulcio-unlogged/api/v2/signingCert": (body) => fulcio(authorities.unlogged, body),
    "POST /rekor/api/v1/log/entries": async (body) => {
      requests.rekor++;
      return authorities.rekor(JSON.stringify(canonicalDsseEntry(JSON.parse(body))));
    },
    "POST /tsa/api/v1/timestamp": async (body) => {
      requests.tsa++;
      return authorities.tsa(body);
    },
    "GET /oidc/token": async (_body, request) => {
      requests.token++;
      const url = new URL(request.url ?? "/", baseUrl);
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
      const claims = jobs.get(bearer);
      if (!claims) return { statusCode: 401, response: { message: "bad request token" } };
      const audience = url.searchParams.get("audience") ?? "https://github.com";
      return { statusCode: 200, response: { value: mintToken(claims, audience) } };
    },
    "GET /oidc/.well-known/openid-configuration": async () => ({
      statusCode: 200,
      response: { issuer: `${baseUrl}/oidc`, jwks_uri: `${baseUrl}/oidc/jwks` },
    }),
    "GET /oidc/jwks": async () => ({
      statusCode: 200,
      response: {
        keys: [
          {
            ...tokenKeys.publicKey.export({ format: "jwk" }),
            kid: keyId,
            alg: "ES256",
            use: "sig",
          },
        ],
      },
    }),
  };

  const server = createServer(async (request, response) => {
    try {
      const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
      const route = routes[`${request.method} ${path}`];
      const body = await readBody(request);
      if (!route) return reply(response, 404, { message: `no route ${request.method} ${path}` });
      const result = await route(body, request);
      reply(response, result.statusCode, result.response, result.contentType);
    } catch (thrown) {
      reply(response, 500, { message: String(thrown) });
    }
  });
  // Outlive the signing clients' idle keep-alive sockets: with Node's 5 s default the server
  // could close a socket just as a client reused it, and signing failed with ECONNRESET.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  authorities = await createAuthorities(`${baseUrl}/rekor`);
  const trustedRoot = trustedRootOf(authorities, baseUrl);
  const customTrustedRoot = customTrustedRootOf(authorities, baseUrl);
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });

  return {
    fulcioUrl: `${baseUrl}/fulcio`,
    expiredFulcioUrl: `${baseUrl}/fulcio-expired`,
    unknownFulcioUrl: `${baseUrl}/fulcio-unknown`,
    tsaUrl: `${baseUrl}/tsa/api/v1/timestamp`,
    rekorUrl: `${baseUrl}/rekor`,
    issuerUrl: `${baseUrl}/oidc`,
    trustedRoot,
    trustMaterial: trustFromRoots([trustedRoot]),
    customTrustedRoot,
    allTrust: trustFromRoots([trustedRoot, customTrustedRoot]),
    writeTrustedRoots(dir) {
      const path = join(dir, "trusted_roots.jsonl");
      writeFileSync(path, `${JSON.stringify(trustedRoot)}\n${JSON.stringify(customTrustedRoot)}\n`);
      return path;
    },
    requests,
    setTsaClockOffset(ms) {
      authorities.tsaClock.offsetMs = ms;
    },
    writeTrustedRoot(dir) {
      const path = join(dir, "trusted_root.json");
      writeFileSync(path, JSON.stringify(trustedRoot));
      return path;
    },
    runnerEnv(claims) {
      const requestToken = randomBytes(16).toString("hex");
      jobs.set(requestToken, claims);
      return {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${baseUrl}/oidc/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      };
    },
    mintToken,
    async sign(input, options = {}) {
      const statement =
        "subjects" in input
          ? buildStatement(
              input.subjects,
              input.predicateType ?? "https://slsa.dev/provenance/v1",
              input.predicate ?? {},
            )
          : input;
      const claims = options.claims ?? githubClaims();
      const path = {
        trusted: "fulcio",
        expired: "fulcio-expired",
        unknown: "fulcio-unknown",
        unlogged: "fulcio-unlogged",
      }[options.authority ?? "trusted"];
      const signer = new FulcioSigner({
        fulcioBaseURL: `${baseUrl}/${path}`,
        identityProvider: { getToken: async () => mintToken(claims) },
      });
      const witness: Witness =
        options.timestamp === "rekor"
          ? new RekorWitness({ rekorBaseURL: `${baseUrl}/rekor` })
          : new TSAWitness({ tsaBaseURL: `${baseUrl}/tsa/api/v1/timestamp` });
      const builder = new DSSEBundleBuilder({ signer, witnesses: [witness] });
      const bundle = await builder.create({
        data: Buffer.from(JSON.stringify(statement)),
        type: IN_TOTO_PAYLOAD_TYPE,
      });
      return bundleToJSON(bundle);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
