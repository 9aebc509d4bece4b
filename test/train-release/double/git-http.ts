import { spawn } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, dirname } from "node:path";

/**
 * Git's smart HTTP for the review double, served by git's own `git http-backend` over a bare
 * repository on disk, behind GitHub's rules for credentials: reads are public, a push needs
 * `Authorization: basic x-access-token:<token>` with a token that may write, and a request that
 * carries two Authorization headers is refused with 400 as GitHub refuses it (that is what
 * happens when actions/checkout's persisted header meets a second one).
 */
export interface GitHttpOptions {
  bare: string;
  /** Tokens that may push. */
  writers: () => ReadonlySet<string>;
  /** The Authorization headers of every request, for the credential checks. */
  seen: Array<{ path: string; authorization: string[] }>;
}

export function serveGit(
  options: GitHttpOptions,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  pathInfo: string,
): void {
  const authorization = request.headersDistinct.authorization ?? [];
  options.seen.push({ path: `${pathInfo}${url.search}`, authorization });
  if (authorization.length > 1) {
    response.writeHead(400, { "content-type": "text/plain" });
    response.end('Duplicate header: "Authorization"\n');
    return;
  }
  const pushing =
    url.searchParams.get("service") === "git-receive-pack" ||
    pathInfo.endsWith("/git-receive-pack");
  let user = "";
  if (pushing) {
    const token = tokenOf(authorization[0]);
    if (token === undefined) {
      response.writeHead(401, { "www-authenticate": 'Basic realm="GitHub"' });
      response.end("Unauthorized\n");
      return;
    }
    if (!options.writers().has(token)) {
      response.writeHead(403, { "content-type": "text/plain" });
      response.end("Write access to repository not granted.\n");
      return;
    }
    user = "x-access-token";
  }
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "",
      GIT_PROJECT_ROOT: dirname(options.bare),
      GIT_HTTP_EXPORT_ALL: "1",
      PATH_INFO: `/${basename(options.bare)}${pathInfo}`,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: request.method ?? "GET",
      CONTENT_TYPE: request.headers["content-type"] ?? "",
      REMOTE_USER: user,
      REMOTE_ADDR: "127.0.0.1",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      ...(request.headers["content-encoding"]
        ? { HTTP_CONTENT_ENCODING: request.headers["content-encoding"] }
        : {}),
      ...(request.headers["git-protocol"]
        ? { GIT_PROTOCOL: String(request.headers["git-protocol"]) }
        : {}),
    },
  });
  request.pipe(child.stdin);
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.on("close", () => {
    const output = Buffer.concat(chunks);
    const end = output.indexOf("\r\n\r\n");
    const split = end >= 0 ? end : output.indexOf("\n\n");
    const headerText = output.subarray(0, split).toString();
    const body = output.subarray(split + (end >= 0 ? 4 : 2));
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of headerText.split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "status") status = Number(value.split(" ")[0]);
      else headers[name] = value;
    }
    response.writeHead(status, headers);
    response.end(body);
  });
}

function tokenOf(header: string | undefined): string | undefined {
  const match = /^basic\s+(\S+)$/i.exec(header ?? "");
  if (!match) return undefined;
  const [user, ...rest] = Buffer.from(match[1] as string, "base64")
    .toString()
    .split(":");
  return user ? rest.join(":") : undefined;
}
