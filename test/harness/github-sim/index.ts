/**
 * The GitHub simulator every test of the suite talks to: a stateful api.github.com on
 * 127.0.0.1 that checks each request and response against GitHub's published REST description
 * and GraphQL schema, so that "works in our tests" means "works on github.com".
 *
 * ```ts
 * await using sim = await startGitHubSimulator();
 * const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
 * // What GET /contents/{path} serves: a commit writes files, its descendants inherit them.
 * repo.addCommit({ branch: "main", contents: { ".github/status-gate.yml": "rules: []\n" } });
 * const pull = repo.addPullRequest({ number: 7, head: "feature", files: ["src/a.ts"] });
 * const build = repo.addCheckRun({ name: "build", headSha: pull.head.sha });
 * sim.onRequest(() => {
 *   if (sim.count("checks/list-for-ref") === 2) repo.updateCheckRun(build.id, { conclusion: "success" });
 * });
 * const client = createGitHubClient({ token: sim.token, apiUrl: sim.url, graphqlUrl: sim.graphqlUrl });
 * // ... run the code under test with `client` ...
 * sim.assertNoViolations(); // also checked by close() / `await using`
 * ```
 *
 * Compiled validators are cached under `node_modules/.cache/github-sim/` between test processes;
 * set `GITHUB_SIM_NO_CACHE=1` to compile afresh.
 */
export type { AttestationStatement } from "./attestation-bundle.ts";
export type { AddCheckRunOptions, CheckRunPatch } from "./check-seeds.ts";
export type { FaultKind, FaultSpec, InjectedFault } from "./faults.ts";
export type { CommitContents } from "./file-contents.ts";
export type { FieldResolver, GraphQLContext, ResolverMap } from "./graphql.ts";
export type { GraphQLNode } from "./graphql-nodes.ts";
export { type OperationId, SERVED_OPERATIONS } from "./operations.ts";
export type { RateLimitOptions, RateLimitResource, RateLimitSnapshot } from "./rate-limit.ts";
export type {
  AddCommitOptions,
  AddPullRequestOptions,
  FileChangeInit,
  RepositoryInfo,
  RepositoryState,
} from "./repository-state.ts";
export type { RecordedRequest, Violation } from "./request-log.ts";
export { MAX_COMPARE_FILES, MAX_FILES_PER_COMMIT } from "./routes/commits.ts";
export { MAX_PULL_REQUEST_FILES } from "./routes/pulls.ts";
export {
  GitHubSimulator,
  type GitHubSimulatorOptions,
  type RequestHook,
  startGitHubSimulator,
} from "./simulator.ts";
export {
  type AddRepositoryOptions,
  GITHUB_ACTIONS_APP,
  GITHUB_ACTIONS_BOT,
  SimulatorState,
  type SimulatorStateOptions,
} from "./state.ts";
export type * from "./state-records.ts";
export type { AddJobOptions, AddWorkflowRunOptions, JobPatch } from "./workflow-seeds.ts";
