export type Severity = "error" | "warning" | "note";

export const SEVERITIES: readonly Severity[] = ["error", "warning", "note"];

/**
 * Every rule the enforcer reports: its severity, the title annotations and SARIF show, help text,
 * and for code scanning a `security-severity` (CVSS-like, 0.0-10.0: 7.0 and up shows as high,
 * 4.0 up to 7.0 as medium) and tags.
 */
export const RULES = {
  "missing-top-level-permissions": {
    severity: "error",
    title: "No top-level permissions",
    help: "Without a top-level `permissions:` block every job without its own block gets the repository's default token, which is read/write on everything in permissive mode. In a workflow that can only be called (`on: workflow_call`), such jobs get what the calling job grants.",
    securitySeverity: "7.5",
    tags: ["security", "excessive-permissions"],
  },
  "top-level-not-empty": {
    severity: "error",
    title: "Top-level permissions not empty",
    help: "The top-level block applies to every job without its own block; keep it `{}` and grant scopes per job.",
    securitySeverity: "6.5",
    tags: ["security", "excessive-permissions"],
  },
  "job-missing-permissions": {
    severity: "error",
    title: "Job without permissions",
    help: "A job without `permissions:` inherits the top-level block, or the repository default when there is none. Inheriting an explicit `{}` (or, with `top-level: read-only`, nothing above read) is compliant unless the policy sets `require-job-blocks: true`.",
    securitySeverity: "6.5",
    tags: ["security", "excessive-permissions"],
  },
  "blanket-permissions": {
    severity: "error",
    title: "Blanket read-all or write-all",
    help: "`read-all` and `write-all` grant every scope, including ones added later; list the scopes the job needs.",
    securitySeverity: "7.5",
    tags: ["security", "excessive-permissions"],
  },
  "unknown-scope": {
    severity: "error",
    title: "Unknown permission scope",
    help: "GitHub refuses a workflow whose `permissions:` names a scope it does not know (a typo such as `pull-request`), so the workflow never runs.",
    securitySeverity: "4.0",
    tags: ["correctness", "invalid-workflow"],
  },
  "invalid-permission-value": {
    severity: "error",
    title: "Invalid permission value",
    help: "Each scope takes `read`, `write` or `none` (`id-token` and `copilot-requests` only `write` or `none`; `models` and `vulnerability-alerts` only `read` or `none`); GitHub refuses any other value.",
    securitySeverity: "4.0",
    tags: ["correctness", "invalid-workflow"],
  },
  "reusable-workflow-refused": {
    severity: "error",
    title: "Reusable workflow asks for more than the calling job grants",
    help: "A job of a called reusable workflow can only narrow what the calling job grants. When it requests more, GitHub refuses to start the whole run: \"The nested job 'x' is requesting 'contents: write', but is only allowed 'contents: read'\".",
    securitySeverity: "4.0",
    tags: ["correctness", "invalid-workflow", "reusable-workflow"],
  },
  "write-on-untrusted-trigger": {
    severity: "error",
    title: "Write grant on an untrusted trigger",
    help: "`pull_request_target` and `workflow_run` run with a write-capable token even for forks; code from a pull request can use these grants.",
    securitySeverity: "8.8",
    tags: ["security", "excessive-permissions", "untrusted-input"],
  },
  "grant-exceeds-policy": {
    severity: "error",
    title: "Grant wider than the policy allows",
    help: "`.github/permissions-policy.yml` lists the most each workflow and job may be granted.",
    securitySeverity: "6.5",
    tags: ["security", "excessive-permissions", "policy"],
  },
  "unused-permissions": {
    severity: "warning",
    title: "Write scopes no step can use",
    help: "The job grants write scopes that no action it runs needs (per the inference table) while no step can reach the token (`github.token`, `secrets.GITHUB_TOKEN`, `toJSON(secrets)`, `GH_TOKEN`/`GITHUB_TOKEN`, `gh`, `git push`, API calls; `contents` after a checkout that keeps its credentials): drop them.",
    securitySeverity: "5.0",
    tags: ["security", "excessive-permissions"],
  },
  "unused-id-token": {
    severity: "warning",
    title: "id-token: write without an OIDC consumer",
    help: "An OIDC token lets the job authenticate to clouds and signing services; grant it only to jobs that use one (attestation, cloud login).",
    securitySeverity: "5.0",
    tags: ["security", "excessive-permissions", "oidc"],
  },
  "needs-review": {
    severity: "warning",
    title: "Inferred block needs review",
    help: "The fixer wrote a block from what it could read of the job's steps, but something the job runs (an action not in the inference table, a step using the token, a remote reusable workflow) may need more; check the block.",
    securitySeverity: "3.0",
    tags: ["security", "review"],
  },
  "symlinked-workflow": {
    severity: "warning",
    title: "Symlinked workflow file",
    help: "GitHub does not run a workflow file that is a symbolic link; the enforcer neither follows nor writes it.",
    securitySeverity: "2.0",
    tags: ["correctness"],
  },
  "invalid-yaml": {
    severity: "error",
    title: "Invalid YAML",
    help: "GitHub cannot load a workflow that is not valid YAML.",
    securitySeverity: "4.0",
    tags: ["correctness", "invalid-workflow"],
  },
  "not-a-workflow": {
    severity: "warning",
    title: "Not a workflow",
    help: "Files under `.github/workflows/` should be workflows (a map with `on:` and `jobs:`).",
    securitySeverity: "2.0",
    tags: ["correctness"],
  },
} as const satisfies Record<
  string,
  {
    severity: Severity;
    title: string;
    help: string;
    securitySeverity: string;
    tags: readonly string[];
  }
>;

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
