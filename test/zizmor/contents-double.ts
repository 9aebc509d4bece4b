import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A double of GitHub's "Get repository content" (GET /repos/{owner}/{repo}/contents/{path}?ref=),
 * written from its REST description rather than the shared simulator: a file is
 * `{type: "file", encoding: "base64", content, ...}`, a missing one 404. It serves one
 * repository's base revision; any other request is a 500, so a test notices a call it did not
 * expect.
 */
export class ContentsDouble {
  /** The base revision's files by path. */
  readonly files = new Map<string, string>();
  readonly requests: string[] = [];
  readonly baseSha = "b".repeat(40);
  private readonly server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    this.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const match = /^\/repos\/wasmcloud\/app\/contents\/(.+)$/.exec(url.pathname);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "GET" || !match || url.searchParams.get("ref") !== this.baseSha) {
      return json(500, { message: "not part of this double" });
    }
    const path = decodeURIComponent(match[1] as string);
    const text = this.files.get(path);
    if (text === undefined) return json(404, { message: "Not Found", status: "404" });
    json(200, {
      type: "file",
      encoding: "base64",
      size: text.length,
      name: path.split("/").pop(),
      path,
      content: Buffer.from(text).toString("base64"),
      sha: "d".repeat(40),
      url: "",
      git_url: null,
      html_url: null,
      download_url: null,
      _links: { self: "", git: null, html: null },
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A pull_request event onto the base revision, for the runner harness. */
  pullRequestEvent(headSha: string) {
    const repo = { full_name: "wasmcloud/app" };
    return {
      name: "pull_request",
      payload: {
        pull_request: {
          number: 5,
          head: { sha: headSha, ref: "change", repo },
          base: { sha: this.baseSha, ref: "main", repo },
        },
      },
    };
  }
}
