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
