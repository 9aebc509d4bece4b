export type Severity = "error" | "warning" | "note";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

/** Every rule the enforcer reports, with the title annotations and SARIF show for it. */
export const RULES = {
  "missing-top-level-permissions": {
    severity: "error",
    title: "No top-level permissions",
    help: "Without a top-level `permissions:` block every job without its own block gets the repository's default token, which is read/write on everything in permissive mode.",
  },
  "top-level-not-empty": {
    severity: "error",
    title: "Top-level permissions not empty",
    help: "The top-level block applies to every job without its own block; keep it `{}` and grant scopes per job.",
  },
  "job-missing-permissions": {
    severity: "error",
    title: "Job without permissions",
    help: "A job without `permissions:` inherits the top-level block, or the repository default when there is none; a reusable workflow called without one gets the default.",
  },
  "blanket-permissions": {
    severity: "error",
    title: "Blanket read-all or write-all",
    help: "`read-all` and `write-all` grant every scope, including ones added later; list the scopes the job needs.",
  },
  "unknown-scope": {
    severity: "warning",
    title: "Unknown permission scope",
    help: "GitHub ignores or rejects scopes it does not know; a typo here usually means the intended scope is not granted.",
  },
  "invalid-permission-value": {
    severity: "error",
    title: "Invalid permission value",
    help: "Each scope takes `read`, `write` or `none` (`id-token` only `write` or `none`; `models` and `vulnerability-alerts` only `read` or `none`).",
  },
  "write-on-untrusted-trigger": {
    severity: "error",
    title: "Write grant on an untrusted trigger",
    help: "`pull_request_target` and `workflow_run` run with a write-capable token even for forks; code from a pull request can use these grants.",
  },
  "grant-exceeds-policy": {
    severity: "error",
    title: "Grant wider than the policy allows",
    help: "`.github/permissions-policy.yml` lists the most each workflow and job may be granted.",
  },
  "unused-id-token": {
    severity: "warning",
    title: "id-token: write without an OIDC consumer",
    help: "An OIDC token lets the job authenticate to clouds and signing services; grant it only to jobs that use one (attestation, cloud login).",
  },
  "invalid-yaml": {
    severity: "error",
    title: "Invalid YAML",
    help: "GitHub cannot load a workflow that is not valid YAML.",
  },
  "not-a-workflow": {
    severity: "warning",
    title: "Not a workflow",
    help: "Files under `.github/workflows/` should be workflows (a map with `on:` and `jobs:`).",
  },
} as const satisfies Record<string, { severity: Severity; title: string; help: string }>;

export type RuleId = keyof typeof RULES;

export const RULE_IDS = Object.keys(RULES) as RuleId[];

export function isRuleId(text: string): text is RuleId {
  return Object.hasOwn(RULES, text);
}

/** One problem in one file, at the 1-based line and column of the key or value at fault. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The workflow's name, or its file name when it has none. */
  workflow: string;
  job?: string;
  message: string;
  /** What to change, in words a reviewer can apply. */
  fix?: string;
}

const RANK: Record<Severity, number> = { note: 0, warning: 1, error: 2 };

/** Whether a finding of `severity` reaches the `fail-on` threshold (`never` reaches nothing). */
export function reaches(severity: Severity, threshold: Severity | "never"): boolean {
  return threshold !== "never" && RANK[severity] >= RANK[threshold];
}

/** Findings in reading order: path, then line, then column, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
