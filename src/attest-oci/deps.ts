import { join } from "node:path";
import type { RunnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import { createGitHubClient } from "../core/github.ts";
import { defaultTrust, type SigstoreTrust, trustMaterialFromFile } from "../core/sigstore/index.ts";
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
export function credentialRegistries(
  inputs: CredentialInputs,
  subjects: string[],
  label: (name: string) => string = (name) => `input '${name}'`,
): string[] {
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
      `${label("registry-username")} and ${label("registry-password")} are set and ${label("subjects")} span ${registries.size} registries; name the one they are for in ${label("registry")}`,
    );
  }
  return [...registries];
}

/** The run's repository and its visibility and owner type, from the runner's context. */
export function runContext(context: RunnerContext): RunContext {
  const payload = context.payload as {
    repository?: { visibility?: string; owner?: { type?: string } };
  };
  return {
    repository: context.repository ?? { owner: "", repo: "" },
    serverUrl: context.urls.server,
    visibility: payload.repository?.visibility,
    ownerType: payload.repository?.owner?.type,
  };
}

export interface DepsOptions {
  env: NodeJS.ProcessEnv;
  context: RunnerContext;
  credentials: CredentialInputs;
  /** Registry hosts spoken to over plain HTTP (Docker's insecure-registries). */
  insecureRegistries: string[];
  /** How long one registry request may take (milliseconds); 60 s when absent. */
  registryTimeoutMs?: number;
  label: (name: string) => string;
  subjects: string[];
  githubToken: string | undefined;
  trustedRoot: string | undefined;
  mask(secret: string): void;
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
  const registries = credentialRegistries(options.credentials, options.subjects, options.label);
  if (options.registryTimeoutMs !== undefined && options.registryTimeoutMs < 1000) {
    throw new ConfigurationError(
      `${options.label("registry-timeout")} is shorter than a second; give one such as 60s or 2m`,
    );
  }
  return new RegistryClient(
    credentialLookup(config.credentials, { registries, credentials: fromInputs }),
    options.mask,
    {
      insecureRegistries: options.insecureRegistries,
      ...(options.registryTimeoutMs !== undefined
        ? { retry: { timeoutMs: options.registryTimeoutMs } }
        : {}),
    },
  );
}

function maskCredentials(credentials: RegistryCredentials, mask: (secret: string) => void) {
  for (const secret of [credentials.password, credentials.identityToken]) if (secret) mask(secret);
}

/**
 * The client for GitHub's attestations API. Its token is masked through `mask`: the action's
 * masks it, the CLI's prints nothing (on a terminal `::add-mask::` would print the token itself,
 * and break --format json).
 */
function githubClient(options: DepsOptions) {
  if (!options.githubToken) return undefined;
  options.mask(options.githubToken);
  return createGitHubClient(
    { token: options.githubToken, apiUrl: options.context.urls.api, maskToken: false },
    options.env,
  );
}

export async function createDeps(options: DepsOptions): Promise<AttestDeps> {
  const { env } = options;
  return {
    registry: await registryClient(options),
    github: githubClient(options),
    idToken:
      options.idToken ??
      (async (audience) => {
        const token = await requestIdToken(env, audience);
        options.mask(token);
        return token;
      }),
    // Loaded once, when first needed: a dry run or a registry-only failure needs no TUF.
    trust: once(
      (): Promise<SigstoreTrust> =>
        options.trustedRoot
          ? trustMaterialFromFile(options.trustedRoot)
          : defaultTrust(
              options.context.temp ? join(options.context.temp, "sigstore-tuf") : undefined,
            ),
    ),
    context: runContext(options.context),
    now: () => new Date(),
  };
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    return loaded;
  };
}
