import { readFileSync } from "node:fs";
import { ConfigurationError } from "../core/errors.ts";
import { createGitHubClient, parseRepository } from "../core/github.ts";
import {
  publicGoodTrustMaterial,
  type TrustMaterial,
  trustMaterialFromFile,
} from "../core/sigstore/index.ts";
import {
  credentialLookup,
  dockerConfigPath,
  type RegistryCredentials,
  readDockerConfig,
} from "./credentials.ts";
import { parseImageReference } from "./reference.ts";
import { RegistryClient } from "./registry.ts";
import type { AttestDeps, RunContext } from "./run.ts";

export interface CredentialInputs {
  registry: string | undefined;
  username: string | undefined;
  password: string | undefined;
}

/** Which registry credentials given as inputs belong to: named, or the subjects' only registry. */
export function credentialRegistries(inputs: CredentialInputs, subjects: string[]): string[] {
  if (!inputs.username && !inputs.password) return [];
  if (inputs.registry) return [inputs.registry.toLowerCase()];
  const registries = new Set(
    subjects.map((text) => {
      try {
        return parseImageReference(text).registry;
      } catch {
        return text;
      }
    }),
  );
  if (registries.size !== 1) {
    throw new ConfigurationError(
      `inputs 'registry-username'/'registry-password' are set and 'subjects' span ${registries.size} registries; name the one they are for in input 'registry'`,
    );
  }
  return [...registries];
}

/** The run's repository and its visibility and owner type, from the environment and event. */
export function runContext(env: NodeJS.ProcessEnv): RunContext {
  let payload: { repository?: { visibility?: string; owner?: { type?: string } } } = {};
  try {
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH ?? "", "utf8"));
  } catch {
    payload = {};
  }
  return {
    repository: parseRepository(env.GITHUB_REPOSITORY),
    serverUrl: (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, ""),
    visibility: payload.repository?.visibility,
    ownerType: payload.repository?.owner?.type,
  };
}

export interface DepsOptions {
  env: NodeJS.ProcessEnv;
  credentials: CredentialInputs;
  subjects: string[];
  githubToken: string | undefined;
  trustedRoot: string | undefined;
  mask(secret: string): void;
  notice(message: string): void;
  /** Needed only where a job asks for an ID token (the action); the CLI verifies without one. */
  idToken?: (audience: string) => Promise<string>;
}

/**
 * The job's OIDC token for an audience, through the runner's token endpoint
 * (`ACTIONS_ID_TOKEN_REQUEST_URL` plus `audience=`, with `ACTIONS_ID_TOKEN_REQUEST_TOKEN`), so the
 * action and the CLI in a job's shell get it the same way and print nothing.
 */
export async function requestIdToken(env: NodeJS.ProcessEnv, audience: string): Promise<string> {
  const endpoint = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!endpoint || !requestToken) {
    throw new ConfigurationError(
      "no ID token is available; give the job 'permissions: id-token: write'",
    );
  }
  const url = new URL(endpoint);
  url.searchParams.append("audience", audience);
  const response = await fetch(url, {
    headers: { accept: "application/json", authorization: `Bearer ${requestToken}` },
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`the runner's token endpoint answered HTTP ${response.status}`);
  }
  const { value } = (await response.json()) as { value?: string };
  if (!value) throw new Error("the runner's token endpoint returned no token");
  return value;
}

async function registryClient(options: DepsOptions): Promise<RegistryClient> {
  const file = dockerConfigPath(options.env);
  const config = await readDockerConfig(file);
  for (const credentials of config.credentials.values()) maskCredentials(credentials, options.mask);
  const { username, password } = options.credentials;
  if (password) options.mask(password);
  const fromInputs: RegistryCredentials = { username, password };
  const registries = credentialRegistries(options.credentials, options.subjects);
  return new RegistryClient(
    credentialLookup(config.credentials, { registries, credentials: fromInputs }),
    options.mask,
  );
}

function maskCredentials(credentials: RegistryCredentials, mask: (secret: string) => void) {
  for (const secret of [credentials.password, credentials.identityToken]) if (secret) mask(secret);
}

export async function createDeps(options: DepsOptions): Promise<AttestDeps> {
  const { env } = options;
  return {
    registry: await registryClient(options),
    github: options.githubToken
      ? createGitHubClient({ token: options.githubToken }, env)
      : undefined,
    idToken:
      options.idToken ??
      (async (audience) => {
        const token = await requestIdToken(env, audience);
        options.mask(token);
        return token;
      }),
    trust: (): Promise<TrustMaterial> =>
      options.trustedRoot
        ? trustMaterialFromFile(options.trustedRoot)
        : publicGoodTrustMaterial(env.RUNNER_TEMP ? `${env.RUNNER_TEMP}/sigstore-tuf` : undefined),
    context: runContextOrDefault(env),
    now: () => new Date(),
    notice: options.notice,
  };
}

function runContextOrDefault(env: NodeJS.ProcessEnv): RunContext {
  if (env.GITHUB_REPOSITORY) return runContext(env);
  return {
    repository: { owner: "", repo: "" },
    serverUrl: "https://github.com",
    visibility: undefined,
    ownerType: undefined,
  };
}
