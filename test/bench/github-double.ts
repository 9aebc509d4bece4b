import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The few GitHub REST operations the bench action uses, written from GitHub's REST documentation
 * (issue comments, commit comments, "Get the authenticated user") rather than shared with the
 * suite's simulator, so a misconception the two share cannot hide:
 *
 * - `GET /user` answers 403 "Resource not accessible by integration" for installation tokens
 *   (GITHUB_TOKEN, GitHub Apps) and the user for a personal token.
 * - Comments list oldest first, 30 a page unless `per_page` (at most 100), with a `Link` header.
 * - A body over 65,536 characters is refused with 422; a read-only token's writes with 403.
 * - `failAfterCreate` makes the next comment creation answer 502 after the comment was created,
 *   as GitHub sometimes does under load.
 */
export interface Identity {
  login: string;
  type: "User" | "Bot";
  /** An installation token: `GET /user` is refused. */
  installation: boolean;
  readOnly?: boolean;
}

export interface DoubleComment {
  id: number;
  body: string;
  user: { login: string; id: number; type: string };
  created_at: string;
  updated_at: string;
  html_url: string;
  /** Where it lives: `issue:<n>` or `commit:<sha>`. */
  thread: string;
}

export interface GitHubDouble {
  url: string;
  /** Tokens and who they are. */
  tokens: Map<string, Identity>;
  comments: DoubleComment[];
  requests: string[];
  failAfterCreate: number;
  /** A comment as someone else wrote it (a pull request's author planting a marker). */
  plant(thread: string, login: string, body: string): DoubleComment;
  on(thread: string): DoubleComment[];
  close(): Promise<void>;
}

const LIMIT = 65_536;

function send(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.on("end", () => {
      try {
        resolve(text ? JSON.parse(text) : {});
      } catch (error) {
        reject(error);
      }
    });
  });
}

export async function startGitHubDouble(owner = "wasmcloud", repo = "wasmcloud") {
  const tokens = new Map<string, Identity>();
  const comments: DoubleComment[] = [];
  const requests: string[] = [];
  let nextId = 1000;
  let clock = Date.parse("2026-02-01T00:00:00Z");
  const base = `/repos/${owner}/${repo}`;
  const double: GitHubDouble = {
    url: "",
    tokens,
    comments,
    requests,
    failAfterCreate: 0,
    plant(thread, login, body) {
      const comment = make(thread, { login, type: "User", installation: false }, body);
      comments.push(comment);
      return comment;
    },
    on: (thread) => comments.filter((comment) => comment.thread === thread),
    close: async () => {},
  };

  function make(thread: string, who: Identity, body: string): DoubleComment {
    clock += 1000;
    const id = nextId++;
    const when = new Date(clock).toISOString();
    return {
      id,
      body,
      user: { login: who.login, id: 1 + (id % 7), type: who.type },
      created_at: when,
      updated_at: when,
      html_url: `https://github.com/${owner}/${repo}/${thread.replace(":", "/")}#comment-${id}`,
      thread,
    };
  }

  function shown(comment: DoubleComment) {
    const { thread: _thread, ...rest } = comment;
    return {
      ...rest,
      node_id: `C_${comment.id}`,
      url: `${double.url}${base}/comments/${comment.id}`,
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const url = new URL(request.url ?? "/", "http://github.double");
    const method = request.method ?? "GET";
    requests.push(`${method} ${url.pathname}`);
    const token = /^(?:token|bearer) (.+)$/i.exec(String(request.headers.authorization ?? ""))?.[1];
    const who = token ? tokens.get(token) : undefined;
    if (!who) return send(response, 401, { message: "Bad credentials" });
    if (method === "GET" && url.pathname === "/user") {
      if (who.installation) {
        return send(response, 403, {
          message: "Resource not accessible by integration",
          documentation_url: "https://docs.github.com/rest/users/users#get-the-authenticated-user",
          status: "403",
        });
      }
      return send(response, 200, { login: who.login, id: 1, type: who.type });
    }
    const list = /^\/repos\/[^/]+\/[^/]+\/(issues|commits)\/([^/]+)\/comments$/.exec(url.pathname);
    const edit = /^\/repos\/[^/]+\/[^/]+\/(issues\/comments|comments)\/(\d+)$/.exec(url.pathname);
    if (!url.pathname.startsWith(`${base}/`)) return send(response, 404, { message: "Not Found" });
    if (list && method === "GET") {
      const thread = `${list[1] === "issues" ? "issue" : "commit"}:${list[2]}`;
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const page = Number(url.searchParams.get("page") ?? 1);
      const all = double.on(thread);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const link =
        page < last
          ? {
              link: `<${double.url}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${double.url}${url.pathname}?per_page=${perPage}&page=${last}>; rel="last"`,
            }
          : {};
      return send(response, 200, slice.map(shown), link);
    }
    if ((list && method === "POST") || (edit && method === "PATCH")) {
      const { body } = await readJson(request);
      if (typeof body !== "string") return send(response, 422, { message: "Invalid request." });
      if (who.readOnly) {
        return send(response, 403, { message: "Resource not accessible by integration" });
      }
      if ([...body].length > LIMIT) {
        return send(response, 422, {
          message: "Validation Failed",
          errors: [
            {
              resource: "IssueComment",
              code: "custom",
              field: "body",
              message: "body is too long (maximum is 65536 characters)",
            },
          ],
        });
      }
      if (list) {
        const thread = `${list[1] === "issues" ? "issue" : "commit"}:${list[2]}`;
        const comment = make(thread, who, body);
        comments.push(comment);
        if (double.failAfterCreate > 0) {
          double.failAfterCreate--;
          return send(response, 502, { message: "Server Error" });
        }
        return send(response, 201, shown(comment));
      }
      const id = Number(edit?.[2]);
      const kind = edit?.[1] === "issues/comments" ? "issue:" : "commit:";
      const comment = comments.find((item) => item.id === id && item.thread.startsWith(kind));
      if (!comment) return send(response, 404, { message: "Not Found" });
      clock += 1000;
      comment.body = body;
      comment.updated_at = new Date(clock).toISOString();
      return send(response, 200, shown(comment));
    }
    return send(response, 404, { message: "Not Found" });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      send(response, 500, { message: String(error) }),
    );
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
