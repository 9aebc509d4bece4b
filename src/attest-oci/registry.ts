import { createHash } from "node:crypto";
import { formatDuration } from "../core/duration.ts";
import { ConfigurationError } from "../core/errors.ts";
import { nextLink, ResponseTooLarge, readLimited } from "../core/network.ts";
import { showControls } from "../core/text.ts";
import { basicAuthorization, type Challenge, parseChallenge, tokenRequest } from "./auth.ts";
import type { CredentialLookup } from "./credentials.ts";
import { type Descriptor, MANIFEST_MEDIA_TYPES, OCI_INDEX, type OciIndex } from "./oci.ts";
import { apiHost } from "./reference.ts";
import { RETRY, type RetryPolicy, timedOut, Unreachable, withRetries } from "./retry.ts";

/** A repository in a registry, as the distribution API addresses it. */
export interface RepositoryLocation {
  registry: string;
  repository: string;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

const CONTENT_DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** Whether text is a content digest a registry path may carry (`sha256:<64 hex>`, or sha512). */
export function isContentDigest(text: unknown): text is string {
  return typeof text === "string" && CONTENT_DIGEST.test(text);
}

/** Whether bytes are the content a digest names. */
function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  const [algorithm = "", hex] = digest.split(":");
  return createHash(algorithm).update(bytes).digest("hex") === hex;
}

/**
 * The registry answered something a client must not use: bytes that are not what their digest
 * names, a body larger than such a document can be, or a document that is not JSON. A registry
 * is someone else's server (and anyone with push access shapes what it serves), so this is an
 * answer to report, not a crash.
 */
export class UntrustedAnswer extends Error {}

/** The most a manifest or index may weigh (the distribution spec's limit registries apply). */
export const MANIFEST_LIMIT = 4 * 1024 * 1024;

/**
 * Reads a body up to `limit` bytes; past that it stops reading and refuses the answer. A body
 * that stops arriving ends with the request's timeout, named as such.
 */
function readBody(response: Response, limit: number, what: string, timeoutMs: number) {
  return readLimited(response, limit, what).catch((thrown: unknown) => {
    if (thrown instanceof ResponseTooLarge) throw new UntrustedAnswer(thrown.message);
    if (timedOut(thrown)) {
      throw new Error(`${what} did not arrive in full within ${formatDuration(timeoutMs)}`);
    }
    throw thrown;
  });
}

/** A manifest's own media type, or undefined when its bytes are not a JSON object. */
function declaredMediaType(bytes: Buffer): string | undefined | null {
  try {
    const document = JSON.parse(bytes.toString("utf8")) as unknown;
    if (typeof document !== "object" || document === null || Array.isArray(document)) return null;
    const { mediaType } = document as { mediaType?: unknown };
    return typeof mediaType === "string" ? mediaType : undefined;
  } catch {
    return null;
  }
}

const LOGIN_HINT =
  "log in with docker/login-action (read from $DOCKER_CONFIG/config.json) or set registry-username and registry-password";

/**
 * Loopback registries speak plain HTTP, as Docker allows for them, and so do the hosts named as
 * insecure (Docker's `insecure-registries`: a service container `registry:5000` in a job);
 * everything else HTTPS.
 */
function baseUrl(registry: string, insecure: ReadonlySet<string>): string {
  const host = apiHost(registry);
  const name = host.replace(/:\d+$/, "");
  const plain = ["localhost", "127.0.0.1", "[::1]"].includes(name) || insecure.has(host);
  return `${plain ? "http" : "https"}://${host}`;
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Statuses that are answers rather than failures (404 for "not there"). */
  accept?: number[];
}

/**
 * A small OCI distribution client: manifests, blobs and referrers, with the bearer-token and
 * basic auth challenges answered from a credential lookup. Secrets and tokens go to `onSecret`
 * (the action masks them) and into no message.
 */
export class RegistryClient {
  private readonly credentials: CredentialLookup;
  private readonly onSecret: (secret: string) => void;
  private readonly authorizations = new Map<string, string>();
  private readonly insecure: ReadonlySet<string>;
  private readonly retry: RetryPolicy;
  /** Requests sent, per registry host, for the summary and the benchmark. */
  readonly requests = new Map<string, number>();
  /** Answers retried (5xx, 429), per registry host. */
  readonly retries = new Map<string, number>();

  constructor(
    credentials: CredentialLookup,
    onSecret: (secret: string) => void = () => {},
    options: {
      insecureRegistries?: Iterable<string>;
      retry?: Partial<RetryPolicy>;
    } = {},
  ) {
    this.credentials = credentials;
    this.onSecret = onSecret;
    this.insecure = new Set([...(options.insecureRegistries ?? [])].map((h) => h.toLowerCase()));
    this.retry = { ...RETRY, ...options.retry };
  }

  private base(registry: string): string {
    return baseUrl(registry, this.insecure);
  }

  async request(location: RepositoryLocation, path: string, options: RequestOptions = {}) {
    const url = path.startsWith("http") ? path : `${this.base(location.registry)}${path}`;
    const push = !["GET", "HEAD", undefined].includes(options.method);
    const scope = `repository:${location.repository}:${push ? "pull,push" : "pull"}`;
    const key = `${location.registry} ${scope}`;
    let response = await this.send(url, options, this.authorizations.get(key), location);
    if (response.status === 401) {
      const header = response.headers.get("www-authenticate") ?? "";
      await response.body?.cancel();
      const authorization = await this.answer(location, parseChallenge(header), scope);
      if (authorization) {
        this.authorizations.set(key, authorization);
        response = await this.send(url, options, authorization, location);
      }
    }
    if (response.ok || options.accept?.includes(response.status)) return response;
    throw await this.failure(location, options.method ?? "GET", response);
  }

  /** One request, sent again after a 5xx or 429 answer with backoff; the last answer stands. */
  private send(
    url: string,
    options: RequestOptions,
    authorization: string | undefined,
    location: RepositoryLocation,
  ): Promise<Response> {
    const what = `${options.method ?? "GET"} ${new URL(url).pathname}`;
    return this.retrying(location.registry, what, () =>
      this.sendOnce(url, options, authorization, location),
    );
  }

  private retrying(registry: string, what: string, attempt: () => Promise<Response>) {
    return withRetries(this.retry, registry, what, attempt, () =>
      this.retries.set(registry, (this.retries.get(registry) ?? 0) + 1),
    );
  }

  private async sendOnce(
    url: string,
    options: RequestOptions,
    authorization: string | undefined,
    location: RepositoryLocation,
  ): Promise<Response> {
    this.requests.set(location.registry, (this.requests.get(location.registry) ?? 0) + 1);
    const headers: Record<string, string> = {
      "user-agent": "wasmcloud/status-gate",
      ...options.headers,
    };
    if (authorization) headers.authorization = authorization;
    try {
      return await fetch(url, {
        method: options.method ?? "GET",
        headers,
        body: options.body && new Uint8Array(options.body),
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
    } catch (thrown) {
      if (timedOut(thrown)) throw thrown;
      const cause = (thrown as { cause?: { code?: string } }).cause?.code ?? String(thrown);
      throw new Unreachable(`cannot reach registry ${location.registry} (${cause})`);
    }
  }

  private async answer(
    location: RepositoryLocation,
    challenge: Challenge | undefined,
    scope: string,
  ): Promise<string | undefined> {
    const credentials = this.credentials(location.registry);
    if (challenge?.scheme === "basic") {
      return credentials ? basicAuthorization(credentials) : undefined;
    }
    if (challenge?.scheme !== "bearer" || !challenge.parameters.realm) return undefined;
    const { url, init } = tokenRequest(challenge, scope, credentials);
    const what = `its token service for ${scope}`;
    const response = await this.retrying(location.registry, what, () =>
      fetch(url, { ...init, signal: AbortSignal.timeout(this.retry.timeoutMs) }).catch(
        (thrown: unknown) => {
          if (timedOut(thrown)) throw thrown;
          throw new Unreachable(
            `cannot reach the token service of ${location.registry} (${String(thrown)})`,
          );
        },
      ),
    );
    if (!response.ok) {
      await response.body?.cancel();
      if (response.status >= 500 || response.status === 429) {
        throw new Error(
          `the token service of ${location.registry} answered HTTP ${response.status} for ${scope}`,
        );
      }
      const why = credentials
        ? "check the registry credentials"
        : `no credentials for ${location.registry} were found; ${LOGIN_HINT}`;
      throw new ConfigurationError(
        `registry ${location.registry} refused a token for ${scope} (HTTP ${response.status}); ${why}`,
      );
    }
    const answer = await readBody(
      response,
      MANIFEST_LIMIT,
      `the token of ${location.registry} for ${scope}`,
      this.retry.timeoutMs,
    );
    let body: { token?: string; access_token?: string };
    try {
      body = JSON.parse(answer.toString("utf8")) as typeof body;
    } catch {
      throw new Error(`the token service of ${location.registry} answered no JSON for ${scope}`);
    }
    const token = body?.token ?? body?.access_token;
    if (!token) throw new Error(`the token service of ${location.registry} returned no token`);
    this.onSecret(token);
    return `Bearer ${token}`;
  }

  private async failure(location: RepositoryLocation, method: string, response: Response) {
    // Only the start of an error page is quoted: an endless one is not read to its end.
    const start = await readLimited(response, 64 * 1024, "the error page").catch(() => undefined);
    const text = showControls((start?.toString("utf8") ?? "").slice(0, 300).replace(/\s+/g, " "));
    const where = `${location.registry}/${location.repository}`;
    if (response.status === 401 || response.status === 403) {
      const need = method === "GET" || method === "HEAD" ? "read" : "push to";
      return new ConfigurationError(
        `registry ${location.registry} does not let these credentials ${need} ${where} (HTTP ${response.status}); ${LOGIN_HINT}${need === "push to" ? ", and grant 'packages: write' for ghcr.io" : ""}`,
      );
    }
    return new Error(`registry ${where}: ${method} failed with HTTP ${response.status} ${text}`);
  }

  /**
   * A manifest by tag or digest; undefined when the registry has none under that name. Fetched by
   * digest, its bytes must be that digest's; it must be a JSON object of at most 4 MiB.
   */
  async getManifest(
    location: RepositoryLocation,
    reference: string,
  ): Promise<FetchedManifest | undefined> {
    const response = await this.request(
      location,
      `/v2/${location.repository}/manifests/${reference}`,
      {
        headers: { accept: MANIFEST_MEDIA_TYPES.join(", ") },
        accept: [404],
      },
    );
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    const what = `the manifest ${location.repository}:${reference} from ${location.registry}`;
    const bytes = await readBody(response, MANIFEST_LIMIT, what, this.retry.timeoutMs);
    if (isContentDigest(reference) && !matchesDigest(bytes, reference)) {
      throw new UntrustedAnswer(`${what} is other bytes than its digest names`);
    }
    const declared = declaredMediaType(bytes);
    if (declared === null) throw new UntrustedAnswer(`${what} is not a JSON document`);
    const mediaType = declared ?? response.headers.get("content-type") ?? "";
    return { digest: sha256Digest(bytes), mediaType, bytes };
  }

  /** Stores a manifest; reports whether the registry acknowledged its subject (referrers API). */
  async putManifest(
    location: RepositoryLocation,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ) {
    const response = await this.request(
      location,
      `/v2/${location.repository}/manifests/${reference}`,
      {
        method: "PUT",
        headers: { "content-type": mediaType },
        body: bytes,
      },
    );
    await response.body?.cancel();
    return {
      digest: sha256Digest(bytes),
      subjectAcknowledged: response.headers.has("oci-subject"),
    };
  }

  async blobExists(location: RepositoryLocation, digest: string): Promise<boolean> {
    const response = await this.request(location, `/v2/${location.repository}/blobs/${digest}`, {
      method: "HEAD",
      accept: [404],
    });
    await response.body?.cancel();
    return response.status !== 404;
  }

  /**
   * A blob's bytes, at most `limit` of them; undefined when the registry has no blob of that
   * digest. Bytes that are not the digest's are refused.
   */
  async findBlob(
    location: RepositoryLocation,
    digest: string,
    limit = MANIFEST_LIMIT,
  ): Promise<Buffer | undefined> {
    const response = await this.request(location, `/v2/${location.repository}/blobs/${digest}`, {
      accept: [404],
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return undefined;
    }
    const what = `the blob ${digest} from ${location.registry}`;
    const bytes = await readBody(response, limit, what, this.retry.timeoutMs);
    if (!matchesDigest(bytes, digest)) {
      throw new UntrustedAnswer(`${what} is other bytes than its digest names`);
    }
    return bytes;
  }

  /** Uploads a blob in one request unless the registry already has it; returns its digest. */
  async pushBlob(location: RepositoryLocation, bytes: Buffer): Promise<string> {
    const digest = sha256Digest(bytes);
    if (await this.blobExists(location, digest)) return digest;
    const start = await this.request(location, `/v2/${location.repository}/blobs/uploads/`, {
      method: "POST",
      headers: { "content-length": "0" },
    });
    await start.body?.cancel();
    const where = start.headers.get("location");
    if (!where) throw new Error(`registry ${location.registry} gave no upload location`);
    const upload = new URL(where, this.base(location.registry));
    upload.searchParams.set("digest", digest);
    const done = await this.request(location, upload.href, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    await done.body?.cancel();
    return digest;
  }

  /**
   * The referrers of a manifest, every page of them (the spec lets a registry page the list with
   * `Link: <…>; rel="next"`), or undefined when the registry has no referrers API. Pages are
   * followed on the registry's own origin only, at most `REFERRER_PAGES` of them; `incomplete`
   * says why the list stopped short.
   */
  async listReferrers(
    location: RepositoryLocation,
    digest: string,
  ): Promise<(OciIndex & { incomplete?: string }) | undefined> {
    const first = new URL(
      `/v2/${location.repository}/referrers/${digest}`,
      this.base(location.registry),
    );
    const manifests: Descriptor[] = [];
    const what = `the referrers of ${digest} in ${location.registry}/${location.repository}`;
    let url: URL | undefined = first;
    for (let page = 0; url; page++) {
      if (page === REFERRER_PAGES) {
        return {
          schemaVersion: 2,
          manifests,
          incomplete: `${what} run past ${REFERRER_PAGES} pages; only those were read`,
        };
      }
      const response = await this.request(location, url.href, {
        headers: { accept: OCI_INDEX },
        accept: [404, 400, 405],
      });
      const type = response.headers.get("content-type") ?? "";
      if (!response.ok || !type.includes(OCI_INDEX)) {
        await response.body?.cancel();
        if (page === 0) return undefined;
        throw new UntrustedAnswer(
          `${what}: page ${page + 1} answered HTTP ${response.status} ${type}`,
        );
      }
      const bytes = await readBody(response, MANIFEST_LIMIT, what, this.retry.timeoutMs);
      const index = parseIndex(bytes);
      if (!index) throw new UntrustedAnswer(`${what} is not an OCI index`);
      manifests.push(...index.manifests);
      const next = nextLink(response.headers.get("link"), url);
      if (next && next.origin !== first.origin) {
        return {
          schemaVersion: 2,
          manifests,
          incomplete: `${what} point to another host for more (${next.origin}), which is not followed`,
        };
      }
      url = next;
    }
    return { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
  }
}

/** Pages of referrers followed at most: a registry that pages forever is cut off there. */
export const REFERRER_PAGES = 100;

/** An OCI index's JSON with a manifests array, or undefined when the bytes are not one. */
export function parseIndex(bytes: Buffer): OciIndex | undefined {
  try {
    const document = JSON.parse(bytes.toString("utf8")) as Partial<OciIndex> | null;
    if (typeof document !== "object" || document === null || !Array.isArray(document.manifests)) {
      return undefined;
    }
    return document as OciIndex;
  } catch {
    return undefined;
  }
}
