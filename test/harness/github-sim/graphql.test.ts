import { describe, expect, test } from "vitest";
import { type GitHubSimulator, startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

/** The raw GraphQL answer: `{ data, errors }` as GitHub sends it, even with errors. */
async function graphql(
  sim: GitHubSimulator,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return (await call(sim, "POST", "/graphql", { body: { query, variables } })).body;
}

const ROLLUP = `
  query($owner: String!, $name: String!, $ref: String!, $after: String) {
    repository(owner: $owner, name: $name) {
      object(expression: $ref) {
        ... on Commit {
          oid
          statusCheckRollup {
            state
            contexts(first: 2, after: $after) {
              totalCount
              checkRunCount
              nodes {
                __typename
                ... on CheckRun { name status conclusion detailsUrl }
                ... on StatusContext { context state targetUrl }
              }
              pageInfo { hasNextPage endCursor }
            }
          }
        }
      }
    }
  }`;

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  const sha = repo.addCommit({ branch: "feature", parents: [repo.branch("main")!] }).sha;
  return { sim, repo, sha };
}

describe("GraphQL against GitHub's published schema", () => {
  test("answers a query the schema does not allow with errors, and records a violation", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const body = await graphql(
      sim,
      `{ repository(owner: "octo-org", name: "app") { checkRuns { name } } }`,
    );
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toBe('Cannot query field "checkRuns" on type "Repository".');
    const [violation] = sim.takeViolations();
    expect(violation).toMatchObject({ kind: "invalid-graphql", operationId: "graphql" });
  });

  test("answers a syntax error with errors and records a violation", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const body = await graphql(sim, "{ repository(owner: ");
    expect(body.errors?.[0]?.message).toMatch(/^Syntax Error/);
    expect(sim.takeViolations()).toHaveLength(1);
  });

  test("refuses variables of the wrong type as GitHub does", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const body = await graphql(sim, ROLLUP, { owner: "octo-org", name: 5, ref: "main" });
    expect(body.errors?.[0]?.message).toContain('Variable "$name"');
    expect(sim.takeViolations()[0]?.kind).toBe("invalid-graphql");
  });

  test("rolls up check runs and status contexts of a commit, paginated", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    repo.addCheckRun({
      name: "build",
      headSha: sha,
      conclusion: "success",
      detailsUrl: "https://ci/1",
    });
    repo.addCheckRun({ name: "test", headSha: sha, status: "in_progress" });
    repo.addStatus({
      sha,
      context: "deploy/preview",
      state: "success",
      targetUrl: "https://preview",
    });

    const variables = { owner: "octo-org", name: "app", ref: "feature" };
    const first = await graphql(sim, ROLLUP, variables);
    const rollup = first.data?.repository.object.statusCheckRollup;
    expect(rollup.state).toBe("PENDING");
    expect(rollup.contexts).toMatchObject({
      totalCount: 3,
      checkRunCount: 2,
      nodes: [
        { __typename: "CheckRun", name: "build", status: "COMPLETED", conclusion: "SUCCESS" },
        { __typename: "CheckRun", name: "test", status: "IN_PROGRESS", conclusion: null },
      ],
      pageInfo: { hasNextPage: true },
    });
    const second = await graphql(sim, ROLLUP, {
      ...variables,
      after: rollup.contexts.pageInfo.endCursor,
    });
    expect(second.data?.repository.object.statusCheckRollup.contexts).toMatchObject({
      nodes: [{ __typename: "StatusContext", context: "deploy/preview", state: "SUCCESS" }],
      pageInfo: { hasNextPage: false },
    });
    expect(sim.violations).toEqual([]);
  });

  test("lists check suites with their runs and workflow run through ref(qualifiedName)", async () => {
    const { sim, repo, sha } = await seeded();
    await using _ = sim;
    const run = repo.addWorkflowRun({ headSha: sha, headBranch: "feature" });
    repo.addJob({ runId: run.id, name: "lint", conclusion: "failure" });
    const body = await graphql(
      sim,
      `{ repository(owner: "octo-org", name: "app") {
          ref(qualifiedName: "refs/heads/feature") { name target { ... on Commit {
            checkSuites(first: 10) { nodes { status conclusion app { slug }
              workflowRun { databaseId workflow { name } }
              checkRuns(first: 10) { nodes { name conclusion } } } } } } } } }`,
    );
    expect(body.data?.repository.ref).toMatchObject({
      name: "feature",
      target: {
        checkSuites: {
          nodes: [
            {
              status: "COMPLETED",
              conclusion: "FAILURE",
              app: { slug: "github-actions" },
              workflowRun: { databaseId: run.id, workflow: { name: "CI" } },
              checkRuns: { nodes: [{ name: "lint", conclusion: "FAILURE" }] },
            },
          ],
        },
      },
    });
  });

  test("serves a pull request's head, base and changed files page by page", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const pull = repo.addPullRequest({
      head: "docs",
      files: ["README.md", { filename: "docs/new.md", status: "added" }, "docs/old.md"],
    });
    const query = `query($number: Int!, $after: String) { repository(owner: "octo-org", name: "app") {
      pullRequest(number: $number) { headRefOid baseRefName headRefName state
        files(first: 2, after: $after) { totalCount nodes { path changeType additions }
          pageInfo { hasNextPage endCursor } } } } }`;
    const first = await graphql(sim, query, { number: pull.number });
    expect(first.data?.repository.pullRequest).toMatchObject({
      headRefOid: pull.head.sha,
      baseRefName: "main",
      headRefName: "docs",
      state: "OPEN",
      files: {
        totalCount: 3,
        nodes: [
          { path: "README.md", changeType: "MODIFIED" },
          { path: "docs/new.md", changeType: "ADDED" },
        ],
        pageInfo: { hasNextPage: true },
      },
    });
    const after = first.data?.repository.pullRequest.files.pageInfo.endCursor;
    const second = await graphql(sim, query, { number: pull.number, after });
    expect(second.data?.repository.pullRequest.files.nodes).toEqual([
      { path: "docs/old.md", changeType: "MODIFIED", additions: 1 },
    ]);
  });

  test("requires first or last on connections, at most 100, like GitHub", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const pull = repo.addPullRequest({ head: "x" });
    const query = (args: string) =>
      `{ repository(owner: "octo-org", name: "app") { pullRequest(number: ${pull.number}) { files${args} { totalCount } } } }`;
    expect((await graphql(sim, query(""))).errors?.[0]?.message).toBe(
      "You must provide a `first` or `last` value to properly paginate the `files` connection.",
    );
    expect((await graphql(sim, query("(first: 101)"))).errors?.[0]?.message).toContain(
      "exceeds the `first` limit of 100 records",
    );
  });

  test("reports a missing repository as NOT_FOUND with null data", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const body = await graphql(sim, `{ repository(owner: "octo-org", name: "gone") { id } }`);
    expect(body.data).toEqual({ repository: null });
    expect(body.errors?.[0]).toMatchObject({
      type: "NOT_FOUND",
      path: ["repository"],
      message: "Could not resolve to a Repository with the name 'octo-org/gone'.",
    });
    expect(sim.violations).toEqual([]);
  });

  test("names a field nobody resolves instead of inventing a value", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const body = await graphql(
      sim,
      `{ repository(owner: "octo-org", name: "app") { stargazerCount } }`,
    );
    expect(body.errors?.[0]?.message).toContain(
      "github-sim does not simulate Repository.stargazerCount",
    );
  });

  test("lets a test register resolvers for more of the schema", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    sim.graphql.addResolvers({
      Repository: { stargazerCount: () => 42 },
      Query: { viewer: () => ({ __typename: "User", login: "github-actions[bot]" }) },
    });
    const body = await graphql(
      sim,
      `{ viewer { login } repository(owner: "octo-org", name: "app") { stargazerCount nameWithOwner } }`,
    );
    expect(body).toEqual({
      data: {
        viewer: { login: "github-actions[bot]" },
        repository: { stargazerCount: 42, nameWithOwner: "octo-org/app" },
      },
    });
  });
});
