import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A git server over smart HTTP on 127.0.0.1: git's own `git http-backend` (CGI) serving the bare
 * repositories under `root`, as a forge does, behind a front that can misbehave like one: answer
 * 502 to the next few fetches or pushes before git sees them. Pushes need an Authorization header
 * (any), as GitHub's do, and the header each request carried is recorded.
 */
export interface GitHttpDouble {
  url: string;
  /** How many of the next pushes (`git-receive-pack` POSTs) get a 502. */
  failPushes: number;
  /** How many of the next ref listings (`info/refs`) get a 502. */
  failListings: number;
  authorizations: string[];
  /**
   * Tokens that may read but not push, as a fork pull request's GITHUB_TOKEN: GitHub answers 403
   * ("Permission to owner/repo.git denied") when git asks to push with one.
   */
  readOnlyTokens: Set<string>;
  pushes: number;
  close(): Promise<void>;
}

function cgi(root: string, request: IncomingMessage, response: ServerResponse, url: URL) {
  const child = spawn("git", ["http-backend"], {
    env: {
      PATH: process.env.PATH ?? "",
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: "1",
      REMOTE_USER: "x-access-token",
      REQUEST_METHOD: request.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: String(request.headers["content-type"] ?? ""),
      HTTP_CONTENT_ENCODING: String(request.headers["content-encoding"] ?? ""),
      GIT_HTTP_MAX_REQUEST_BUFFER: "100M",
    },
  });
  request.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headerDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headerDone) {
      response.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf("\r\n\r\n");
    if (end < 0) return;
    headerDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
      const [name, ...value] = line.split(":");
      if (!name) continue;
      if (name.toLowerCase() === "status") status = Number.parseInt(value.join(":").trim(), 10);
      else headers[name] = value.join(":").trim();
    }
    response.writeHead(status, headers);
    response.write(head.subarray(end + 4));
  });
  child.stdout.on("end", () => response.end());
  child.on("error", () => response.writeHead(500).end());
}

export async function startGitHttpDouble(root: string): Promise<GitHttpDouble> {
  const double: GitHttpDouble = {
    url: "",
    failPushes: 0,
    failListings: 0,
    authorizations: [],
    readOnlyTokens: new Set(),
    pushes: 0,
    close: async () => {},
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://git.double");
    const authorization = String(request.headers.authorization ?? "");
    double.authorizations.push(authorization);
    const pushing =
      url.pathname.endsWith("/git-receive-pack") ||
      url.searchParams.get("service") === "git-receive-pack";
    if (pushing && !authorization) {
      response.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end();
      return;
    }
    const password = Buffer.from(authorization.replace(/^basic /i, ""), "base64")
      .toString()
      .replace(/^[^:]*:/, "");
    if (pushing && double.readOnlyTokens.has(password)) {
      request.resume();
      response
        .writeHead(403, { "content-type": "text/plain" })
        .end("Permission to wasmcloud/wasmcloud.git denied to github-actions[bot].\n");
      return;
    }
    if (url.pathname.endsWith("/info/refs") && double.failListings > 0) {
      double.failListings--;
      response.writeHead(502).end("Bad Gateway");
      return;
    }
    if (request.method === "POST" && url.pathname.endsWith("/git-receive-pack")) {
      double.pushes++;
      if (double.failPushes > 0) {
        double.failPushes--;
        request.resume();
        request.on("end", () => response.writeHead(502).end("Bad Gateway"));
        return;
      }
    }
    cgi(root, request, response, url);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  double.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return double;
}
