import { closest } from "../core/text.ts";
/**
 * The GITHUB_TOKEN permission scopes, in one place. When GitHub adds a scope, add it here with
 * the values it takes and bump SCOPES_VERSION; a scope missing from this table is reported as a
 * warning, never a crash.
 */
export const SCOPES_VERSION = "2025-11";

export type Level = "read" | "write" | "none";

const READ_WRITE: readonly Level[] = ["read", "write", "none"];

export const SCOPES: Readonly<Record<string, readonly Level[]>> = {
  actions: READ_WRITE,
  "artifact-metadata": READ_WRITE,
  attestations: READ_WRITE,
  checks: READ_WRITE,
  "code-quality": READ_WRITE,
  contents: READ_WRITE,
  deployments: READ_WRITE,
  discussions: READ_WRITE,
  "id-token": ["write", "none"],
  issues: READ_WRITE,
  models: ["read", "none"],
  packages: READ_WRITE,
  pages: READ_WRITE,
  "pull-requests": READ_WRITE,
  // Dropped from the current docs but still accepted by older docs and tools.
  "repository-projects": READ_WRITE,
  "security-events": READ_WRITE,
  statuses: READ_WRITE,
  "vulnerability-alerts": ["read", "none"],
};

/** The shorthands accepted in place of a map. */
export const SHORTHANDS = ["read-all", "write-all"] as const;

export function isKnownScope(scope: string): boolean {
  return Object.hasOwn(SCOPES, scope);
}

export function validLevels(scope: string): readonly Level[] {
  return SCOPES[scope] ?? READ_WRITE;
}

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

export function rank(level: Level): number {
  return RANK[level];
}

export function isLevel(text: string): text is Level {
  return Object.hasOwn(RANK, text);
}

/** The known scope closest to a misspelt one (`pull-request` → `pull-requests`), if any is close. */
export function closestScope(scope: string): string | undefined {
  return closest(scope, Object.keys(SCOPES), 3);
}
