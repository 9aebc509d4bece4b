import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { ConfigurationError } from "./errors.ts";
import { debug, info, mask } from "./log.ts";

const SuiteOctokit = Octokit.plugin(retry, throttling, paginateRest);
export type GitHubClient = InstanceType<typeof SuiteOctokit>;

export interface GitHubClientOptions {
  token: string;
  /** REST root; `GITHUB_API_URL` on the runner (GitHub Enterprise Server: `https://host/api/v3`). */
  apiUrl?: string;
  /** GraphQL endpoint; `GITHUB_GRAPHQL_URL` on the runner. */
  graphqlUrl?: string;
  userAgent?: string;
  /** How many times a rate-limited request is retried before it fails. */
  rateLimitRetries?: number;
}

/**
 * Octokit with retries (5xx, connection errors) and throttling (primary and secondary rate
 * limits, `retry-after`), pointed at the runner's API URLs. The token is masked before any request.
 */
export function createGitHubClient(
  options: GitHubClientOptions,
  env: NodeJS.ProcessEnv = process.env,
): GitHubClient {
  if (!options.token) {
    throw new ConfigurationError(
      "a GitHub token is required (input 'token', default github.token)",
    );
  }
  mask(options.token);
  const apiUrl = (options.apiUrl || env.GITHUB_API_URL || "https://api.github.com").replace(
    /\/+$/,
    "",
  );
  const graphqlUrl = options.graphqlUrl || env.GITHUB_GRAPHQL_URL || defaultGraphqlUrl(apiUrl);
  const retries = options.rateLimitRetries ?? 3;
  const client = new SuiteOctokit({
    auth: options.token,
    baseUrl: apiUrl,
    userAgent: options.userAgent ?? "wasmcloud/status-gate",
    log: { debug, info: debug, warn: info, error: info },
    throttle: {
      onRateLimit: (retryAfter, request, _octokit, retryCount) => {
        info(`rate limit reached for ${request.method} ${request.url}; retrying in ${retryAfter}s`);
        return retryCount < retries;
      },
      onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
        info(
          `secondary rate limit for ${request.method} ${request.url}; retrying in ${retryAfter}s`,
        );
        return retryCount < retries;
      },
    },
  });
  client.graphql = client.graphql.defaults({ url: graphqlUrl });
  return client;
}

/** GitHub Enterprise Server answers GraphQL at `/api/graphql`, beside (not under) `/api/v3`. */
function defaultGraphqlUrl(apiUrl: string): string {
  return /\/api\/v3$/.test(apiUrl) ? apiUrl.replace(/\/v3$/, "/graphql") : `${apiUrl}/graphql`;
}

/** `owner/name` split and checked; the error names where the value came from. */
export function parseRepository(
  value: string | undefined,
  source = "GITHUB_REPOSITORY",
): { owner: string; repo: string } {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value ?? "");
  if (!match) {
    throw new ConfigurationError(`${source} is '${value ?? ""}'; expected owner/name`);
  }
  return { owner: match[1] as string, repo: match[2] as string };
}
