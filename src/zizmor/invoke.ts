import type { Severity } from "./report.ts";

export const PERSONAS = ["regular", "pedantic", "auditor"] as const;
export const MIN_SEVERITIES = ["informational", "low", "medium", "high"] as const;
export const MIN_CONFIDENCES = ["low", "medium", "high"] as const;
export const COLLECT = ["all", "default", "workflows", "actions", "dependabot"] as const;

export interface ZizmorOptions {
  /** Files and folders to audit, relative to the workspace. */
  inputs: string[];
  persona: (typeof PERSONAS)[number];
  minSeverity: (typeof MIN_SEVERITIES)[number] | undefined;
  minConfidence: (typeof MIN_CONFIDENCES)[number] | undefined;
  config: string | undefined;
  /** `--no-config`: on a pull request whose base has no zizmor.yml, none is read. */
  noConfig?: boolean;
  collect: (typeof COLLECT)[number][];
  strictCollection: boolean;
  noIgnores: boolean;
  /** Online audits call the GitHub API with the token; off, zizmor runs `--offline`. */
  onlineAudits: boolean;
  cacheDir: string | undefined;
}

/** zizmor's command line. Every value is its own argument: nothing passes through a shell. */
export function zizmorArguments(options: ZizmorOptions): string[] {
  const args = ["--format=json-v1", "--no-progress", `--persona=${options.persona}`];
  if (options.minSeverity) args.push(`--min-severity=${options.minSeverity}`);
  if (options.minConfidence) args.push(`--min-confidence=${options.minConfidence}`);
  if (options.config) args.push(`--config=${options.config}`);
  else if (options.noConfig) args.push("--no-config");
  if (options.collect.length) args.push(`--collect=${options.collect.join(",")}`);
  if (options.strictCollection) args.push("--strict-collection");
  if (options.noIgnores) args.push("--no-ignores");
  if (!options.onlineAudits) args.push("--offline");
  if (options.cacheDir) args.push(`--cache-dir=${options.cacheDir}`);
  return [...args, "--", ...options.inputs];
}

/** Token variables zizmor reads; removed from its environment unless online audits are on. */
const TOKEN_VARIABLES = ["GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN"];

export function zizmorEnvironment(
  base: NodeJS.ProcessEnv,
  options: { onlineAudits: boolean; token: string | undefined; apiHost?: string },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, NO_COLOR: "1" };
  for (const name of Object.keys(env)) {
    if (name.startsWith("INPUT_") || TOKEN_VARIABLES.includes(name)) delete env[name];
  }
  if (options.onlineAudits && options.token) env.GH_TOKEN = options.token;
  if (options.onlineAudits && options.apiHost) env.GH_HOST = options.apiHost;
  return env;
}

/** What zizmor's exit code means (zizmor 1.x; SARIF mode and `--no-exit-codes` always exit 0). */
export type ExitMeaning =
  | { kind: "no-findings" }
  | { kind: "findings"; highest: Severity }
  | { kind: "tool-error"; explanation: string };

const FINDING_CODES: Record<number, Severity> = {
  11: "informational",
  12: "low",
  13: "medium",
  14: "high",
};

export function exitMeaning(code: number | null, signal?: string | null): ExitMeaning {
  if (code === 0) return { kind: "no-findings" };
  const highest = code === null ? undefined : FINDING_CODES[code];
  if (highest) return { kind: "findings", highest };
  const explanations: Record<number, string> = {
    1: "zizmor failed (exit 1, a tool error)",
    2: "zizmor refused its arguments (exit 2); check persona, min-severity, min-confidence, config and collect",
    3: "zizmor collected no inputs (exit 3); is there a checkout step before this one, and do the 'inputs' paths hold workflows?",
  };
  if (code !== null && explanations[code]) {
    return { kind: "tool-error", explanation: explanations[code] as string };
  }
  return {
    kind: "tool-error",
    explanation:
      code === null
        ? `zizmor was stopped by signal ${signal ?? "(unknown)"}`
        : `zizmor exited with ${code}, which is neither success nor a findings code (11-14)`,
  };
}

/** Removes terminal colour codes, in case a wrapper forces colours on. */
export function stripColours(text: string): string {
  return text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");
}

/**
 * zizmor's warnings from stderr (its `WARN` log lines), such as inputs it skipped because they
 * failed schema validation: these mean files were not audited and must not be swallowed.
 */
export function warningLines(stderr: string): string[] {
  return stripColours(stderr)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => /(^|\s)WARN(\s|$)/.test(line))
    .map((line) => line.replace(/^.*?\bWARN\s+/, ""));
}
