import * as core from "@actions/core";
import { publishCheckRun } from "./check-run.ts";
import { type RunnerContext, runnerContext } from "./context.ts";
import { ConfigurationError, describeThrown } from "./errors.ts";
import type { GitHubClient } from "./github.ts";
import { SymbolicLinkError, writeFileRefusingLinks } from "./links.ts";
import { annotate, info } from "./log.ts";
import { useProxyFromEnvironment } from "./network.ts";
import { type ActionOutcome, Outcome, withoutPrefix } from "./outcome.ts";
import { Summary } from "./summary.ts";
import { FileProblems } from "./yaml-file.ts";

export interface RunActionOptions {
  /** The client that posts the outcome's check runs; asked for only when there are some. */
  github?: () => GitHubClient;
}

/**
 * Every action's entry: `runAction("<action>", (context) => run(inputs, deps))`. It points HTTP at
 * the runner's proxy, reads the runner's context once, runs the action and publishes its outcome.
 * Its one catch turns anything thrown, not only an `Error`, into a failed step `<action>: <why>`:
 * a configuration error is the user's to fix (annotated at its file position, no stack), anything
 * else is a bug (with its stack).
 */
export async function runAction(
  action: string,
  main: (context: RunnerContext) => Promise<ActionOutcome>,
  options: RunActionOptions = {},
): Promise<void> {
  try {
    useProxyFromEnvironment();
    const outcome = await main(runnerContext());
    await publishOutcome(action, outcome, options);
  } catch (thrown) {
    reportFailure(action, thrown);
  }
}

/**
 * Writes an outcome to the runner: annotations, files, summary, outputs, check runs, then the
 * verdict. Whether the step passed: a file that could not be written fails it, as the verdict does.
 */
export async function publishOutcome(
  action: string,
  outcome: ActionOutcome,
  options: RunActionOptions = {},
): Promise<boolean> {
  // Findings first: a runner file that cannot be written (a missing GITHUB_OUTPUT) must not
  // lose the annotations, the files or the summary.
  for (const annotation of outcome.annotations) annotate(annotation);
  // A link in the checkout (a pull request can add one) must not carry a report outside it.
  const refused: string[] = [];
  const { workspace } = runnerContext();
  for (const file of outcome.files) {
    if (file.contents !== undefined) {
      try {
        writeFileRefusingLinks(workspace, file.path, file.contents);
      } catch (thrown) {
        // One file that cannot be written (a link, a folder in its place, no room) fails the
        // step; the other files, the summary and the outputs are still published.
        const message =
          thrown instanceof SymbolicLinkError
            ? thrown.message
            : `${file.path} is not written: ${(thrown as Error).message}`;
        annotate({ level: "error", title: `${action}: file not written`, message });
        refused.push(message);
        for (const output of file.falseWhenUnwritten ?? []) outcome.outputs[output] = "false";
        continue;
      }
    }
    info(`Wrote ${file.path}: ${file.description}`);
  }
  // The summary's first line is a verdict: a file that failed the step is said before it.
  if (refused.length > 0 && outcome.summary) {
    new Summary().paragraph(`❌ ${action}: ${refused.join("; ")}`).write();
  }
  outcome.summary?.write();
  for (const [name, value] of Object.entries(outcome.outputs)) core.setOutput(name, value);
  // A check run that cannot be posted fails the step too, after the verdict's own message.
  let notPosted: unknown;
  for (const report of outcome.checkRuns) {
    await postCheckRun(action, report, options).catch((thrown: unknown) => {
      notPosted ??= new Error(
        `check run '${report.name}' could not be posted: ${describeThrown(thrown)}`,
        { cause: thrown },
      );
    });
  }
  const failures = [
    ...(outcome.failure === undefined ? [] : [withoutPrefix(action, outcome.failure)]),
    ...refused,
  ];
  if (failures.length > 0) core.setFailed(`${action}: ${failures.join("; ")}`);
  if (notPosted !== undefined) throw notPosted;
  return failures.length === 0;
}

async function postCheckRun(
  action: string,
  report: ActionOutcome["checkRuns"][number],
  options: RunActionOptions,
): Promise<void> {
  const { repository } = runnerContext();
  if (!options.github || !repository) {
    throw new Error(`${action} has a check run to post but no GitHub client or repository`);
  }
  const result = await publishCheckRun(options.github(), { ...repository, ...report });
  if (!result.published) {
    annotate({
      level: "notice",
      title: `${action}: check run '${report.name}' not posted`,
      message: result.reason,
    });
    return;
  }
  if (report.idOutput) core.setOutput(report.idOutput, String(result.id));
  info(`Check run '${report.name}' carries ${report.annotations.length} annotations.`);
}

export function reportFailure(action: string, thrown: unknown): void {
  const outcome = failureOutcome(action, thrown);
  // Problems at a file position are annotations at their lines; the step fails once, through them.
  for (const annotation of outcome.annotations) annotate(annotation);
  if (outcome.annotations.length > 0) {
    process.exitCode = 1;
    return;
  }
  if (!(thrown instanceof ConfigurationError) && thrown instanceof Error && thrown.stack) {
    info(thrown.stack);
  }
  core.setFailed(`${action}: ${outcome.failure}`);
}

/**
 * What something thrown means as an outcome: a configuration file's problems (or a configuration
 * error with a position) as error annotations at their lines, and the failure. harden uses it to
 * report one part that could not run beside the other part's result.
 */
export function failureOutcome(action: string, thrown: unknown): Outcome {
  const outcome = new Outcome().fail(withoutPrefix(action, describeThrown(thrown)));
  const title = `${action} configuration`;
  if (thrown instanceof FileProblems) {
    for (const { position, message } of thrown.problems) {
      outcome.annotate({
        level: "error",
        title,
        message: `${action}: ${position.file}:${position.line}:${position.column}: ${message}`,
        ...position,
      });
    }
  } else if (thrown instanceof ConfigurationError && thrown.position) {
    outcome.annotate({
      level: "error",
      title,
      message: `${action}: ${outcome.failure}`,
      ...thrown.position,
    });
  }
  return outcome;
}
