import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { RunnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import { Git } from "../core/git.ts";
import type { GitHubClient } from "../core/github.ts";
import { linkOnPath } from "../core/links.ts";
import { type ActionOutcome, Outcome } from "../core/outcome.ts";
import { analyse } from "./analyse.ts";
import type { LevelMap } from "./annotations.ts";
import {
  applyBaseIgnores,
  type BaseRevision,
  baseConfig,
  githubBaseRevision,
} from "./base-revision.ts";
import { inputsHiddenByIgnoreFiles } from "./collection.ts";
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
import { analysisOutcome } from "./outcome.ts";
import { changedLines } from "./pull-request.ts";
import {
  capToFiles,
  type Finding,
  fileLines,
  outsideWorkspace,
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
  /** On pull requests, zizmor.yml and ignore comments count only as the base revision has them. */
  ignoresFromBase: boolean;
  levels: LevelMap;
  /** trusted_root.json for attestation checks; public-good Sigstore's root when absent. */
  trustedRoot: string | undefined;
  checkRun: boolean;
  checkName: string;
  sarifFile: string | undefined;
  summary: boolean;
  /** How messages name an input: `input 'sha256'` in the action, `--sha256` on the command line. */
  label: (name: string) => string;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface RunDeps extends Omit<InstallDeps, "notice"> {
  context: RunnerContext;
  platform: { os: string; arch: string };
  runProcess(
    binary: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ): Promise<ProcessResult>;
  /** Hides a secret in the step's log (zizmor may print the token it is given). */
  mask(secret: string): void;
  /** A line of progress for the step's log. */
  log(line: string): void;
  /** The client for the token: pull request files, the base revision, attestations. */
  github: () => GitHubClient;
  /** A pull request's base revision; the contents API when not given. */
  baseRevision?: BaseRevision;
}

/**
 * The action: install and verify zizmor, run it, and decide from its findings. Returns what to
 * show (outputs, annotations, the summary, the SARIF file, the check run) and why the step fails;
 * it writes nothing to the runner.
 */
export async function run(inputs: ZizmorInputs, deps: RunDeps): Promise<ActionOutcome> {
  const outcome = await audit(inputs, deps);
  // `passed` says whether the step passed: zizmor failing, or a report that could not be read or
  // written, is never a pass, even with no finding counted.
  if (outcome.failure !== undefined) outcome.output("passed", false);
  return outcome;
}

async function audit(inputs: ZizmorInputs, deps: RunDeps): Promise<Outcome> {
  const outcome = new Outcome();
  const { context } = deps;
  const workspace = context.workspace;
  // zizmor gets the token for online audits and may print it (1.27.0 did); mask it first.
  if (inputs.token) deps.mask(inputs.token);
  let installed: Installed;
  try {
    installed = await installZizmor(
      {
        ...inputs.install,
        platform: deps.platform,
        // Outside Actions (the CLI), nothing is written into the checkout.
        toolCache: context.toolCache ?? resolve(context.temp ?? tmpdir(), "_tool"),
        temp: context.temp ?? tmpdir(),
      },
      {
        ...deps,
        verifyAttestation: deps.verifyAttestation ?? (await verifier(inputs, deps)),
        notice: (message) => outcome.notice(message, "zizmor install"),
      },
    );
  } catch (thrown) {
    // Not the user's mistake and not a bug: a binary that did not verify. No stack, just why.
    if (!(thrown instanceof VerificationError)) throw thrown;
    return outcome.fail(thrown.message);
  }
  deps.log(installed.provenance);
  outcome.output("zizmor-version", installed.version).output("zizmor-path", installed.path);
  const revision = baseRevisionFor(inputs, deps);
  const options = await optionsFor(inputs, revision, context);
  const hidden = await inputsHiddenByIgnoreFiles(workspace, options);
  if (hidden.unknown) outcome.warning(hidden.unknown, "zizmor inputs");
  for (const file of hidden.files) {
    outcome.warning(
      `${file} is committed, but a .gitignore matches it, so zizmor's folder walk would skip it; it is audited by name`,
      "zizmor input hidden by .gitignore",
    );
  }
  options.inputs = [...options.inputs, ...hidden.files];
  const result = await deps.runProcess(installed.path, zizmorArguments(options), {
    cwd: workspace,
    env: zizmorEnvironment(deps.env, {
      onlineAudits: inputs.zizmor.onlineAudits,
      token: inputs.token,
      apiHost: context.urls.kind === "github.com" ? undefined : new URL(context.urls.server).host,
    }),
  });
  outcome.output("exit-code", result.exitCode ?? "");
  const warnings = warningLines(result.stderr);
  for (const warning of warnings) outcome.warning(warning, "zizmor skipped an input");
  const meaning = exitMeaning(result.exitCode, result.signal);
  if (meaning.kind === "tool-error") {
    if (result.stderr.trim()) deps.log(result.stderr.trimEnd());
    return outcome.fail(`${meaning.explanation}; no findings were read, so nothing was gated`);
  }
  const read = readFindings(result.stdout, workspace);
  const checked =
    typeof read === "string" ? read : promisedFindingMissing(read, meaning, result, options);
  if (typeof checked === "string") return outcome.fail(checked);
  // With no-ignores, zizmor counts what comments would ignore (in its exit code too); so do we.
  let findings = inputs.zizmor.noIgnores
    ? checked.map((finding) => ({ ...finding, ignored: false }))
    : checked;
  const notes: string[] = [];
  const { base } = options;
  if (base) {
    const reviewed = inputs.zizmor.noIgnores
      ? { findings, silenced: 0, refused: 0 }
      : await applyBaseIgnores(findings, {
          base: base.revision,
          configText: base.config?.text,
          workspace,
        });
    findings = reviewed.findings;
    notes.push(ignoreNote(base, reviewed, inputs.zizmor.noIgnores));
  }
  const analysis = analyse(findings, {
    failOn: inputs.failOn,
    newOnly: await newOnlyRule(inputs, deps, revision),
    levels: inputs.levels,
    blobUrl: blobUrl(context),
    provenance: installed.provenance,
    warnings,
    notes,
  });
  analysisOutcome(analysis, outcome, inputs);
  if (!inputs.summary) outcome.summary = undefined;
  if (analysis.annotations.omitted > 0) {
    deps.log(`${analysis.annotations.omitted} more findings are listed in the job summary`);
  }
  if (inputs.sarifFile) {
    await addSarif(inputs.sarifFile, findings, installed.version, outcome, context);
  }
  if (inputs.checkRun) {
    outcome.checkRun({
      name: inputs.checkName,
      headSha: context.pullRequest?.headSha ?? context.sha,
      passed: analysis.verdict.passed,
      title: `${analysis.findings.length} findings, ${analysis.verdict.failing.length} failing`,
      summary: analysis.summary.toString(60_000),
      annotations: analysis.annotations.all,
      idOutput: "check-run-id",
    });
  }
  return outcome;
}

/** The shared Sigstore verifier, loaded only when an archive is installed. */
async function verifier(inputs: ZizmorInputs, deps: RunDeps) {
  if (inputs.install.zizmorPath || inputs.install.attestation === "off") return undefined;
  const { attestationVerifier } = await import("./attestation.ts");
  return attestationVerifier({ client: deps.github, trustedRoot: inputs.trustedRoot });
}

interface BaseSettings {
  revision: BaseRevision;
  config: { path: string; text: string } | undefined;
}

/** The base revision whose zizmor.yml and ignore comments count on a pull request, if any. */
function baseRevisionFor(inputs: ZizmorInputs, deps: RunDeps) {
  const pull = deps.context.pullRequest;
  if (!inputs.ignoresFromBase || !pull) return undefined;
  if (!pull.baseSha || !deps.context.repository) {
    throw new ConfigurationError(
      `the pull request event names no base commit, so its ignores cannot be checked against the base; set ${inputs.label("ignores-from-base")} to false to let them count`,
    );
  }
  return (
    deps.baseRevision ?? githubBaseRevision(deps.github, deps.context.repository, pull.baseSha)
  );
}

/**
 * zizmor's options for this run. On a pull request it runs with the base's zizmor.yml (or none)
 * and with ignores off; which ignores count is decided afterwards, against the base.
 */
async function optionsFor(
  inputs: ZizmorInputs,
  revision: BaseRevision | undefined,
  context: RunnerContext,
): Promise<ZizmorOptions & { base?: BaseSettings }> {
  if (!revision) return { ...inputs.zizmor };
  const config = await baseConfig(revision, inputs.zizmor.config);
  let configFile: string | undefined;
  if (config) {
    configFile = join(
      mkdtempSync(join(context.temp ?? tmpdir(), "zizmor-base-config-")),
      "zizmor.yml",
    );
    writeFileSync(configFile, config.text);
  }
  return {
    ...inputs.zizmor,
    config: configFile,
    noConfig: !config,
    noIgnores: true,
    base: { revision, config },
  };
}

function ignoreNote(
  base: BaseSettings,
  reviewed: { silenced: number; refused: number },
  noIgnores: boolean,
): string {
  const config = base.config
    ? `its ${base.config.path} was used`
    : "it has no zizmor.yml, so none was used";
  const silenced = noIgnores
    ? "ignores are off (no-ignores)"
    : `${reviewed.silenced} finding(s) silenced by ignores the base already has; ${reviewed.refused} ignore(s) that this pull request adds did not count`;
  return `Pull request: ignores come from ${base.revision.name}: ${config}; ${silenced}.`;
}

/**
 * Findings from stdout, or why they could not be read. Exit codes 11-14 promise findings, so
 * output that cannot be read is a tool failure, never "no findings"; and findings that all lie
 * outside the workspace cannot be annotated, so they are an error, never a silent pass.
 */
function readFindings(stdout: string, workspace: string): Finding[] | string {
  // zizmor prints `[]` when it finds nothing; silence is a lost report, never a clean one.
  if (stdout.trim() === "") return "zizmor printed no JSON report; nothing was gated";
  let findings: Finding[];
  try {
    findings = capToFiles(parseJsonV1(stdout, { workspace, cwd: workspace }), fileLines(workspace));
  } catch (thrown) {
    if (!(thrown instanceof ReportFormatError)) throw thrown;
    return `zizmor's output could not be read (${thrown.message}); nothing was gated`;
  }
  return outsideWorkspace(findings, workspace) ?? findings;
}

/**
 * Exit codes 11-14 name the highest severity zizmor found (ignored findings do not count, unless
 * ignores are off). Output with no finding that severe lost some, so it is refused rather than
 * gated as it reads.
 */
function promisedFindingMissing(
  findings: Finding[],
  meaning: ExitMeaning,
  result: ProcessResult,
  options: ZizmorOptions,
): Finding[] | string {
  if (meaning.kind !== "findings") return findings;
  const promised = severityRank(meaning.highest);
  const found = findings.some(
    (finding) =>
      (options.noIgnores || !finding.ignored) && severityRank(finding.severity) >= promised,
  );
  if (found) return findings;
  return `zizmor exited ${result.exitCode} (highest finding ${meaning.highest}), but its output holds no finding that severe; nothing was gated`;
}

async function newOnlyRule(
  inputs: ZizmorInputs,
  deps: RunDeps,
  revision: BaseRevision | undefined,
): Promise<NewOnly> {
  const { context } = deps;
  if (inputs.newFindingsOnly === "baseline") {
    if (!inputs.baselineFile) {
      throw new ConfigurationError(
        `${inputs.label("new-findings-only")} is 'baseline' but ${inputs.label("baseline-file")} is empty; give the path of a zizmor JSON v1 report`,
      );
    }
    const text = await baselineText(inputs.baselineFile, context.workspace, inputs.label, revision);
    try {
      const known = parseJsonV1(text, { workspace: context.workspace, cwd: context.workspace });
      return { mode: "baseline", known: new Set(known.map(fingerprint)) };
    } catch (thrown) {
      if (!(thrown instanceof ReportFormatError)) throw thrown;
      throw new ConfigurationError(
        `${inputs.label("baseline-file")} (${inputs.baselineFile}) is ${thrown.message}`,
      );
    }
  }
  if (inputs.newFindingsOnly === "changed-lines") {
    const pull = context.pullRequest;
    if (!pull || !context.repository) {
      deps.log("new-findings-only: not a pull request, so every finding counts");
      return { mode: "off" };
    }
    const changed = await changedLines(deps.github(), context.repository, pull);
    if (typeof changed === "string") {
      deps.log(`new-findings-only: ${changed}, so every finding counts`);
      return { mode: "off" };
    }
    return { mode: "changed-lines", changed };
  }
  return { mode: "off" };
}

/**
 * The baseline's text. On a pull request (with ignores from the base), a baseline kept in the
 * repository is read from the base revision, since the pull request could add its own findings to
 * its copy; one the base does not have counts only when it is not committed at all (an earlier
 * step made it), never when the pull request adds it.
 */
async function baselineText(
  path: string,
  workspace: string,
  label: (name: string) => string,
  revision: BaseRevision | undefined,
): Promise<string> {
  const file = resolve(workspace, path);
  const inside = relative(workspace, file);
  if (revision && inside && !inside.startsWith("..") && !isAbsolute(inside)) {
    const repositoryPath = inside.split("\\").join("/");
    const base = await revision.read(repositoryPath);
    if (base !== undefined) return base;
    const git = new Git(workspace);
    if (!(await git.succeeds(["rev-parse", "--is-inside-work-tree"]))) {
      throw new ConfigurationError(
        `${label("baseline-file")} '${path}' is not on ${revision.name}, and the workspace is not a git checkout, so whether this pull request added it cannot be told; keep the baseline outside the workspace, or set ${label("ignores-from-base")} to false`,
      );
    }
    if (await git.succeeds(["ls-files", "--error-unmatch", "--", repositoryPath])) {
      throw new ConfigurationError(
        `${label("baseline-file")} '${path}' is added by this pull request (${revision.name} does not have it), and a pull request cannot set its own baseline; commit it to the base branch first, or make it in an earlier step`,
      );
    }
  }
  try {
    return readFileSync(file, "utf8");
  } catch {
    throw new ConfigurationError(
      `${label("baseline-file")} is '${path}', but ${file} cannot be read`,
    );
  }
}

/** Where a finding's line is shown: the pull request's head, else the commit of the run. */
function blobUrl(context: RunnerContext): string | undefined {
  if (!context.repository || !context.sha) return undefined;
  const commit = context.pullRequest?.headSha ?? context.sha;
  return `${context.urls.server}/${context.repositoryName}/blob/${commit}`;
}

async function addSarif(
  sarifFile: string,
  findings: readonly Finding[],
  version: string,
  outcome: Outcome,
  context: RunnerContext,
): Promise<void> {
  const path = resolve(context.workspace, sarifFile);
  // A pull request can put a link where the report goes, to have it written outside.
  const link = await linkOnPath(context.workspace, path);
  if (link) {
    outcome.fail(
      `${sarifFile} is not written: ${link} is a symbolic link, which is never followed`,
    );
    return;
  }
  const sarif = `${JSON.stringify(toSarif(findings, version), null, 2)}\n`;
  outcome
    .output("sarif-file", path)
    .file(path, "zizmor's findings as SARIF 2.1.0", sarif, ["passed"]);
  if (context.readOnlyToken) {
    outcome.notice(
      `${context.readOnlyToken}, so uploading ${sarifFile} to code scanning will fail; the findings are in the annotations and the job summary instead`,
      "zizmor SARIF upload will be refused",
    );
  }
}
