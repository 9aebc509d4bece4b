import { describe, expect, test } from "vitest";
import { startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

describe("HTTP behaviour like api.github.com", () => {
  test("sends an ETag and answers a matching If-None-Match with an empty 304", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const path = `/repos/octo-org/app/commits/${repo.branch("main")}/status`;
    const first = await call(sim, "GET", path);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);

    const response = await fetch(`${sim.url}${path}`, {
      headers: { authorization: `token ${sim.token}`, "if-none-match": etag! },
    });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe("");
    expect(sim.requests.at(-1)).toMatchObject({ status: 304, conditional: true });

    repo.addStatus({ sha: repo.branch("main")!, context: "ci", state: "pending" });
    const changed = await call(sim, "GET", path, { headers: { "if-none-match": etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
  });

  test("answers If-Modified-Since on a pull request by its updated_at, free while unchanged", async () => {
    await using sim = await startGitHubSimulator({ now: () => new Date("2026-03-02T10:00:00Z") });
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const pull = repo.addPullRequest({ head: "feature" });
    const path = `/repos/octo-org/app/pulls/${pull.number}`;
    const first = await call(sim, "GET", path);
    expect(first.headers.get("last-modified")).toBe("Mon, 02 Mar 2026 10:00:00 GMT");
    const since = { headers: { "if-modified-since": "Mon, 02 Mar 2026 10:00:00 GMT" } };
    const same = await call(sim, "GET", path, since);
    expect(same.status).toBe(304);
    expect(sim.requests.at(-1)).toMatchObject({ status: 304, conditional: true });
    const earlier = await call(sim, "GET", path, {
      headers: { "if-modified-since": "Mon, 02 Mar 2026 09:59:59 GMT" },
    });
    expect(earlier.status).toBe(200);
    // Moving the head branch changes the pull request.
    pull.updatedAt = "2026-03-02T09:00:00Z";
    repo.setBranch("feature", repo.addCommit({ branch: "main", message: "newer" }).sha);
    expect(pull.updatedAt).toBe("2026-03-02T10:00:00Z");
  });

  test("counts each request against the primary rate limit but not a 304", async () => {
    await using sim = await startGitHubSimulator({ rateLimit: { limit: 1000 } });
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    const first = await call(sim, "GET", "/repos/octo-org/app");
    expect(first.headers.get("x-ratelimit-limit")).toBe("1000");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("999");
    expect(first.headers.get("x-ratelimit-used")).toBe("1");
    expect(first.headers.get("x-ratelimit-resource")).toBe("core");
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);

    const second = await call(sim, "GET", "/repos/octo-org/app", {
      headers: { "if-none-match": first.headers.get("etag")! },
    });
    expect(second.status).toBe(304);
    expect(second.headers.get("x-ratelimit-remaining")).toBe("999");

    await call(sim, "GET", "/repos/octo-org/missing");
    expect(sim.rateLimit.snapshot("core")).toMatchObject({ remaining: 998, used: 2 });
  });

  test("refuses with 403 and x-ratelimit-remaining 0 once the budget is spent", async () => {
    await using sim = await startGitHubSimulator({ rateLimit: { limit: 2 } });
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    expect((await call(sim, "GET", "/repos/octo-org/app")).status).toBe(200);
    expect((await call(sim, "GET", "/repos/octo-org/app")).status).toBe(200);
    const refused = await call(sim, "GET", "/repos/octo-org/app");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.body.message).toMatch(/^API rate limit exceeded/);

    const budget = await call(sim, "GET", "/rate_limit");
    expect(budget.status).toBe(403);
    sim.rateLimit.reset();
    const afterReset = await call(sim, "GET", "/rate_limit");
    expect(afterReset.body.resources.core).toMatchObject({ limit: 2, remaining: 2, used: 0 });
  });

  test("keeps REST and GraphQL budgets apart and does not charge for GET /rate_limit", async () => {
    await using sim = await startGitHubSimulator();
    sim.rateLimit.setRemaining("core", 10);
    await call(sim, "POST", "/graphql", { body: { query: "{ rateLimit { remaining } }" } });
    const { body, headers } = await call(sim, "GET", "/rate_limit");
    expect(headers.get("x-ratelimit-remaining")).toBe("10");
    expect(body.resources.core.remaining).toBe(10);
    expect(body.resources.graphql.used).toBe(1);
    expect(body.rate).toEqual(body.resources.core);
  });

  test("paginates lists with per_page, page and a Link header naming next and last", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    for (let index = 0; index < 5; index++) repo.addRelease({ tagName: `v1.0.${index}` });

    const first = await call(sim, "GET", "/repos/octo-org/app/releases?per_page=2");
    expect(first.body.map((release: { tag_name: string }) => release.tag_name)).toEqual([
      "v1.0.4",
      "v1.0.3",
    ]);
    const link = first.headers.get("link")!;
    expect(link).toContain(
      `<${sim.url}/repos/octo-org/app/releases?per_page=2&page=2>; rel="next"`,
    );
    expect(link).toContain(
      `<${sim.url}/repos/octo-org/app/releases?per_page=2&page=3>; rel="last"`,
    );

    const last = await call(sim, "GET", "/repos/octo-org/app/releases?per_page=2&page=3");
    expect(last.body).toHaveLength(1);
    expect(last.headers.get("link")).toContain('rel="prev"');
    expect(last.headers.get("link")).not.toContain('rel="next"');
  });

  test("caps per_page at 100 as GitHub does", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const files = Array.from({ length: 150 }, (_, index) => `src/file-${index}.ts`);
    const pull = repo.addPullRequest({ head: "many-files", files });
    const page = await call(
      sim,
      "GET",
      `/repos/octo-org/app/pulls/${pull.number}/files?per_page=500`,
    );
    expect(page.body).toHaveLength(100);
    expect(page.headers.get("link")).toContain('page=2>; rel="last"');
  });
});

describe("request log", () => {
  test("records method, route, operation, status, headers, body and time of each request", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const before = Date.now();
    await call(sim, "POST", "/repos/octo-org/app/check-runs", {
      body: { name: "lint", head_sha: repo.branch("main") },
    });
    const [entry] = sim.requests;
    expect(entry).toMatchObject({
      index: 1,
      method: "POST",
      path: "/repos/octo-org/app/check-runs",
      route: "POST /repos/{owner}/{repo}/check-runs",
      operationId: "checks/create",
      status: 201,
      body: { name: "lint" },
      conditional: false,
      fault: undefined,
    });
    expect(entry?.requestHeaders.authorization).toBe(`Bearer ${sim.token}`);
    expect(entry?.timestamp).toBeGreaterThanOrEqual(before);
    expect(sim.count("POST /repos/{owner}/{repo}/check-runs")).toBe(1);
    expect(sim.count("checks/create")).toBe(1);
    expect(() => sim.count("GET /repos/{owner}/{repo}/checkruns")).toThrow(/no route/);
  });

  test("lets a test change state after the Nth request, before the next one is answered", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const sha = repo.branch("main")!;
    const route = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";
    sim.onRequest(() => {
      if (sim.count(route) === 2) repo.addCheckRun({ name: "late", headSha: sha });
    });
    const counts: number[] = [];
    for (let poll = 0; poll < 3; poll++) {
      counts.push(
        (await call(sim, "GET", `/repos/octo-org/app/commits/${sha}/check-runs`)).body.total_count,
      );
    }
    expect(counts).toEqual([0, 0, 1]);
  });
});
