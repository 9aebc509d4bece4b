import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGitHubClient, parseRepository } from "../../src/core/github.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { parseWorkflowCommands } from "../harness/workflow-commands.ts";

const REPOSITORY_QUERY = `query ($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { nameWithOwner }
}`;

let sim: GitHubSimulator;
let stdout: string[];
let restoreStdout: () => void;

beforeEach(async () => {
  sim = await startGitHubSimulator();
  sim.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
  // Everything the client logs (masks included), in the order it happens relative to requests.
  stdout = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  }) as typeof process.stdout.write;
  restoreStdout = () => {
    process.stdout.write = write;
  };
});

afterEach(async () => {
  restoreStdout();
  await sim.close();
});

/**
 * A GitHub Enterprise Server front: REST under /api/v3, GraphQL at /api/graphql, forwarded to
 * the simulator; any other path is refused and remembered.
 */
async function enterpriseServer(target: GitHubSimulator) {
  const paths: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? "/";
    paths.push(path);
    const forwarded = path.startsWith("/api/v3/")
      ? path.slice("/api/v3".length)
      : path === "/api/graphql"
        ? "/graphql"
        : undefined;
    if (!forwarded) {
      outgoing
        .writeHead(404, { "content-type": "application/json" })
        .end('{"message":"Not Found"}');
      return;
    }
    const { port } = new URL(target.url);
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port,
        path: forwarded,
        method: incoming.method,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("createGitHubClient", () => {
  it("honours GITHUB_API_URL and GITHUB_GRAPHQL_URL with Enterprise Server paths", async () => {
    const ghes = await enterpriseServer(sim);
    try {
      const client = createGitHubClient(
        { token: sim.token },
        { GITHUB_API_URL: `${ghes.base}/api/v3`, GITHUB_GRAPHQL_URL: `${ghes.base}/api/graphql` },
      );
      const { data } = await client.request("GET /repos/{owner}/{repo}", {
        owner: "wasmcloud",
        repo: "wasmcloud",
      });
      expect(data.full_name).toBe("wasmcloud/wasmcloud");
      const answer = await client.graphql<{ repository: { nameWithOwner: string } }>(
        REPOSITORY_QUERY,
        { owner: "wasmcloud", name: "wasmcloud" },
      );
      expect(answer.repository.nameWithOwner).toBe("wasmcloud/wasmcloud");
      expect(ghes.paths).toEqual(["/api/v3/repos/wasmcloud/wasmcloud", "/api/graphql"]);
    } finally {
      await ghes.close();
    }
  });

  it("finds Enterprise Server's GraphQL endpoint from GITHUB_API_URL alone", async () => {
    const ghes = await enterpriseServer(sim);
    try {
      const client = createGitHubClient(
        { token: sim.token },
        { GITHUB_API_URL: `${ghes.base}/api/v3/` },
      );
      await client.graphql(REPOSITORY_QUERY, { owner: "wasmcloud", name: "wasmcloud" });
      expect(ghes.paths).toEqual(["/api/graphql"]);
    } finally {
      await ghes.close();
    }
  });

  it("masks the token before it makes any request", async () => {
    const seenBeforeRequest: string[] = [];
    sim.onRequest(() => seenBeforeRequest.push(stdout.join("")));
    const client = createGitHubClient({ token: sim.token }, { GITHUB_API_URL: sim.url });
    await client.request("GET /repos/{owner}/{repo}", { owner: "wasmcloud", repo: "wasmcloud" });
    expect(seenBeforeRequest).toHaveLength(1);
    const commands = parseWorkflowCommands(seenBeforeRequest[0] ?? "");
    expect(commands).toContainEqual(
      expect.objectContaining({ command: "add-mask", message: sim.token }),
    );
    expect(sim.requests[0]?.requestHeaders.authorization).toBe(`token ${sim.token}`);
  });

  it("retries a request that got a 5xx", async () => {
    sim.faults.inject({ route: "repos/get", kind: "server-error", status: 502, times: 1 });
    const client = createGitHubClient({ token: sim.token }, { GITHUB_API_URL: sim.url });
    const { data } = await client.request("GET /repos/{owner}/{repo}", {
      owner: "wasmcloud",
      repo: "wasmcloud",
    });
    expect(data.name).toBe("wasmcloud");
    expect(sim.requestsFor("repos/get").map((request) => request.status)).toEqual([502, 200]);
  });

  it("never repeats a POST that may have been done: a 502 can come after the work", async () => {
    // GitHub's double here: each request does its work (a release, a comment, a dispatched
    // run), but the first answer on each path is a 502, as when GitHub's gateway stops waiting.
    const done: string[] = [];
    const server = createServer((request, response) => {
      const first = !done.includes(`${request.method} ${request.url}`);
      done.push(`${request.method} ${request.url}`);
      request.resume();
      if (first) response.writeHead(502, { "content-type": "text/plain" }).end("Bad Gateway");
      else response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = createGitHubClient({ token: "t0ken" }, { GITHUB_API_URL: url });
      const repo = { owner: "o", repo: "r" };
      const creations = [
        ["POST /repos/{owner}/{repo}/releases", { tag_name: "v1.0.0", draft: true }],
        [
          "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
          { issue_number: 7, body: "x" },
        ],
        [
          "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches",
          { workflow_id: "ci.yml", ref: "main" },
        ],
      ] as const;
      for (const [route, params] of creations) {
        await expect(client.request(route, { ...repo, ...params })).rejects.toMatchObject({
          status: 502,
        });
      }
      expect(done).toEqual([
        "POST /repos/o/r/releases",
        "POST /repos/o/r/issues/7/comments",
        "POST /repos/o/r/actions/workflows/ci.yml/dispatches",
      ]);
      // What only reads is still retried, and a POST that only computes (release notes) too.
      await client.request("GET /repos/{owner}/{repo}", repo);
      await client.request("POST /repos/{owner}/{repo}/releases/generate-notes", {
        ...repo,
        tag_name: "v1.0.0",
      });
      // And a git object: the same request makes the same object.
      await client.request("POST /repos/{owner}/{repo}/git/tags", {
        ...repo,
        tag: "v1.0.0",
        message: "v1.0.0",
        object: "a".repeat(40),
        type: "commit",
      });
      expect(done.slice(3)).toEqual([
        "GET /repos/o/r",
        "GET /repos/o/r",
        "POST /repos/o/r/releases/generate-notes",
        "POST /repos/o/r/releases/generate-notes",
        "POST /repos/o/r/git/tags",
        "POST /repos/o/r/git/tags",
      ]);
    } finally {
      server.close();
    }
  });

  it("still repeats a POST that a rate limit refused: GitHub did not do it", async () => {
    const done: string[] = [];
    const server = createServer((request, response) => {
      done.push(`${request.method} ${request.url}`);
      request.resume();
      if (done.length === 1) {
        response
          .writeHead(403, { "content-type": "application/json", "retry-after": "1" })
          .end(JSON.stringify({ message: "You have exceeded a secondary rate limit." }));
      } else response.writeHead(201, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = createGitHubClient({ token: "t0ken" }, { GITHUB_API_URL: url });
      await client.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: "o",
        repo: "r",
        issue_number: 7,
        body: "x",
      });
      expect(done).toEqual([
        "POST /repos/o/r/issues/7/comments",
        "POST /repos/o/r/issues/7/comments",
      ]);
    } finally {
      server.close();
    }
  });

  it("waits out a secondary rate limit's retry-after, then retries", async () => {
    sim.faults.inject({ route: "repos/get", kind: "secondary-rate-limit", retryAfterSeconds: 1 });
    const client = createGitHubClient({ token: sim.token }, { GITHUB_API_URL: sim.url });
    await client.request("GET /repos/{owner}/{repo}", { owner: "wasmcloud", repo: "wasmcloud" });
    const [limited, retried] = sim.requestsFor("repos/get");
    expect([limited?.status, retried?.status]).toEqual([403, 200]);
    expect(retried!.timestamp - limited!.timestamp).toBeGreaterThanOrEqual(1000);
    expect(stdout.join("")).toContain("secondary rate limit for GET /repos/{owner}/{repo}");
  });

  it("refuses an empty token as a configuration error", () => {
    expect(() => createGitHubClient({ token: "" }, {})).toThrow(/a GitHub token is required/);
  });
});

describe("parseRepository", () => {
  it("splits owner/name", () => {
    expect(parseRepository("wasmcloud/wash")).toEqual({ owner: "wasmcloud", repo: "wash" });
  });

  it.each(["wasmcloud", "a/b/c", "", undefined, "owner/na me"])(
    "refuses %s, naming the source",
    (value) => {
      expect(() => parseRepository(value, "input 'repository'")).toThrow(
        `input 'repository' is '${value ?? ""}'; expected owner/name`,
      );
    },
  );
});
