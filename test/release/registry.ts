import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The npm registry for one package on 127.0.0.1: its packument (metadata document) and its
 * tarball, which is all `npx <name>` fetches, and `npm publish` of new versions (with any token).
 * Without a tarball it serves nothing and only takes publishes. Every request is recorded.
 */
export interface LocalRegistry extends AsyncDisposable {
  url: string;
  requests: string[];
  /** Tarballs published to it (`npm publish`), by `name@version`. */
  published: Map<string, Buffer>;
}

export async function serveOnePackage(
  manifest: { name: string; version: string; [key: string]: unknown },
  tarball?: string,
): Promise<LocalRegistry> {
  const bytes = tarball ? readFileSync(tarball) : undefined;
  const requests: string[] = [];
  const published = new Map<string, Buffer>();
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? "");
    requests.push(`${request.method} ${path}`);
    if (request.method === "PUT") {
      receivePublish(request, response, published);
      return;
    }
    if (!bytes) {
      response.statusCode = 404;
      response.end(JSON.stringify({ error: "not found" }));
    } else if (path === `/${manifest.name}`) {
      const tarballUrl = `${url}/${manifest.name}/-/${manifest.version}.tgz`;
      const version = {
        ...manifest,
        _id: `${manifest.name}@${manifest.version}`,
        dist: {
          tarball: tarballUrl,
          shasum: createHash("sha1").update(bytes).digest("hex"),
          integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
        },
      };
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          name: manifest.name,
          "dist-tags": { latest: manifest.version },
          versions: { [manifest.version]: version },
        }),
      );
    } else if (path === `/${manifest.name}/-/${manifest.version}.tgz`) {
      response.setHeader("content-type", "application/octet-stream");
      response.end(bytes);
    } else {
      response.statusCode = 404;
      response.end(JSON.stringify({ error: "not found" }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    published,
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `npm publish`: a packument whose `_attachments` hold the tarball, base64, under its file name. */
function receivePublish(
  request: IncomingMessage,
  response: ServerResponse,
  published: Map<string, Buffer>,
) {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const document = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
      versions: Record<string, { name: string; version: string }>;
      _attachments: Record<string, { data: string }>;
    };
    const [version] = Object.values(document.versions);
    const [attachment] = Object.values(document._attachments);
    if (!version || !attachment || !request.headers.authorization) {
      response.statusCode = version && attachment ? 401 : 400;
      response.end(JSON.stringify({ error: "refused" }));
      return;
    }
    published.set(`${version.name}@${version.version}`, Buffer.from(attachment.data, "base64"));
    response.statusCode = 201;
    response.end(JSON.stringify({ ok: true }));
  });
}
