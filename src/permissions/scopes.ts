import { closest } from "../core/text.ts";

/**
 * The GITHUB_TOKEN permission scopes and the values each takes, as GitHub's own workflow parser
 * (`@actions/workflow-parser`, the `permissions-mapping` of its schema) accepts them; a test fails
 * when the two differ, so a new scope is added here with the parser version it came with. A scope
 * or value not in this table makes GitHub refuse the workflow, so it is reported as an error.
 */
export const SCOPES_VERSION = "@actions/workflow-parser 0.3.61";

export type Level = "read" | "write" | "none";

const ANY: readonly Level[] = ["read", "write", "none"];
const WRITE_OR_NONE: readonly Level[] = ["write", "none"];
const READ_OR_NONE: readonly Level[] = ["read", "none"];

export const SCOPES: Readonly<Record<string, readonly Level[]>> = {
  actions: ANY,
  "artifact-metadata": ANY,
  attestations: ANY,
  checks: ANY,
  "code-quality": ANY,
  contents: ANY,
  "copilot-requests": WRITE_OR_NONE,
  deployments: ANY,
  discussions: ANY,
  drives: ANY,
  "id-token": WRITE_OR_NONE,
  issues: ANY,
  models: READ_OR_NONE,
  packages: ANY,
  pages: ANY,
  "pull-requests": ANY,
  "repository-projects": ANY,
  "security-events": ANY,
  statuses: ANY,
  "vulnerability-alerts": READ_OR_NONE,
};

export function isKnownScope(scope: string): boolean {
  return Object.hasOwn(SCOPES, scope);
}

export function validLevels(scope: string): readonly Level[] {
  return SCOPES[scope] ?? ANY;
}

const RANK: Record<Level, number> = { none: 0, read: 1, write: 2 };

export function rank(level: Level): number {
  return RANK[level];
}

export function isLevel(text: string): text is Level {
  return Object.hasOwn(RANK, text);
}

/**
 * What `read-all` or `write-all` gives one scope: the most it takes up to the shorthand
 * (`read-all` leaves `id-token` at none, which has no read).
 */
export function shorthandLevel(scope: string, shorthand: Level): Level {
  return validLevels(scope).reduce<Level>(
    (most, level) => (rank(level) <= rank(shorthand) && rank(level) > rank(most) ? level : most),
    "none",
  );
}

/** The known scope closest to a misspelt one (`pull-request` → `pull-requests`), if any is close. */
export function closestScope(scope: string): string | undefined {
  return closest(scope, Object.keys(SCOPES), 3);
}
