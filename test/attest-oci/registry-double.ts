import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OCI registry on loopback for the paths distribution 2.8 lacks: the referrers API (it
 * answers `OCI-Subject` and lists referrers with their artifact type and annotations) and the
 * bearer-token challenge (a token service that checks basic credentials and the scope).
 */
export interface RegistryDouble extends AsyncDisposable {
  host: string;
  /** Every request as `METHOD path`, for asserting what a client did. */
  requests: string[];
  /** Scopes the token service granted. */
  grantedScopes: string[];
  manifestCount(repository: string): number;
  /**
   * Fault injection: the next `count` requests whose `METHOD path` matches `pattern` are answered
   * with `status` (and `Retry-After: 0` for 429) instead of being served.
   */
  failNext(count: number, status: number, pattern?: RegExp): void;
  /** Requests answered with an injected fault so far. */
  faultsServed: number;
  close(): Promise<void>;
}

interface Repository {
  blobs: Map<string, Buffer>;
  manifests: Map<string, { bytes: Buffer; mediaType: string }>;
  tags: Map<string, string>;
}

const digestOf = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export async function startRegistryDouble(
  options: { auth?: { username: string; password: string } } = {},
): Promise<RegistryDouble> {
  const repositories = new Map<string, Repository>();
  const tokens = new Map<string, string>();
  const requests: string[] = [];
  const grantedScopes: string[] = [];
  let base = "";
  const repository = (name: string) => {
    let found = repositories.get(name);
    if (!found) {
      found = { blobs: new Map(), manifests: new Map(), tags: new Map() };
      repositories.set(name, found);
    }
    return found;
  };

  const send = (
    response: ServerResponse,
    status: number,
    headers: Record<string, string> = {},
    body?: Buffer | string,
  ) => {
    response.writeHead(status, headers);
    response.end(body);
  };

  const token = (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const expected = `Basic ${Buffer.from(`${options.auth?.username}:${options.auth?.password}`).toString("base64")}`;
    if (request.headers.authorization !== expected) return send(response, 401);
    const scope = url.searchParams.get("scope") ?? "";
    const issued = randomBytes(16).toString("hex");
    tokens.set(issued, scope);
    grantedScopes.push(scope);
    send(response, 200, { "content-type": "application/json" }, JSON.stringify({ token: issued }));
  };

  /** Whether the request's bearer token covers this repository and action. */
  const authorized = (request: IncomingMessage, name: string, push: boolean) => {
    if (!options.auth) return true;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const scope = bearer ? tokens.get(bearer) : undefined;
    if (!scope) return false;
    const [, scopeName, actions] = /^repository:(.+):([a-z,]+)$/.exec(scope) ?? [];
    return scopeName === name && (actions ?? "").split(",").includes(push ? "push" : "pull");
  };

  const challenge = (name: string, push: boolean) => ({
    "www-authenticate": `Bearer realm="${base}/token",service="registry-double",scope="repository:${name}:${push ? "pull,push" : "pull"}"`,
  });

  const referrers = (name: string, digest: string, url: URL) => {
    const wanted = url.searchParams.get("artifactType");
    const manifests = [...repository(name).manifests.entries()].flatMap(
      ([manifestDigest, stored]) => {
        const document = JSON.parse(stored.bytes.toString("utf8"));
        if (document.subject?.digest !== digest) return [];
        const artifactType = document.artifactType ?? document.config?.mediaType;
        if (wanted && artifactType !== wanted) return [];
        return [
          {
            mediaType: stored.mediaType,
            digest: manifestDigest,
            size: stored.bytes.length,
            artifactType,
            annotations: document.annotations,
          },
        ];
      },
    );
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests,
    });
  };

  const faults: { count: number; status: number; pattern: RegExp }[] = [];
  const double = { faultsServed: 0 };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", base);
    const method = request.method ?? "GET";
    requests.push(`${method} ${url.pathname}`);
    const body = await readBody(request);
    const fault = faults.find((f) => f.count > 0 && f.pattern.test(`${method} ${url.pathname}`));
    if (fault) {
      fault.count--;
      double.faultsServed++;
      return send(response, fault.status, fault.status === 429 ? { "retry-after": "0" } : {});
    }
    if (url.pathname === "/token") return token(request, response, url);
    if (url.pathname === "/v2/") return send(response, 200);
    const match = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(url.pathname);
    const upload = /^\/v2\/(.+)\/blobs\/uploads\/([^/]*)$/.exec(url.pathname);
    const name = (upload?.[1] ?? match?.[1]) as string;
    const push = !["GET", "HEAD"].includes(method);
    if (!match && !upload) return send(response, 404);
    if (!authorized(request, name, push)) return send(response, 401, challenge(name, push));
    const repo = repository(name);
    if (upload) {
      if (method === "POST")
        return send(response, 202, {
          location: `/v2/${name}/blobs/uploads/${randomBytes(8).toString("hex")}`,
        });
      const digest = url.searchParams.get("digest") ?? "";
      if (digestOf(body) !== digest) return send(response, 400);
      repo.blobs.set(digest, body);
      return send(response, 201, { "docker-content-digest": digest });
    }
    const [, , kind, reference] = match as RegExpExecArray;
    if (kind === "referrers") {
      return send(
        response,
        200,
        { "content-type": "application/vnd.oci.image.index.v1+json" },
        referrers(name, reference as string, url),
      );
    }
    if (kind === "blobs") {
      const blob = repo.blobs.get(reference as string);
      if (!blob) return send(response, 404);
      return send(
        response,
        200,
        { "content-length": String(blob.length) },
        method === "HEAD" ? undefined : blob,
      );
    }
    if (method === "PUT") {
      const digest = digestOf(body);
      const mediaType = request.headers["content-type"] ?? "";
      repo.manifests.set(digest, { bytes: body, mediaType });
      if (!(reference as string).startsWith("sha256:")) repo.tags.set(reference as string, digest);
      const subject = JSON.parse(body.toString("utf8")).subject?.digest;
      return send(response, 201, {
        "docker-content-digest": digest,
        ...(subject ? { "oci-subject": subject } : {}),
      });
    }
    const digest = repo.tags.get(reference as string) ?? reference;
    const stored = repo.manifests.get(digest as string);
    if (!stored) return send(response, 404);
    const headers = { "content-type": stored.mediaType, "docker-content-digest": digest as string };
    return send(response, 200, headers, method === "HEAD" ? undefined : stored.bytes);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `http://${host}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    host,
    requests,
    grantedScopes,
    manifestCount: (name) => repository(name).manifests.size,
    failNext(count, status, pattern = /^/) {
      faults.push({ count, status, pattern });
    },
    get faultsServed() {
      return double.faultsServed;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
