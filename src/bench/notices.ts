// What a comparison tells people beyond the job summary: the pull request's and the commit's
// comments (one per job and matrix leg, found again by marker and author) and the warnings about
// what could not be judged.
import type { Outcome } from "../core/outcome.ts";
import { inlineCode } from "../core/summary.ts";
import { byBenchmark, type Comparison, directionChanged, unitChanged } from "./compare.ts";
import type { RunContext } from "./context.ts";
import { laneLabel, type RunMetadata } from "./history.ts";
import { type BaseDescription, commentBody, type ReportLinks } from "./report.ts";
import type { BenchDeps, BenchInputs } from "./run.ts";

/** The alert on a regressed push to the main branch: one commit comment, edited on re-runs. */
export const ALERT_MARKER = "<!-- status-gate:bench-alert -->";

/**
 * A comment's hidden markers: the kind, then the job and matrix leg that wrote it, so each leg of
 * a matrix keeps a comment of its own and a passing leg never overwrites another's regression.
 */
export function commentMarker(kind: string, run: RunMetadata): string {
  return `${kind}\n<!-- status-gate:bench-lane ${laneLabel(run)} -->`;
}

/** Which leg wrote a comment, said where a matrix has several. */
export function legNote(run: RunMetadata): string {
  if (!run.matrixLeg || run.matrixLeg === "0") return "";
  return `Matrix leg ${inlineCode(run.matrixLeg)}${run.job ? ` of job ${inlineCode(run.job)}` : ""}. `;
}

export function linksOf(inputs: BenchInputs, context: RunContext): ReportLinks {
  return {
    repositoryUrl: context.repositoryUrl,
    headCommit: context.metadata.commit,
    dashboardUrl: inputs.dashboardUrl,
    runUrl: context.metadata.url ?? undefined,
  };
}

/** The commit comment of this job and leg, with the table and its hidden markers. */
function commitAlert(
  inputs: BenchInputs,
  context: RunContext,
  comparisons: readonly Comparison[],
  base: BaseDescription,
  heading: { title: string; preface: string },
): { marker: string; body: string } {
  const marker = commentMarker(ALERT_MARKER, context.metadata);
  const links = linksOf(inputs, context);
  const url = context.metadata.url ?? undefined;
  return { marker, body: commentBody(comparisons, base, url, links, { marker, ...heading }) };
}

/**
 * A regression that landed: one comment on the commit (found again by marker and author, so a
 * re-run edits it rather than adding another), and a failed step past the fail threshold.
 */
export async function alertOnMain(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  comparisons: readonly Comparison[],
  base: BaseDescription,
  outcome: Outcome,
): Promise<void> {
  const regressed = byBenchmark(comparisons).filter(
    (benchmark) => benchmark.verdict === "regressed",
  );
  const commit = context.metadata.commit;
  outcome.warning(
    `${regressed.length} benchmark(s) regressed against the previous stored run ${base.commit?.slice(0, 12)}: ${regressed.map((benchmark) => benchmark.id).join(", ")}`,
    "bench regression",
  );
  if (inputs.commentOnAlert && deps.commitComment) {
    const mentions =
      inputs.alertMentions.length > 0 ? `cc ${inputs.alertMentions.join(" ")}\n\n` : "";
    const comment = deps.commitComment(commit);
    const { marker, body } = commitAlert(inputs, context, comparisons, base, {
      title: "Benchmark regression",
      preface: `${mentions}${legNote(context.metadata)}`,
    });
    await postComment((text) => comment.upsert(marker, text), body, outcome, deps, "commit");
  }
  if (inputs.failThreshold === undefined) return;
  const threshold = inputs.failThreshold;
  const failing = regressed.filter(
    (benchmark) =>
      Math.abs(benchmark.worst.relativeChange ?? Number.POSITIVE_INFINITY) >= threshold,
  );
  if (failing.length > 0) {
    outcome.fail(
      `${failing.length} benchmark(s) regressed by at least the fail threshold of ${Number((threshold * 100).toPrecision(3))}%: ${failing.map((benchmark) => `${benchmark.id} (${benchmark.worst.metric})`).join(", ")}`,
    );
  }
}

/**
 * A re-run of a commit whose earlier attempt alerted, now finding no regression, edits that alert
 * so the commit's comment never disagrees with the step and the dashboard. Nothing is posted
 * when there was no alert; first attempts have none to edit, so they do not look.
 */
export async function withdrawAlert(
  inputs: BenchInputs,
  context: RunContext,
  deps: BenchDeps,
  comparisons: readonly Comparison[],
  base: BaseDescription,
  outcome: Outcome,
): Promise<void> {
  if (!inputs.commentOnAlert || !deps.commitComment || context.metadata.runAttempt === "1") return;
  const { marker, body } = commitAlert(inputs, context, comparisons, base, {
    title: "Benchmarks re-run",
    preface: `${legNote(context.metadata)}Attempt ${inlineCode(context.metadata.runAttempt)} of this run found no benchmark regressed; this replaces the alert of an earlier attempt.\n\n`,
  });
  const comment = deps.commitComment(context.metadata.commit);
  await postComment((text) => comment.edit(marker, text), body, outcome, deps, "commit");
}

/**
 * What the comparison could not judge, said where the author sees it: a base benchmark no longer
 * measured (deleted, renamed, or its file left out) passes as "removed", and one measured in a
 * new unit as "noisy"; neither may hide a regression silently.
 */
export function warnNotCompared(
  comparisons: readonly Comparison[],
  by: string,
  outcome: Outcome,
): void {
  const names = (list: readonly string[]) =>
    `${list.slice(0, 20).join(", ")}${list.length > 20 ? ` and ${list.length - 20} more` : ""}`;
  const removed = byBenchmark(comparisons)
    .filter((benchmark) => benchmark.verdict === "removed")
    .map((benchmark) => benchmark.id);
  const units = comparisons
    .filter(unitChanged)
    .map((comparison) => `${comparison.id} (${comparison.base?.unit} → ${comparison.head?.unit})`);
  const directions = comparisons
    .filter(directionChanged)
    .map((comparison) => `${comparison.id} (${comparison.reason.replace(/, not compared$/, "")})`);
  const parts = [
    removed.length > 0 &&
      `${removed.length} base benchmark(s) not measured by ${by}: ${names(removed)}`,
    units.length > 0 &&
      `${units.length} benchmark(s) measured in another unit, not compared: ${names(units)}`,
    directions.length > 0 &&
      `${directions.length} benchmark(s) judged the other way round, not compared: ${names(directions)}`,
  ].filter(Boolean);
  if (parts.length > 0) outcome.warning(`${parts.join("; ")}`, "bench: not compared");
}

/**
 * Judged against nothing, every benchmark is "added" and the check passes: said in an annotation,
 * since a typo in the storage prefix would otherwise look like a clean comparison forever.
 */
export function warnNoBase(
  inputs: BenchInputs,
  deps: BenchDeps,
  description: BaseDescription,
  outcome: Outcome,
): void {
  const where = deps.storage
    ? `no stored run of this job and matrix leg on ${inputs.baseRef} at or before the merge base ${description.mergeBase?.slice(0, 12) ?? ""} in ${deps.storage.store.description}`
    : "input 'storage' is not set, so there is no stored base run";
  outcome.warning(
    `${where}: nothing was compared, and every benchmark is reported as added`,
    "bench: not compared",
  );
}

/**
 * A fork's pull request runs with a read-only token: the comment is then refused (403), which is
 * worth a warning, not a failed step, since the job summary holds the same table.
 */
export async function postComment(
  write: (body: string) => Promise<string | undefined>,
  body: string,
  outcome: Outcome,
  deps: BenchDeps,
  where: "pull request" | "commit",
): Promise<void> {
  try {
    const url = await write(body);
    if (url) deps.log(`${where} comment: ${url}`);
  } catch (thrown) {
    const status = (thrown as { status?: unknown }).status;
    if (status !== 403 && status !== 404) throw thrown;
    outcome.warning(
      `could not write the ${where} comment (HTTP ${status}): the token cannot write there, as happens for pull requests from forks; the job summary has the table`,
      "bench comment",
    );
  }
}
