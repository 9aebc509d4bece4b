import { describe, expect, test } from "vitest";
import { startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const CHECK_RUNS = "GET /repos/{owner}/{repo}/commits/{ref}/check-runs";

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  const path = `/repos/octo-org/app/commits/${repo.branch("main")}/check-runs`;
  return { sim, repo, path };
}

describe("fault injection per route", () => {
  test("answers a server error the given number of times, then recovers", async () => {
    const { sim, path } = await seeded();
    await using _ = sim;
    const fault = sim.faults.inject({ route: CHECK_RUNS, kind: "server-error", times: 2 });
    expect((await call(sim, "GET", path)).status).toBe(502);
    expect((await call(sim, "GET", path)).status).toBe(502);
    expect((await call(sim, "GET", path)).status).toBe(200);
    expect(fault.hits).toBe(2);
    expect(sim.requests.map((request) => request.fault)).toEqual([
      "server-error",
      "server-error",
      undefined,
    ]);
  });

  test("uses the status it is given and leaves other routes alone", async () => {
    const { sim, path } = await seeded();
    await using _ = sim;
    sim.faults.inject({ route: "checks/list-for-ref", kind: "server-error", status: 503 });
    expect((await call(sim, "GET", "/repos/octo-org/app")).status).toBe(200);
    expect((await call(sim, "GET", path)).status).toBe(503);
  });

  test("answers a secondary rate limit with 403, retry-after and GitHub's message", async () => {
    const { sim, path } = await seeded();
    await using _ = sim;
    sim.faults.inject({ route: CHECK_RUNS, kind: "secondary-rate-limit", retryAfterSeconds: 7 });
    const response = await call(sim, "GET", path);
    expect(response.status).toBe(403);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.body.message).toMatch(/^You have exceeded a secondary rate limit/);
  });

  test("resets the connection without an answer", async () => {
    const { sim, path } = await seeded();
    await using _ = sim;
    sim.faults.inject({ route: CHECK_RUNS, kind: "connection-reset" });
    await expect(call(sim, "GET", path)).rejects.toThrow(/fetch failed/);
    expect(sim.requests.at(-1)).toMatchObject({ status: 0, fault: "connection-reset" });
    expect((await call(sim, "GET", path)).status).toBe(200);
  });

  test("delays the answer by the given latency and then answers normally", async () => {
    const { sim, path } = await seeded();
    await using _ = sim;
    sim.faults.inject({ route: CHECK_RUNS, kind: "latency", latencyMs: 300 });
    const started = Date.now();
    const response = await call(sim, "GET", path);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(sim.requests.at(-1)?.durationMs).toBeGreaterThanOrEqual(290);
  });

  test("faults GraphQL as well, and can be removed before it fires", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const fault = sim.faults.inject({
      route: "POST /graphql",
      kind: "server-error",
      times: Infinity,
    });
    const query = { query: "{ rateLimit { remaining } }" };
    expect((await call(sim, "POST", "/graphql", { body: query })).status).toBe(502);
    fault.remove();
    expect((await call(sim, "POST", "/graphql", { body: query })).status).toBe(200);
  });

  test("refuses to arm a fault for a route the simulator does not serve", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    expect(() =>
      sim.faults.inject({ route: "GET /repos/{owner}/{repo}/check_runs", kind: "server-error" }),
    ).toThrow(/no route 'GET \/repos\/\{owner\}\/\{repo\}\/check_runs'/);
  });

  test("short-page answers a list page short while total_count still counts every item", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const sha = repo.branch("main") as string;
    for (let index = 0; index < 5; index++) repo.addCheckRun({ name: `c${index}`, headSha: sha });
    sim.faults.inject({ route: "checks/list-for-ref", kind: "short-page", drop: 2 });
    const path = `/repos/octo-org/app/commits/${sha}/check-runs?per_page=3`;
    const short = (await call<Record<string, unknown>>(sim, "GET", path)).body;
    expect(short.total_count).toBe(5);
    expect(short.check_runs).toHaveLength(1);
    expect(sim.requests.at(-1)?.fault).toBe("short-page");
    const whole = (await call<Record<string, unknown>>(sim, "GET", path)).body;
    expect(whole.check_runs).toHaveLength(3);
  });
});
