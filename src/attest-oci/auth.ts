import type { RegistryCredentials } from "./credentials.ts";

/** A parsed `WWW-Authenticate` challenge. */
export interface Challenge {
  scheme: string;
  parameters: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"` or
 * `Basic realm="…"`. Quoted values may hold commas and escaped quotes.
 */
export function parseChallenge(header: string): Challenge | undefined {
  const match = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const parameters: Record<string, string> = {};
  const pairs = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/g;
  for (const [, name, quoted, bare] of (match[2] as string).matchAll(pairs)) {
    parameters[(name as string).toLowerCase()] =
      quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? "");
  }
  return { scheme: (match[1] as string).toLowerCase(), parameters };
}

export function basicAuthorization(credentials: RegistryCredentials): string | undefined {
  if (credentials.username === undefined && credentials.password === undefined) return undefined;
  const pair = `${credentials.username ?? ""}:${credentials.password ?? ""}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/** The token request for a bearer challenge (distribution's token protocol). */
export function tokenRequest(
  challenge: Challenge,
  scope: string,
  credentials: RegistryCredentials | undefined,
): { url: URL; init: RequestInit } {
  const url = new URL(challenge.parameters.realm ?? "");
  if (credentials?.identityToken) {
    // A refresh token is exchanged with an OAuth2 POST, not sent as basic auth.
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: credentials.identityToken,
      service: challenge.parameters.service ?? "",
      scope,
      client_id: "status-gate",
    });
    return {
      url,
      init: {
        method: "POST",
        body: form,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
    };
  }
  if (challenge.parameters.service) url.searchParams.set("service", challenge.parameters.service);
  url.searchParams.set("scope", scope);
  const authorization = credentials ? basicAuthorization(credentials) : undefined;
  return { url, init: { headers: authorization ? { authorization } : {} } };
}
