import { describe, expect, test } from "vitest";
import { startGitHubSimulator } from "./index.ts";
import { loadSpec } from "./openapi-spec.ts";
import { checkRequest, checkResponse, matchOperation, toJsonSchema } from "./openapi-validator.ts";
import { call } from "./test-client.ts";

const checkRunsFor = (sha: string) => `/repos/octo-org/app/commits/${sha}/check-runs`;

describe("requests are checked against GitHub's REST description", () => {
  test("rejects a call to a route GitHub does not have", async () => {
    await using sim = await startGitHubSimulator();
    const response = await call(sim, "GET", "/repos/octo-org/app/check-run");
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ message: "Not Found" });
    expect(() => sim.assertNoViolations()).toThrow(
      /GET \/repos\/octo-org\/app\/check-run\n\s+unknown-route/,
    );
    sim.takeViolations();
  });

  test("rejects a method GitHub does not document for the path", async () => {
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    const response = await call(sim, "DELETE", "/repos/octo-org/app/pulls");
    expect(response.status).toBe(404);
    const [violation] = sim.takeViolations();
    expect(violation?.kind).toBe("wrong-method");
    expect(violation?.message).toContain("GET /repos/{owner}/{repo}/pulls");
  });

  test("answers 404 to a path parameter of the wrong type, as GitHub's router does", async () => {
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    const response = await call(sim, "GET", "/repos/octo-org/app/pulls/first");
    expect(response.status).toBe(404);
    expect(sim.takeViolations().map((violation) => violation.kind)).toEqual([
      "invalid-path-parameter",
    ]);
  });

  test("rejects a query value outside the documented enum with 422 and the reason", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const response = await call(sim, "GET", `${checkRunsFor(repo.branch("main")!)}?status=done`);
    expect(response.status).toBe(422);
    expect(response.body.message).toContain("query parameter 'status'");
    const [violation] = sim.takeViolations();
    expect(violation).toMatchObject({
      kind: "invalid-parameter",
      operationId: "checks/list-for-ref",
    });
    expect(violation?.message).toContain("queued, in_progress, completed");
  });

  test("records a query parameter the operation does not declare but answers like GitHub", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const response = await call(sim, "GET", `${checkRunsFor(repo.branch("main")!)}?check-name=x`);
    expect(response.status).toBe(200);
    expect(sim.takeViolations()).toMatchObject([
      { kind: "unknown-parameter", message: expect.stringContaining("'check-name'") },
    ]);
  });

  test("rejects a body that does not match the operation's request schema", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const sha = repo.branch("main")!;
    const response = await call(sim, "POST", `/repos/octo-org/app/statuses/${sha}`, {
      body: { state: "passed", context: "ci" },
    });
    expect(response.status).toBe(422);
    expect(repo.statuses).toEqual([]);
    const [violation] = sim.takeViolations();
    expect(violation?.kind).toBe("invalid-body");
    expect(violation?.message).toContain("error, failure, pending, success");
  });

  test("rejects a body that is not JSON with 400 Problems parsing JSON", async () => {
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    const response = await call(sim, "POST", "/repos/octo-org/app/git/refs", { raw: "{ref:" });
    expect(response.status).toBe(400);
    expect(response.body.message).toBe("Problems parsing JSON");
    expect(sim.takeViolations()[0]?.kind).toBe("invalid-body");
  });

  test("answers 400 with the reason when the test asks for bad-request rejections", async () => {
    await using sim = await startGitHubSimulator({ invalidRequests: "bad-request" });
    const response = await call(sim, "GET", "/repos/octo-org/app/check-run");
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(
      /^github-sim: GET \/repos\/octo-org\/app\/check-run: no such/,
    );
    sim.takeViolations();
  });

  test("reports a missing required query parameter", () => {
    const real = loadSpec().operations.find((op) => op.operationId === "checks/list-for-ref")!;
    const operation = {
      ...real,
      parameters: real.parameters.map((parameter) =>
        parameter.name === "check_name" ? { ...parameter, required: true } : parameter,
      ),
    };
    const { problems } = checkRequest(
      { operation, params: { owner: "o", repo: "r", ref: "main" } },
      new URLSearchParams(),
      { present: false, value: undefined },
    );
    expect(problems).toEqual([
      { kind: "missing-parameter", message: expect.stringContaining("'check_name' is required") },
    ]);
  });

  test("matches literal segments before parameters and keeps slashes in multi-segment refs", () => {
    const latest = matchOperation("GET", "/repos/o/r/releases/latest");
    expect("operation" in latest && latest.operation.operationId).toBe("repos/get-latest-release");
    const ref = matchOperation("GET", "/repos/o/r/commits/feature/login/check-runs");
    expect("operation" in ref && ref.params.ref).toBe("feature/login");
    const encoded = matchOperation("GET", "/repos/o/r/git/ref/heads%2Ffeature");
    expect("operation" in encoded && encoded.params.ref).toBe("heads/feature");
  });
});

describe("responses are checked against GitHub's REST description", () => {
  test("records a response that does not match the documented schema", async () => {
    await using sim = await startGitHubSimulator();
    const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
    const run = repo.addCheckRun({ name: "build", headSha: repo.branch("main")! });
    // A test that scripts an impossible state gets told, instead of a green build.
    run.status = "finished" as never;
    await call(sim, "GET", `/repos/octo-org/app/check-runs/${run.id}`);
    const [violation] = sim.takeViolations();
    expect(violation?.kind).toBe("invalid-response");
    expect(violation?.message).toContain("/status must be equal to one of the allowed values");
  });

  test("reports a success status the operation does not document", () => {
    const operation = loadSpec().operations.find((op) => op.operationId === "repos/get")!;
    expect(checkResponse(operation, 202, {})).toEqual([
      { kind: "undocumented-status", message: "repos/get is not documented to answer 202" },
    ]);
  });

  test("treats OpenAPI nullable as 'or null', also beside allOf and enum", () => {
    expect(toJsonSchema({ type: "string", nullable: true, enum: ["a"] })).toEqual({
      type: ["string", "null"],
      enum: ["a", null],
    });
    expect(toJsonSchema({ allOf: [{ $ref: "#/components/schemas/x" }], nullable: true })).toEqual({
      anyOf: [{ allOf: [{ $ref: "github-rest#/components/schemas/x" }] }, { type: "null" }],
    });
  });
});
