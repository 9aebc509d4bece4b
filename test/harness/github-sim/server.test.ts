import { describe, expect, test } from "vitest";
import { startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

describe("GitHub simulator server", () => {
  test("listens on 127.0.0.1 at a random port and names its REST and GraphQL roots", async () => {
    await using first = await startGitHubSimulator();
    await using second = await startGitHubSimulator();
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.graphqlUrl).toBe(`${first.url}/graphql`);
    expect(first.url).not.toBe(second.url);
    expect(first.token).toMatch(/^ghs_[0-9a-f]{36}$/);
  });

  test("accepts only its own token, answering 401 like GitHub otherwise", async () => {
    await using sim = await startGitHubSimulator({ token: "ghs_expected" });
    sim.state.addRepository({ owner: "octo-org", name: "app" });

    const missing = await fetch(`${sim.url}/repos/octo-org/app`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ message: "Requires authentication" });

    const wrong = await fetch(`${sim.url}/repos/octo-org/app`, {
      headers: { authorization: "token ghs_other" },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ message: "Bad credentials" });

    const right = await call(sim, "GET", "/repos/octo-org/app");
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ full_name: "octo-org/app", default_branch: "main" });
  });

  test("accepts the further tokens it is given too, and records which one each request used", async () => {
    await using sim = await startGitHubSimulator({
      token: "ghs_expected",
      moreTokens: ["ghp_personal"],
    });
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    const personal = await fetch(`${sim.url}/repos/octo-org/app`, {
      headers: { authorization: "token ghp_personal" },
    });
    expect(personal.status).toBe(200);
    const other = await fetch(`${sim.url}/repos/octo-org/app`, {
      headers: { authorization: "token ghp_other" },
    });
    expect(other.status).toBe(401);
    expect(sim.requests.map((request) => request.requestHeaders.authorization)).toEqual([
      "token ghp_personal",
      "token ghp_other",
    ]);
  });

  test("stops listening when disposed with await using", async () => {
    let url = "";
    {
      await using sim = await startGitHubSimulator();
      url = sim.url;
      expect((await call(sim, "GET", "/rate_limit")).status).toBe(200);
    }
    await expect(fetch(`${url}/rate_limit`)).rejects.toThrow();
  });

  test("fails on close when the test left violations unexamined", async () => {
    const sim = await startGitHubSimulator();
    await call(sim, "GET", "/repos/octo-org/app/no-such-thing");
    await expect(sim.close()).rejects.toThrow(/unknown-route/);
  });

  test("keeps serving repository settings as seeded", async () => {
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({
      owner: "mona",
      name: "private-tool",
      ownerType: "User",
      defaultBranch: "trunk",
      private: true,
    });
    const { body } = await call(sim, "GET", "/repos/mona/private-tool");
    expect(body).toMatchObject({
      private: true,
      visibility: "private",
      default_branch: "trunk",
      owner: { login: "mona", type: "User" },
    });
  });

  test("answers 404 for a repository nobody seeded", async () => {
    await using sim = await startGitHubSimulator();
    const response = await call(sim, "GET", "/repos/octo-org/missing");
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ message: "Not Found" });
    expect(sim.violations).toEqual([]);
  });
});
