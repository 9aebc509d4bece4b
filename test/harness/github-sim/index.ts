/**
 * The GitHub simulator every test of the suite talks to. See `simulator.ts` for the server,
 * `state.ts` and `repository-state.ts` for the seed helpers.
 */
export type { AttestationStatement } from "./attestation-bundle.ts";
export type { AddCheckRunOptions, CheckRunPatch } from "./check-seeds.ts";
export type { FaultKind, FaultSpec, InjectedFault } from "./faults.ts";
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
