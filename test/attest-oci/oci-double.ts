import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A second OCI registry double, written from the distribution spec (v1.1) rather than from this
 * project's client, for attacks a friendly registry never makes:
 *
 * - manifests (GET/HEAD/PUT by tag or digest), blobs (HEAD/GET, POST + PUT monolithic upload);
 * - the referrers API (`GET /v2/<name>/referrers/<digest>`, `artifactType` filter, pages of
 *   `pageSize` joined by `Link: <…>; rel="next"` as the spec allows), or none at all (404, so
 *   clients use the `sha256-<hex>` tag schema), switchable while running;
 * - auth challenges: `Bearer` with a token service that checks basic credentials and scopes, or
 *   `Basic`;
 * - faults on any path, the token service included (5xx, 429 with `Retry-After`);
 * - hostile answers: `serve(method, path, answer)` replaces what a path returns (bytes that do
 *   not match their digest, endless bodies, garbage), as a registry someone else runs may.
 *
 * Every request is logged; `writes` lists those that change anything (a dry run must make none).
 */
export interface OciDouble extends AsyncDisposable {
  host: string;
  requests: string[];
  /** Requests other than GET and HEAD (token requests excluded). */
  writes: string[];
  referrersApi: boolean;
  /** Referrers per page of the referrers API; 0 for one page. */
  pageSize: number;
  failNext(count: number, status: number, pattern: RegExp): void;
  /** Closes the connection of the next `count` requests matching `pattern` without an answer. */
  dropNext(count: number, pattern: RegExp): void;
  /** Holds requests matching `pattern` this long before serving them (to line up races). */
  delay(pattern: RegExp, ms: number): void;
  serve(method: string, path: string, answer: HostileAnswer): void;
  /** Stores a manifest as a client with push access would (no checks), returning its digest. */
  putManifest(name: string, reference: string, bytes: Buffer, mediaType: string): string;
  putBlob(name: string, bytes: Buffer): string;
  manifest(name: string, reference: string): Buffer | undefined;
  close(): Promise<void>;
}

export type HostileAnswer = (response: ServerResponse) => void;

const INDEX = "application/vnd.oci.image.index.v1+json";
const digestOf = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

interface Repository {
  blobs: Map<string, Buffer>;
  manifests: Map<string, { bytes: Buffer; mediaType: string }>;
  tags: Map<string, string>;
}

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startOciDouble(
  options: { auth?: { scheme: "bearer" | "basic"; username: string; password: string } } = {},
): Promise<OciDouble> {
  const repositories = new Map<string, Repository>();
  const tokens = new Map<string, string[]>();
  const faults: { count: number; status: number; pattern: RegExp }[] = [];
  const drops: { count: number; pattern: RegExp }[] = [];
  const hostile = new Map<string, HostileAnswer>();
  const delays: { pattern: RegExp; ms: number }[] = [];
  const requests: string[] = [];
  const writes: string[] = [];
  let base = "";
  const repo = (name: string): Repository => {
    const found = repositories.get(name) ?? {
      blobs: new Map(),
      manifests: new Map(),
      tags: new Map(),
    };
    repositories.set(name, found);
    return found;
  };
  const basic = options.auth
    ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64")}`
    : "";

  const end = (
    response: ServerResponse,
    status: number,
    headers: Record<string, string> = {},
    body?: Buffer | string,
  ) => {
    response.writeHead(status, headers);
    response.end(body);
  };

  /** The scopes a request may use: a token's, or everything for the right basic credentials. */
  const allowed = (request: IncomingMessage, name: string, action: "pull" | "push") => {
    if (!options.auth) return true;
    const header = request.headers.authorization ?? "";
    if (options.auth.scheme === "basic") return header === basic;
    const granted = tokens.get(/^Bearer (.+)$/.exec(header)?.[1] ?? "") ?? [];
    return granted.some((scope) => {
      const [, scopeName, actions] = /^repository:(.+):([a-z,*]+)$/.exec(scope) ?? [];
      return scopeName === name && (actions ?? "").split(",").includes(action);
    });
  };

  const challenge = (name: string, action: "pull" | "push") =>
    options.auth?.scheme === "basic"
      ? { "www-authenticate": 'Basic realm="oci-double"' }
      : {
          "www-authenticate": `Bearer realm="${base}/auth/token",service="oci-double",scope="repository:${name}:${action === "push" ? "pull,push" : "pull"}"`,
        };

  const issueToken = (request: IncomingMessage, response: ServerResponse, url: URL) => {
    if (request.headers.authorization !== basic) return end(response, 401);
    const issued = randomBytes(12).toString("hex");
    tokens.set(issued, url.searchParams.getAll("scope"));
    end(response, 200, { "content-type": "application/json" }, JSON.stringify({ token: issued }));
  };

  const referrersOf = (name: string, subject: string, url: URL) => {
    const wanted = url.searchParams.get("artifactType");
    const all = [...repo(name).manifests.entries()]
      .map(([digest, stored]) => ({ digest, stored, doc: JSON.parse(stored.bytes.toString()) }))
      .filter(({ doc }) => doc.subject?.digest === subject)
      .map(({ digest, stored, doc }) => ({
        mediaType: stored.mediaType,
        digest,
        size: stored.bytes.length,
        artifactType: doc.artifactType ?? doc.config?.mediaType,
        ...(doc.annotations ? { annotations: doc.annotations } : {}),
      }))
      .filter((d) => !wanted || d.artifactType === wanted);
    const start = Number(url.searchParams.get("page") ?? "0");
    const size = double.pageSize > 0 ? double.pageSize : all.length || 1;
    const page = all.slice(start * size, start * size + size);
    const headers: Record<string, string> = { "content-type": INDEX };
    if (wanted) headers["oci-filters-applied"] = "artifactType";
    if ((start + 1) * size < all.length) {
      const next = new URL(url.pathname, base);
      if (wanted) next.searchParams.set("artifactType", wanted);
      next.searchParams.set("page", String(start + 1));
      headers.link = `<${next.pathname}${next.search}>; rel="next"`;
    }
    return {
      headers,
      body: JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: page }),
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", base);
    const method = request.method ?? "GET";
    const line = `${method} ${url.pathname}`;
    requests.push(line);
    const body = await bodyOf(request);
    const held = delays.find((d) => d.pattern.test(line));
    if (held) await new Promise((resolve) => setTimeout(resolve, held.ms));
    const drop = drops.find((d) => d.count > 0 && d.pattern.test(line));
    if (drop) {
      drop.count--;
      return request.socket.destroy();
    }
    const fault = faults.find((f) => f.count > 0 && f.pattern.test(line));
    if (fault) {
      fault.count--;
      return end(response, fault.status, fault.status === 429 ? { "retry-after": "0" } : {});
    }
    if (url.pathname === "/auth/token") return issueToken(request, response, url);
    if (!["GET", "HEAD"].includes(method)) writes.push(line);
    const answer = hostile.get(line);
    if (answer) return answer(response);
    if (url.pathname === "/v2/") return end(response, 200);
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([\w-]*)$/.exec(url.pathname);
    const item = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(url.pathname);
    const name = upload?.[1] ?? item?.[1];
    if (!name) return end(response, 404);
    const action = ["GET", "HEAD"].includes(method) ? "pull" : "push";
    if (!allowed(request, name, action)) return end(response, 401, challenge(name, action));
    const stored = repo(name);
    if (upload) {
      if (method === "POST") {
        return end(response, 202, {
          location: `/v2/${name}/blobs/uploads/${randomBytes(6).toString("hex")}`,
        });
      }
      const digest = url.searchParams.get("digest") ?? "";
      if (method !== "PUT" || digestOf(body) !== digest) return end(response, 400);
      stored.blobs.set(digest, body);
      return end(response, 201, {
        "docker-content-digest": digest,
        location: `/v2/${name}/blobs/${digest}`,
      });
    }
    const [, , kind, reference = ""] = item as RegExpExecArray;
    if (kind === "referrers") {
      if (!double.referrersApi) return end(response, 404);
      const { headers, body: index } = referrersOf(name, reference, url);
      return end(response, 200, headers, index);
    }
    if (kind === "blobs") {
      const blob = stored.blobs.get(reference);
      if (!blob) return end(response, 404);
      const headers = { "content-length": String(blob.length), "docker-content-digest": reference };
      return end(response, 200, headers, method === "HEAD" ? undefined : blob);
    }
    if (method === "PUT") {
      const digest = double.putManifest(
        name,
        reference,
        body,
        request.headers["content-type"] ?? "",
      );
      const subject = JSON.parse(body.toString()).subject?.digest;
      return end(response, 201, {
        "docker-content-digest": digest,
        ...(subject && double.referrersApi ? { "oci-subject": subject } : {}),
      });
    }
    const digest = stored.tags.get(reference) ?? reference;
    const manifest = stored.manifests.get(digest);
    if (!manifest) return end(response, 404);
    const headers = { "content-type": manifest.mediaType, "docker-content-digest": digest };
    return end(response, 200, headers, method === "HEAD" ? undefined : manifest.bytes);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => end(response, 500));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const double: OciDouble = {
    host,
    requests,
    writes,
    referrersApi: true,
    pageSize: 0,
    failNext(count, status, pattern) {
      faults.push({ count, status, pattern });
    },
    dropNext(count, pattern) {
      drops.push({ count, pattern });
    },
    delay(pattern, ms) {
      delays.push({ pattern, ms });
    },
    serve(method, path, answer) {
      hostile.set(`${method} ${path}`, answer);
    },
    putManifest(name, reference, bytes, mediaType) {
      const digest = digestOf(bytes);
      repo(name).manifests.set(digest, { bytes, mediaType });
      if (!reference.startsWith("sha256:")) repo(name).tags.set(reference, digest);
      return digest;
    },
    putBlob(name, bytes) {
      const digest = digestOf(bytes);
      repo(name).blobs.set(digest, bytes);
      return digest;
    },
    manifest(name, reference) {
      const stored = repo(name);
      return stored.manifests.get(stored.tags.get(reference) ?? reference)?.bytes;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return double;
}
