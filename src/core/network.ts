import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";

/**
 * `node:http` and `node:https` as CommonJS objects: importing them as ES modules builds a namespace
 * of every export, which loads TLS, crypto and undici (tens of milliseconds) in a process that
 * must start fast (the gate sends its first request before anything else loads).
 */
function builtin<T>(name: "node:http" | "node:https"): T {
  return process.getBuiltinModule(name) as T;
}

/**
 * Self-hosted runners behind a proxy set `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (in either
 * case). Every HTTP client of the suite honours them: the global `fetch` and Node's default agents
 * once {@link useProxyFromEnvironment} has run, agents of our own through {@link proxiedAgents},
 * Octokit through `@actions/github` (which reads the same variables), and Sigstore's requests
 * through `make-fetch-happen` (likewise).
 */
const PROXY_VARIABLES = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];

/** The proxy variables, in the upper case that Node reads, when any is set. */
export function proxyEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv | undefined {
  if (!PROXY_VARIABLES.some((name) => env[name])) return undefined;
  return {
    HTTPS_PROXY: env.HTTPS_PROXY ?? env.https_proxy,
    HTTP_PROXY: env.HTTP_PROXY ?? env.http_proxy,
    NO_PROXY: env.NO_PROXY ?? env.no_proxy,
  };
}

/** Points `fetch` and `http(s).request` without an agent of their own at the runner's proxy. */
export function useProxyFromEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const proxyEnv = proxyEnvironment(env);
  if (proxyEnv) builtin<typeof import("node:http")>("node:http").setGlobalProxyFromEnv(proxyEnv);
}

type AgentOptions = { keepAlive?: boolean; maxSockets?: number };

/** Keep-alive agents that go through the runner's proxy when one is set. */
export function proxiedAgents(
  options: AgentOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): { http: HttpAgent; https: HttpsAgent } {
  return {
    http: proxiedAgent("http:", options, env),
    https: proxiedAgent("https:", options, env) as HttpsAgent,
  };
}

/**
 * One such agent for a URL's protocol. `node:https` (and TLS with it) is loaded only for an
 * `https:` URL, which keeps it off the path of a process that must start fast (the gate).
 */
export function proxiedAgent(
  protocol: string,
  options: AgentOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): HttpAgent | HttpsAgent {
  const proxyEnv = proxyEnvironment(env);
  const settings = { keepAlive: true, ...options, ...(proxyEnv ? { proxyEnv } : {}) };
  const { Agent } = builtin<typeof import("node:https")>(
    protocol === "https:" ? "node:https" : "node:http",
  );
  return new Agent(settings);
}

/**
 * The target of a `Link` header's `rel="next"` (RFC 8288, as GitHub and OCI registries page
 * lists), resolved against the URL of the page it came with; undefined on the last page.
 */
export function nextLink(header: string | null | undefined, page: string | URL): URL | undefined {
  for (const part of (header ?? "").split(",")) {
    const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part);
    if (!match) continue;
    try {
      return new URL(match[1] as string, page);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A response body larger than its reader allows. */
export class ResponseTooLarge extends Error {}

/**
 * Reads a response body up to `limit` bytes, refusing a larger declared length before reading
 * and stopping as soon as more arrives: a server (or a party that shapes what it serves) cannot
 * make a client hold an endless body. `what` names the body in the message.
 */
export async function readLimited(
  response: Response,
  limit: number,
  what: string,
): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) {
    await response.body?.cancel();
    throw new ResponseTooLarge(`${what} is ${declared} bytes, more than the ${limit} allowed`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw new ResponseTooLarge(`${what} is more than the ${limit} bytes allowed`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}
