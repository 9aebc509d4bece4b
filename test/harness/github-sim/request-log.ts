import type { FaultKind } from "./faults.ts";
import type { SpecProblem } from "./openapi-validator.ts";

/** One request as the simulator saw and answered it. */
export interface RecordedRequest {
  /** 1-based position in `sim.requests`. */
  index: number;
  method: string;
  /** Path without the query, as sent (percent-encoding kept). */
  path: string;
  /** Path and query. */
  url: string;
  /** `"GET /repos/{owner}/{repo}"` or `"POST /graphql"`; undefined when nothing matched. */
  route: string | undefined;
  /** GitHub's operation id (`checks/list-for-ref`), or `graphql`. */
  operationId: string | undefined;
  /** For GraphQL requests that name one. */
  graphqlOperationName: string | undefined;
  /** 0 when the connection was reset instead of answered. */
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  requestHeaders: Record<string, string>;
  /** Parsed JSON, the raw text when it was not JSON, or undefined when empty. */
  body: unknown;
  /** Answered 304 Not Modified to an `If-None-Match`: free under GitHub's rate limit. */
  conditional: boolean;
  fault: FaultKind | undefined;
  /** Epoch milliseconds when the request arrived. */
  timestamp: number;
  durationMs: number;
}

/** Something GitHub would not have accepted or would not have answered this way. */
export interface Violation {
  kind: SpecProblem["kind"] | "invalid-graphql" | "simulator-error";
  /** `"GET /repos/octo/app/commits/main/check-runs?status=done"`. */
  request: string;
  operationId: string | undefined;
  message: string;
}

/** The failure text a test sees: one numbered line per violation, request first. */
export function describeViolations(violations: readonly Violation[]): string {
  const lines = violations.map(
    (violation, index) =>
      `  ${index + 1}. ${violation.request}${violation.operationId ? ` (${violation.operationId})` : ""}\n` +
      `     ${violation.kind}: ${violation.message}`,
  );
  const noun = violations.length === 1 ? "violation" : "violations";
  return `github-sim: ${violations.length} ${noun} of GitHub's published API:\n${lines.join("\n")}`;
}
