import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "../core/errors.ts";

/** How to log in to one registry; never printed, masked as soon as it is read. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (`identitytoken` of `docker login` with some registries). */
  identityToken?: string;
}

export type CredentialLookup = (registry: string) => RegistryCredentials | undefined;

interface DockerConfig {
  auths?: Record<
    string,
    { auth?: string; username?: string; password?: string; identitytoken?: string }
  >;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Docker config keys for Docker Hub, which `docker login` writes as a URL. */
const DOCKER_HUB_KEYS = ["https://index.docker.io/v1/", "index.docker.io", "docker.io"];

/** The host of a config key: `https://ghcr.io` and `ghcr.io/` both mean `ghcr.io`. */
export function configKeyHost(key: string): string {
  if (DOCKER_HUB_KEYS.includes(key)) return "docker.io";
  return key
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/.*$/, "")
    .toLowerCase();
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG
    ? join(env.DOCKER_CONFIG, "config.json")
    : join(env.HOME ?? homedir(), ".docker", "config.json");
}

function credentialsOf(
  entry: NonNullable<DockerConfig["auths"]>[string],
  file: string,
  key: string,
): RegistryCredentials {
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) {
      throw new ConfigurationError(`${file}: auths['${key}'].auth is not base64 of user:password`);
    }
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { username: entry.username, password: entry.password };
}

/**
 * Credentials per registry host from a Docker config file, matched by exact host (a login to
 * `ghcr.io` is never sent to `ghcr.io.evil.example`). A missing file means no credentials;
 * credential helpers are not run, and the hosts that use them are returned so callers can say so.
 */
export async function readDockerConfig(
  file: string,
): Promise<{ credentials: Map<string, RegistryCredentials>; helperHosts: string[] }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return { credentials: new Map(), helperHosts: [] };
  }
  let config: DockerConfig;
  try {
    config = JSON.parse(text) as DockerConfig;
  } catch {
    throw new ConfigurationError(`${file} is not valid JSON`, { file });
  }
  const credentials = new Map<string, RegistryCredentials>();
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    const found = credentialsOf(entry ?? {}, file, key);
    if (found.username || found.password || found.identityToken) {
      credentials.set(configKeyHost(key), found);
    }
  }
  const helperHosts = Object.keys(config.credHelpers ?? {}).map(configKeyHost);
  return { credentials, helperHosts };
}

/**
 * One lookup over inputs and the Docker config: credentials given as inputs apply to the
 * registries they name; everything else comes from the config by exact host.
 */
export function credentialLookup(
  fromConfig: Map<string, RegistryCredentials>,
  fromInputs: { registries: string[]; credentials: RegistryCredentials } | undefined,
): CredentialLookup {
  return (registry) => {
    const host = registry.toLowerCase();
    if (fromInputs?.registries.includes(host)) return fromInputs.credentials;
    return fromConfig.get(host);
  };
}
