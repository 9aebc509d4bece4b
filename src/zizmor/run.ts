import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import * as core from "@actions/core";
import { publishCheckRun } from "../core/check-run.ts";
import { ConfigurationError } from "../core/errors.ts";
import { createGitHubClient, type GitHubClient, parseRepository } from "../core/github.ts";
import { annotate, group, info, mask, setOutput } from "../core/log.ts";
import { type Analysis, analyse } from "./analyse.ts";
import type { LevelMap } from "./annotations.ts";
import { type FailOn, fingerprint, type NewOnly } from "./gate.ts";
import {
  type InstallDeps,
  type Installed,
  type InstallRequest,
  installZizmor,
  VerificationError,
} from "./install.ts";
import {
  type ExitMeaning,
  exitMeaning,
  warningLines,
  type ZizmorOptions,
  zizmorArguments,
  zizmorEnvironment,
} from "./invoke.ts";
import { changedLines, pullRequestOf, readOnlyTokenReason } from "./pull-request.ts";
import {
  capToFiles,
  type Finding,
  fileLines,
  parseJsonV1,
  ReportFormatError,
  severityRank,
} from "./report.ts";
import { toSarif } from "./sarif.ts";

export interface ZizmorInputs {
  install: Omit<InstallRequest, "platform" | "toolCache" | "temp">;
  zizmor: ZizmorOptions;
  token: string | undefined;
  failOn: FailOn;
  newFindingsOnly: "off" | "changed-lines" | "baseline";
  baselineFile: string | undefined;
  levels: LevelMap;
  /** trusted_root.json for attestation checks; public-good Sigstore's root when absent. */
  trustedRoot: string | undefined;
  checkRun: boolean;
  checkName: string;
  sarifFile: string | undefined;
  summary: boolean;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface RunDeps extends InstallDeps {
  platform: { os: string; arch: string };
  runProcess(
    binary: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ): Promise<ProcessResult>;
}

/** The action: install and verify zizmor, run it, show its findings, decide the step's outcome. */
export async function run(inputs: ZizmorInputs, deps: RunDeps): Promise<Analysis | undefined> {
  const env = deps.env;
  // zizmor gets the token for online audits and may print it (1.27.0 did); mask it first.
  if (inputs.token) mask(inputs.token);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const verifyAttestation = deps.verifyAttestation ?? (await verifier(inputs, env));
  let installed: Installed;
  try {
    installed = await group("Install zizmor", () =>
      installZizmor(
        {
          ...inputs.install,
          platform: deps.platform,
          // Outside Actions (the CLI), nothing is written into the checkout.
          toolCache: env.RUNNER_TOOL_CACHE ?? resolve(env.RUNNER_TEMP ?? tmpdir(), "_tool"),
          temp: env.RUNNER_TEMP ?? tmpdir(),
        },
        { ...deps, verifyAttestation },
      ),
    );
  } catch (thrown) {
    // Not the user's mistake and not a bug: a binary that did not verify. No stack, just why.
    if (!(thrown instanceof VerificationError)) throw thrown;
    core.setFailed(`zizmor: ${thrown.message}`);
    return undefined;
  }
  info(installed.provenance);
  setOutput("zizmor-version", installed.version);
  setOutput("zizmor-path", installed.path);
  const apiHost = env.GITHUB_SERVER_URL ? new URL(env.GITHUB_SERVER_URL).host : undefined;
  const result = await deps.runProcess(installed.path, zizmorArguments(inputs.zizmor), {
    cwd: workspace,
    env: zizmorEnvironment(env, {
      onlineAudits: inputs.zizmor.onlineAudits,
      token: inputs.token,
      apiHost: apiHost === "github.com" ? undefined : apiHost,
    }),
  });
  setOutput("exit-code", String(result.exitCode ?? ""));
  const warnings = warningLines(result.stderr);
  for (const warning of warnings) {
    annotate({ level: "warning", title: "zizmor skipped an input", message: warning });
  }
  const meaning = exitMeaning(result.exitCode, result.signal);
  if (meaning.kind === "tool-error") {
    if (result.stderr.trim()) info(result.stderr.trimEnd());
    core.setFailed(`zizmor: ${meaning.explanation}; no findings were read, so nothing was gated`);
    return undefined;
  }
  const read = readFindings(result.stdout, workspace);
  const findings = typeof read === "string" ? read : promisedFindingMissing(read, meaning, result);
  if (typeof findings === "string") {
    core.setFailed(`zizmor: ${findings}`);
    return undefined;
  }
  const analysis = analyse(findings, {
    failOn: inputs.failOn,
    newOnly: await newOnlyRule(inputs, env, workspace),
    levels: inputs.levels,
    blobUrl: blobUrl(env),
    provenance: installed.provenance,
    warnings,
  });
  await publish(analysis, inputs, installed.version, env, workspace);
  return analysis;
}

/** The shared Sigstore verifier, loaded only when an archive is installed. */
async function verifier(inputs: ZizmorInputs, env: NodeJS.ProcessEnv) {
  if (inputs.install.zizmorPath || inputs.install.attestation === "off") return undefined;
  const { attestationVerifier } = await import("./attestation.ts");
  return attestationVerifier({
    client: () => client(inputs, env),
    trustedRoot: inputs.trustedRoot,
  });
}

/**
 * Findings from stdout, or why they could not be read. Exit codes 11-14 promise findings, so
 * output that cannot be read is a tool failure, never "no findings".
 */
function readFindings(stdout: string, workspace: string): Finding[] | string {
  // zizmor prints `[]` when it finds nothing; silence is a lost report, never a clean one.
  if (stdout.trim() === "") return "zizmor printed no JSON report; nothing was gated";
  try {
    return capToFiles(parseJsonV1(stdout, { workspace, cwd: workspace }), fileLines(workspace));
  } catch (thrown) {
    if (!(thrown instanceof ReportFormatError)) throw thrown;
    return `zizmor's output could not be read (${thrown.message}); nothing was gated`;
  }
}

/**
 * Exit codes 11-14 name the highest severity zizmor found (ignored findings do not count). Output
 * with no finding that severe lost some, so it is refused rather than gated as it reads.
 */
function promisedFindingMissing(
  findings: Finding[],
  meaning: ExitMeaning,
  result: ProcessResult,
): Finding[] | string {
  if (meaning.kind !== "findings") return findings;
  const promised = severityRank(meaning.highest);
  const found = findings.some(
    (finding) => !finding.ignored && severityRank(finding.severity) >= promised,
  );
  if (found) return findings;
  return `zizmor exited ${result.exitCode} (highest finding ${meaning.highest}), but its output holds no finding that severe; nothing was gated`;
}

async function newOnlyRule(inputs: ZizmorInputs, env: NodeJS.ProcessEnv, workspace: string) {
  if (inputs.newFindingsOnly === "baseline") {
    if (!inputs.baselineFile) {
      throw new ConfigurationError(
        "input 'new-findings-only' is 'baseline' but input 'baseline-file' is empty; give the path of a zizmor JSON v1 report",
      );
    }
    return { mode: "baseline", known: readBaseline(inputs.baselineFile, workspace) } as NewOnly;
  }
  if (inputs.newFindingsOnly === "changed-lines") {
    const pull = pullRequestOf(env.GITHUB_EVENT_NAME, env.GITHUB_EVENT_PATH);
    if (!pull) {
      info("new-findings-only: not a pull request, so every finding counts");
      return { mode: "off" } as NewOnly;
    }
    const repository = parseRepository(env.GITHUB_REPOSITORY);
    const changed = await changedLines(client(inputs, env), repository, pull);
    if (typeof changed === "string") {
      info(`new-findings-only: ${changed}, so every finding counts`);
      return { mode: "off" } as NewOnly;
    }
    return { mode: "changed-lines", changed } as NewOnly;
  }
  return { mode: "off" } as NewOnly;
}

function readBaseline(path: string, workspace: string): Set<string> {
  const file = resolve(workspace, path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new ConfigurationError(`input 'baseline-file' is '${path}', but ${file} cannot be read`);
  }
  try {
    return new Set(parseJsonV1(text, { workspace, cwd: workspace }).map(fingerprint));
  } catch (thrown) {
    if (!(thrown instanceof ReportFormatError)) throw thrown;
    throw new ConfigurationError(`input 'baseline-file' (${path}) is ${thrown.message}`);
  }
}

let cachedClient: GitHubClient | undefined;
function client(inputs: ZizmorInputs, env: NodeJS.ProcessEnv): GitHubClient {
  cachedClient ??= createGitHubClient({ token: inputs.token ?? "" }, env);
  return cachedClient;
}

function blobUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_SHA) return undefined;
  const server = (env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "");
  const pull = pullRequestOf(env.GITHUB_EVENT_NAME, env.GITHUB_EVENT_PATH);
  return `${server}/${env.GITHUB_REPOSITORY}/blob/${pull?.headSha ?? env.GITHUB_SHA}`;
}

async function publish(
  analysis: Analysis,
  inputs: ZizmorInputs,
  version: string,
  env: NodeJS.ProcessEnv,
  workspace: string,
): Promise<void> {
  for (const annotation of analysis.annotations.shown) annotate(annotation);
  if (analysis.annotations.omitted > 0) {
    info(`${analysis.annotations.omitted} more findings are listed in the job summary`);
  }
  const { verdict } = analysis;
  setOutput("findings", String(analysis.findings.length));
  setOutput("failing-findings", String(verdict.failing.length));
  setOutput("highest-severity", verdict.highest);
  setOutput("passed", String(verdict.passed));
  if (inputs.sarifFile) {
    const path = resolve(workspace, inputs.sarifFile);
    writeFileSync(path, `${JSON.stringify(toSarif(analysis.findings, version), null, 2)}\n`);
    setOutput("sarif-file", path);
    const readOnly = readOnlyTokenReason(env);
    if (readOnly) {
      annotate({
        level: "notice",
        title: "zizmor SARIF upload will be refused",
        message: `${readOnly}, so uploading ${inputs.sarifFile} to code scanning will fail; the findings are in the annotations and the job summary instead`,
      });
    }
  }
  if (inputs.checkRun) await publishCheck(analysis, inputs, env);
  if (inputs.summary) analysis.summary.write();
  if (!verdict.passed) {
    core.setFailed(
      `zizmor: ${verdict.failing.length} finding(s) at or above fail-on '${inputs.failOn}'` +
        (inputs.newFindingsOnly === "off" ? "" : " that this change introduces"),
    );
  }
}

async function publishCheck(analysis: Analysis, inputs: ZizmorInputs, env: NodeJS.ProcessEnv) {
  const repository = parseRepository(env.GITHUB_REPOSITORY);
  const pull = pullRequestOf(env.GITHUB_EVENT_NAME, env.GITHUB_EVENT_PATH);
  const result = await publishCheckRun(client(inputs, env), {
    ...repository,
    name: inputs.checkName,
    headSha: pull?.headSha ?? env.GITHUB_SHA ?? "",
    passed: analysis.verdict.passed,
    title: `${analysis.findings.length} findings, ${analysis.verdict.failing.length} failing`,
    summary: analysis.summary.toString(60_000),
    annotations: analysis.annotations.all,
  });
  if (result.published) {
    setOutput("check-run-id", String(result.id));
    info(`check run '${inputs.checkName}' carries ${analysis.annotations.all.length} annotations`);
  } else {
    annotate({ level: "notice", title: "zizmor check run skipped", message: result.reason });
  }
}
