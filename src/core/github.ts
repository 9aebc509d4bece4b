import { getOctokit } from "@actions/github";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { serverUrls } from "./context.ts";
import { ConfigurationError } from "./errors.ts";
import { debug, info, mask } from "./log.ts";

export { parseRepository } from "./context.ts";

export type GitHubClient = ReturnType<typeof getOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** Where the token comes from, for the message when it is empty (`input 'token'`, `--token`). */
  tokenSource?: string;
  /** REST root; `GITHUB_API_URL` on the runner (GitHub Enterprise Server: `https://host/api/v3`). */
  apiUrl?: string;
  /** GraphQL endpoint; `GITHUB_GRAPHQL_URL` on the runner. */
  graphqlUrl?: string;
  userAgent?: string;
  /** How many times a rate-limited request is retried before it fails. */
  rateLimitRetries?: number;
  /**
   * Print `::add-mask::` for the token (default true). The CLI turns it off: on a terminal the
   * command would print the token itself, and a runner already masks the secrets it passes in.
   */
  maskToken?: boolean;
}

/**
 * `@actions/github`'s Octokit (the runner's proxy settings, GHES and GHE.com URLs, the user agent
 * with the orchestration id) with retries (5xx, connection errors; not for a POST that may have
 * been done, see RETRIED_POSTS) and throttling (primary and secondary rate limits, `retry-after`).
 * The token is masked before any request.
 */
export function createGitHubClient(
  options: GitHubClientOptions,
  env: NodeJS.ProcessEnv = process.env,
): GitHubClient {
  if (!options.token) {
    throw new ConfigurationError(
      `a GitHub token is required (${options.tokenSource ?? "input 'token', default github.token"})`,
    );
  }
  if (options.maskToken !== false) mask(options.token);
  const urls = serverUrls(env);
  const apiUrl = (options.apiUrl ?? urls.api).replace(/\/+$/, "");
  const graphqlUrl = options.graphqlUrl ?? (options.apiUrl ? undefined : urls.graphql);
  const retries = options.rateLimitRetries ?? 3;
  const retryWhileAllowed =
    (limit: string) =>
    (retryAfter: number, request: RateLimited, _octokit: unknown, retryCount: number) => {
      info(`${limit} for ${request.method} ${request.url}; retrying in ${retryAfter}s`);
      return retryCount < retries;
    };
  const client = getOctokit(
    options.token,
    {
      baseUrl: apiUrl,
      userAgent: options.userAgent ?? "wasmcloud/status-gate",
      // The global fetch, which useProxyFromEnvironment points at the runner's proxy: the
      // dispatcher @actions/github brings is chosen once for GITHUB_API_URL (or api.github.com),
      // not for the server this client speaks to, and reads no_proxy in a dialect of its own.
      request: { fetch: (url: string, init: RequestInit) => fetch(url, init) },
      log: { debug, info: debug, warn: info, error: info },
      throttle: {
        onRateLimit: retryWhileAllowed("rate limit reached"),
        onSecondaryRateLimit: retryWhileAllowed("secondary rate limit"),
      },
    },
    retry,
    throttling,
  );
  if (graphqlUrl) client.graphql = client.graphql.defaults({ url: graphqlUrl });
  client.hook.before("request", (request) => {
    if (request.method === "POST" && !RETRIED_POSTS.test(request.url)) {
      request.request = { ...request.request, retries: 0 };
    }
  });
  return client;
}

/**
 * POSTs that only read or compute, or make git objects (named by their content: a second one is
 * the first, or an unreferenced object), which a 5xx may repeat (a rate limit repeats any
 * request: GitHub did not do it). Any other POST that fails with a 5xx or a dropped connection may have
 * been done all the same (GitHub answers 502 when its gateway stops waiting, and the work goes
 * on): repeating it would make a second draft release, comment, pull request or dispatched run,
 * or fail on the tag the first one made. It fails instead, for the caller or a re-run to decide.
 */
const RETRIED_POSTS =
  /\/(?:graphql|markdown|releases\/generate-notes|git\/(?:blobs|trees|commits|tags))(?:\?|$)/;

interface RateLimited {
  method: string;
  url: string;
}
