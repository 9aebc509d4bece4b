import { resolve } from "node:path";
import { failureOutcome } from "../core/action.ts";
import type { BaseRevision } from "../core/base-revision.ts";
import { ConfigurationError } from "../core/errors.ts";
import type { Annotation } from "../core/log.ts";
import { type ActionOutcome, Outcome, type WrittenFile } from "../core/outcome.ts";
import { Summary } from "../core/summary.ts";
import { notePolicyFromBase, withBasePolicy } from "../permissions/base-policy.ts";
import { defaultArtifactPath, permissionsOutcome } from "../permissions/outcome.ts";
import type { SourceLinks } from "../permissions/report.ts";
import { run as checkPermissions, type WorkflowFiles } from "../permissions/run.ts";
import { run as runZizmor, type RunDeps as ZizmorDeps } from "../zizmor/run.ts";
import type { HardenInputs } from "./inputs.ts";

export interface HardenDeps {
  /** The checkout's workflow files, for the permissions enforcer. */
  files: WorkflowFiles;
  /** The machine as zizmor's run needs it, for the token it is given. */
  zizmor(token: string | undefined): ZizmorDeps;
  /** The runner's temporary folder, for the permissions SARIF log and patch. */
  temp: string | undefined;
  /** Where the permissions summary's line numbers link to (the files at the checked commit). */
  links?: SourceLinks;
  /** On a pull request, its base revision's files (for the permissions policy). */
  baseRevision(): BaseRevision | undefined;
  log(line: string): void;
}

interface Part {
  name: "permissions" | "zizmor";
  title: string;
  outcome: ActionOutcome;
}

/**
 * Both checks in one step, zizmor and the permissions enforcer, each run whatever the other
 * decided, and one outcome: both halves' annotations, files and check runs, their outputs under
 * `permissions-` and `zizmor-`, `passed`, and one summary whose first line is the verdict.
 */
export async function run(inputs: HardenInputs, deps: HardenDeps): Promise<ActionOutcome> {
  // zizmor first: it audits the files as committed, before permissions-fix rewrites them (its
  // lines would shift, and its findings on the blocks the fixer adds would vanish).
  const zizmor = await part("zizmor", deps, async () => {
    const options = inputs.zizmor();
    return runZizmor(options, deps.zizmor(options.token));
  });
  const permissions = await part("permissions", deps, async () => {
    const { inputs: options, sarifFile, policyFromBase } = inputs.permissions();
    const base = policyFromBase ? deps.baseRevision() : undefined;
    const notes: string[] = [];
    const files = base ? withBasePolicy(deps.files, options.policyPath, base, notes) : deps.files;
    const result = await checkPermissions(options, { files });
    const outcome = permissionsOutcome(result, {
      failOn: options.failOn,
      sarifFile: sarifFile ?? defaultArtifactPath("status-gate-permissions.sarif", deps.temp),
      patchFile: defaultArtifactPath("status-gate-permissions.patch", deps.temp),
      links: deps.links,
    });
    notePolicyFromBase(outcome, notes);
    return outcome;
  });
  return combine([
    { name: "permissions", title: "Permissions enforcer", outcome: permissions },
    { name: "zizmor", title: "zizmor", outcome: zizmor },
  ]);
}

/** One half's outcome; what it throws becomes that half's failure, so the other still reports. */
async function part(
  name: Part["name"],
  deps: HardenDeps,
  work: () => Promise<ActionOutcome>,
): Promise<ActionOutcome> {
  try {
    return await work();
  } catch (thrown) {
    if (!(thrown instanceof ConfigurationError) && thrown instanceof Error && thrown.stack) {
      deps.log(`${name}: ${thrown.stack}`);
    }
    return failureOutcome(name, thrown);
  }
}

function combine(parts: readonly Part[]): ActionOutcome {
  const outcome = new Outcome();
  const clashes = sameFiles(parts);
  for (const { name, outcome: half } of parts) {
    outcome.merge({
      ...half,
      // A report that cannot be written fails the step: harden's `passed` says so too.
      files: half.files
        .filter((file) => !clashes.some((clash) => clash.file === file))
        .map((file) => ({
          ...file,
          falseWhenUnwritten: [
            "passed",
            ...(file.falseWhenUnwritten ?? []).map((output) => prefixedName(name, output)),
          ],
        })),
      outputs: prefixed(name, half.outputs),
      checkRuns: half.checkRuns.map((report) => ({
        ...report,
        idOutput: report.idOutput && prefixedName(name, report.idOutput),
      })),
      failure: half.failure === undefined ? undefined : `${name}: ${half.failure}`,
    });
  }
  for (const { message } of clashes) outcome.fail(message);
  const passed = clashes.length === 0 && parts.every((half) => half.outcome.failure === undefined);
  outcome.output("passed", passed);
  outcome.annotations = takingTurns(parts.map((part) => part.outcome.annotations));
  outcome.summary = combinedSummary(parts, passed);
  return outcome;
}

/**
 * Files a later half would write over an earlier half's (`permissions-sarif-file` and
 * `sarif-file` naming one path): the later one is not written, so neither log silently replaces
 * the other, and the step fails saying so. Paths resolve as the publisher writes them.
 */
function sameFiles(parts: readonly Part[]): { file: WrittenFile; message: string }[] {
  const written = new Map<string, { name: string; file: WrittenFile }>();
  const clashes: { file: WrittenFile; message: string }[] = [];
  for (const { name, outcome } of parts) {
    for (const file of outcome.files) {
      if (file.contents === undefined) continue;
      const path = resolve(file.path);
      const first = written.get(path);
      if (!first) {
        written.set(path, { name, file });
        continue;
      }
      clashes.push({
        file,
        message: `${first.name} and ${name} would write the same file, ${file.path}: ${first.name}'s ${first.file.description} is written there and ${name}'s ${file.description} is not; give each its own file (permissions-sarif-file, sarif-file)`,
      });
    }
  }
  return clashes;
}

/**
 * GitHub shows only the first 10 annotations of each level a step writes: the halves take turns
 * within each level, so that a flood of one tool's errors cannot hide all of the other's.
 */
function takingTurns(halves: readonly Annotation[][]): Annotation[] {
  const turns: Annotation[] = [];
  for (const level of ["error", "warning", "notice"] as const) {
    const queues = halves.map((annotations) => annotations.filter((a) => a.level === level));
    for (let index = 0; queues.some((queue) => index < queue.length); index++) {
      for (const queue of queues) {
        const annotation = queue[index];
        if (annotation) turns.push(annotation);
      }
    }
  }
  return turns;
}

/** `zizmor-findings`, `permissions-errors`; zizmor's own `zizmor-version` keeps its name. */
function prefixedName(name: string, output: string): string {
  return output.startsWith(`${name}-`) ? output : `${name}-${output}`;
}

function prefixed(name: string, outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(outputs).map(([output, value]) => [prefixedName(name, output), value]),
  );
}

/** Each part's summary gets a share of GitHub's 1 MiB, so a huge one cannot crowd out the other. */
const PART_SUMMARY_BYTES = 480 * 1024;

function combinedSummary(parts: readonly Part[], passed: boolean): Summary {
  const verdicts = parts.map(
    ({ title, outcome }) => `${title} ${outcome.failure === undefined ? "passed" : "failed"}`,
  );
  const summary = new Summary()
    .heading(`Hardening: ${passed ? "✅ passed" : "❌ failed"} (${verdicts.join(", ")})`, 2)
    .table(
      ["check", "result"],
      parts.map(({ title, outcome }) => [
        title,
        outcome.failure === undefined ? "✅ passed" : "❌ failed",
      ]),
    );
  for (const { title, outcome } of parts) {
    // Each action's own summary, with everything untrusted already escaped.
    const section = outcome.summary?.toString(PART_SUMMARY_BYTES).trim();
    if (section) summary.raw(section);
    else summary.heading(title, 3).paragraph(`Could not run: ${outcome.failure ?? "no result"}`);
  }
  return summary;
}
