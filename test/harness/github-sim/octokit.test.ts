import { RequestError } from "@octokit/request-error";
import { describe, expect, test } from "vitest";
import { createGitHubClient, type GitHubClient } from "../../../src/core/github.ts";
import { type GitHubSimulator, startGitHubSimulator } from "./index.ts";

/** The suite's own client, exactly as the actions build it, pointed at the simulator. */
function clientFor(sim: GitHubSimulator): GitHubClient {
  return createGitHubClient({ token: sim.token, apiUrl: sim.url, graphqlUrl: sim.graphqlUrl }, {});
}

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  const sha = repo.branch("main")!;
  repo.addCheckRun({ name: "build", headSha: sha, conclusion: "success" });
  return { sim, repo, sha };
}

const CHECK_RUNS = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";

describe("the suite's Octokit client against the simulator", () => {
  test("retries a 502 and gets the answer", async () => {
    const { sim, sha } = await seeded();
    await using _ = sim;
    sim.faults.inject({ route: CHECK_RUNS, kind: "server-error", status: 502 });
    const { data } = await clientFor(sim).request(CHECK_RUNS, {
      owner: "octo-org",
      repo: "app",
      ref: sha,
    });
    expect(data.check_runs.map((run) => run.name)).toEqual(["build"]);
    expect(sim.requestsFor(CHECK_RUNS).map((request) => request.status)).toEqual([502, 200]);
  });

  test("retries after a reset connection", async () => {
    const { sim, sha } = await seeded();
    await using _ = sim;
    sim.faults.inject({ route: CHECK_RUNS, kind: "connection-reset" });
    const { data } = await clientFor(sim).request(CHECK_RUNS, {
      owner: "octo-org",
      repo: "app",
      ref: sha,
    });
    expect(data.total_count).toBe(1);
    expect(sim.count(CHECK_RUNS)).toBe(2);
  });

  test("waits out a secondary rate limit for as long as retry-after says", async () => {
    const { sim, sha } = await seeded();
    await using _ = sim;
    sim.faults.inject({ route: CHECK_RUNS, kind: "secondary-rate-limit", retryAfterSeconds: 1 });
    const { data } = await clientFor(sim).request(CHECK_RUNS, {
      owner: "octo-org",
      repo: "app",
      ref: sha,
    });
    expect(data.total_count).toBe(1);
    const [limited, retried] = sim.requestsFor(CHECK_RUNS);
    expect(limited?.status).toBe(403);
    expect(retried!.timestamp - limited!.timestamp).toBeGreaterThanOrEqual(950);
  });

  test("paginates with the Link header until the last page", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const files = Array.from({ length: 250 }, (_, index) => `src/${index}.ts`);
    const pull = repo.addPullRequest({ head: "big", files });
    const listed = await clientFor(sim).paginate(
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
      {
        owner: "octo-org",
        repo: "app",
        pull_number: pull.number,
        per_page: 100,
      },
    );
    expect(listed).toHaveLength(250);
    expect(sim.count("pulls/list-files")).toBe(3);
  });

  test("paginates list responses wrapped in an object, like check runs", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    for (let index = 0; index < 4; index++)
      repo.addCheckRun({ name: `job ${index}`, headSha: sha });
    const runs = await clientFor(sim).paginate(CHECK_RUNS, {
      owner: "octo-org",
      repo: "app",
      ref: sha,
      per_page: 2,
    });
    expect(runs.map((run) => run.name).sort()).toEqual([
      "build",
      "job 0",
      "job 1",
      "job 2",
      "job 3",
    ]);
  });

  test("uses an ETag: a matching If-None-Match throws 304 and costs no rate limit", async () => {
    const { sim, sha } = await seeded();
    await using _ = sim;
    const client = clientFor(sim);
    const route = "GET /repos/{owner}/{repo}/commits/{ref}/status";
    const first = await client.request(route, { owner: "octo-org", repo: "app", ref: sha });
    const etag = first.headers.etag!;
    const remaining = first.headers["x-ratelimit-remaining"];
    const notModified = await client
      .request(route, {
        owner: "octo-org",
        repo: "app",
        ref: sha,
        headers: { "if-none-match": etag },
      })
      .catch((error: unknown) => error);
    expect(notModified).toBeInstanceOf(RequestError);
    expect((notModified as RequestError).status).toBe(304);
    expect((notModified as RequestError).response?.headers["x-ratelimit-remaining"]).toBe(
      remaining,
    );
    expect(sim.requests.at(-1)?.conditional).toBe(true);
  });

  test("sends GraphQL queries the schema accepts", async () => {
    const { sim, sha } = await seeded();
    await using _ = sim;
    const result = await clientFor(sim).graphql<{
      repository: { object: { statusCheckRollup: { state: string } } };
    }>(
      `query($sha: GitObjectID!) { repository(owner: "octo-org", name: "app") {
         object(oid: $sha) { ... on Commit { statusCheckRollup { state } } } } }`,
      { sha },
    );
    expect(result.repository.object.statusCheckRollup.state).toBe("SUCCESS");
    expect(sim.requests.at(-1)?.requestHeaders["user-agent"]).toContain("wasmcloud/status-gate");
  });

  test("surfaces a request GitHub would refuse as a failed test, not a silent 404", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const error = await clientFor(sim)
      .request("GET /repos/{owner}/{repo}/check-runs", { owner: "octo-org", repo: "app" })
      .catch((thrown: unknown) => thrown);
    expect((error as RequestError).status).toBe(404);
    expect(() => sim.assertNoViolations()).toThrow(/wrong-method|unknown-route/);
    sim.takeViolations();
  });
});
