import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { ConfigurationError } from "./errors.ts";

/**
 * `node:http` and `node:https` as CommonJS objects: importing them as ES modules builds a namespace
 * of every export, which loads TLS, crypto and undici (tens of milliseconds) in a process that
 * must start fast (the gate sends its first request before anything else loads).
 */
function builtin<T>(name: "node:http" | "node:https"): T {
  return process.getBuiltinModule(name) as T;
}

/**
 * Self-hosted runners behind a proxy set `https_proxy`, `http_proxy` and `no_proxy` (the runner
 * writes each in both cases). Every HTTP client of the suite decides the same way, as GitHub's
 * runner and `@actions/http-client` do:
 * - the proxy of an https URL is `https_proxy`, else `HTTPS_PROXY`; of an http URL `http_proxy`,
 *   else `HTTP_PROXY` (the lower-case name wins, as in the runner, Node and curl; empty is unset;
 *   `proxy:3128` without a scheme is `http://proxy:3128`, as curl reads it);
 * - `no_proxy`, else `NO_PROXY`, lists hosts reached directly: `*` is every host; `example.com`,
 *   `.example.com` and `*.example.com` are example.com and every name under it; `example.com:8443`
 *   is that host on that port only (Node's agents cannot say "every name under it, on a port");
 * - loopback (`localhost`, 127.x, ::1) is always reached directly, as the runner does: a registry
 *   or S3 server in a service container of the job cannot be reached from the proxy.
 * The libraries read `no_proxy` each in their own dialect (Node's fetch and agents take
 * `example.com` for that host alone; npm's agent, under Sigstore's clients, knows no `*.`), so
 * {@link useProxyFromEnvironment} writes the list out in the forms that make all of them, and
 * git and zizmor, which inherit the environment, agree. Octokit uses the global `fetch`. Sigstore's
 * clients read the variables once, as they load: entries load them after runAction has begun.
 */
const LOOPBACK = [
  "localhost",
  ".localhost",
  "127.0.0.1",
  "127.0.0.0-127.255.255.255",
  "::1",
  "[::1]",
];

/** The runner's proxy variables, read as described above, or undefined when no proxy is set. */
interface ProxySettings {
  https: string | undefined;
  http: string | undefined;
  /** Every host is reached directly (`no_proxy=*`): the proxy is as good as unset. */
  bypassAll: boolean;
  /** `no_proxy` written out for every dialect, loopback included. */
  noProxy: string;
}

function proxySettings(env: NodeJS.ProcessEnv): ProxySettings | undefined {
  const https = proxyUrl(env, "https_proxy", "HTTPS_PROXY");
  const http = proxyUrl(env, "http_proxy", "HTTP_PROXY");
  if (!https && !http) return undefined;
  const entries = (env.no_proxy || env.NO_PROXY || "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  const written = new Set<string>();
  for (const entry of entries) for (const form of noProxyForms(entry)) written.add(form);
  for (const host of LOOPBACK) written.add(host);
  return { https, http, bypassAll: entries.includes("*"), noProxy: [...written].join(",") };
}

function proxyUrl(env: NodeJS.ProcessEnv, lower: string, upper: string): string | undefined {
  const name = env[lower]?.trim() ? lower : upper;
  const value = env[name]?.trim();
  if (!value) return undefined;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  // A proxy URL may carry a password: messages show it without.
  const shown = url.replace(/^([^:]+:\/\/)[^/]*@/, "$1***@");
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new ConfigurationError(
      `${name} is '${shown}', which is not a URL; expected http://host:port`,
    );
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new ConfigurationError(
      `${name} is '${shown}'; the suite's clients speak to http:// and https:// proxies only`,
    );
  }
  return url;
}

/**
 * One `no_proxy` entry in the forms every dialect reads alike: a name as `example.com` and
 * `.example.com` (the name and every name under it), a name with a port as `example.com:8443`
 * alone. IP addresses stay as they are.
 */
function noProxyForms(entry: string): string[] {
  const named = /^([^:[\]]*)(?::(\d+))?$/.exec(entry);
  if (entry === "*" || !named) return [entry];
  const [, host = "", port] = named;
  const base = host.replace(/^\*?\./, "");
  if (!base || /^\d+(?:\.\d+){3}$/.test(base)) return [entry];
  if (port !== undefined) return [`${base}:${port}`];
  return [...new Set([entry, base, `.${base}`])];
}

/**
 * The proxy variables as Node reads them (`https_proxy`, `http_proxy`, `no_proxy`), in the forms
 * described above; undefined when no proxy applies.
 */
export function proxyEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv | undefined {
  const settings = proxySettings(env);
  if (!settings || settings.bypassAll) return undefined;
  return { https_proxy: settings.https, http_proxy: settings.http, no_proxy: settings.noProxy };
}

/**
 * Points `fetch` and `http(s).request` without an agent of their own at the runner's proxy, and
 * writes the proxy variables back into `env` in both cases and in the forms every library and
 * child process (Sigstore's npm agent, git, zizmor) reads alike. `no_proxy=*` removes them: no
 * client then goes through a proxy. A proxy variable that is not an http(s) URL is a
 * {@link ConfigurationError} naming it.
 */
export function useProxyFromEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  const settings = proxySettings(env);
  if (!settings) return;
  writeProxyEnvironment(env, settings);
  if (settings.bypassAll) return;
  builtin<typeof import("node:http")>("node:http").setGlobalProxyFromEnv(
    proxyEnvironment(env) as NodeJS.ProcessEnv,
  );
}

function writeProxyEnvironment(env: NodeJS.ProcessEnv, settings: ProxySettings): void {
  const names = ["https_proxy", "http_proxy", "no_proxy"];
  if (settings.bypassAll) {
    for (const name of names) {
      delete env[name];
      delete env[name.toUpperCase()];
    }
    return;
  }
  const values = [settings.https, settings.http, settings.noProxy];
  names.forEach((name, index) => {
    const value = values[index];
    for (const spelling of [name, name.toUpperCase()]) {
      if (value === undefined) delete env[spelling];
      else env[spelling] = value;
    }
  });
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
