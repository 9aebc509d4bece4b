import type { GitHubSimulator } from "./simulator.ts";

export interface SimResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A bare `fetch` against the simulator with its token, for tests of the simulator itself:
 * they check raw statuses and headers that Octokit would turn into exceptions or hide.
 */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary GitHub JSON.
export async function call<T = any>(
  sim: GitHubSimulator,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<SimResponse<T>> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sim.token}`,
      accept: "application/vnd.github+json",
      ...(options.body === undefined && options.raw === undefined
        ? {}
        : { "content-type": "application/json" }),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === "" ? undefined : JSON.parse(text)) as T,
  };
}
