import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The npm registry's read side for one package on 127.0.0.1: its packument (metadata document)
 * and its tarball, which is all `npx <name>` fetches. Every request is recorded.
 */
export interface LocalRegistry extends AsyncDisposable {
  url: string;
  requests: string[];
}

export async function serveOnePackage(
  manifest: { name: string; version: string; [key: string]: unknown },
  tarball: string,
): Promise<LocalRegistry> {
  const bytes = readFileSync(tarball);
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(request.url ?? "");
    requests.push(`${request.method} ${path}`);
    if (path === `/${manifest.name}`) {
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
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
