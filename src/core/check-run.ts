import type { GitHubClient } from "./github.ts";
import type { Annotation } from "./log.ts";

/** The checks API takes at most 50 annotations per request. */
export const ANNOTATION_BATCH = 50;
/** The checks API refuses an output summary longer than this many characters. */
const SUMMARY_LIMIT = 65_535;
/** ... an annotation's message or raw details above 64 KB, and a title above 255 characters. */
const MESSAGE_LIMIT_BYTES = 64 * 1024;
const TITLE_LIMIT = 255;

export interface CheckRunRequest {
  owner: string;
  repo: string;
  /** The check's name as the checks API shows it. */
  name: string;
  headSha: string;
  passed: boolean;
  title: string;
  summary: string;
  annotations: readonly Annotation[];
}

export type CheckRunResult =
  | { published: true; id: number; url: string | undefined; batches: number }
  | { published: false; reason: string };

const CHECK_LEVEL = { error: "failure", warning: "warning", notice: "notice" } as const;

export function checkAnnotation(annotation: Annotation) {
  const line = annotation.line ?? 1;
  const endLine = Math.max(line, annotation.endLine ?? line);
  return {
    path: annotation.file ?? "",
    start_line: line,
    end_line: endLine,
    // The API refuses columns on annotations spanning several lines.
    ...(endLine === line && annotation.column !== undefined
      ? { start_column: annotation.column, end_column: annotation.endColumn ?? annotation.column }
      : {}),
    annotation_level: CHECK_LEVEL[annotation.level],
    title: cutCharacters(annotation.title ?? "", TITLE_LIMIT),
    message: cutBytes(annotation.message, MESSAGE_LIMIT_BYTES),
  };
}

/** At most `limit` UTF-16 code units, without splitting a character in two. */
function cutCharacters(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** At most `limit` bytes of UTF-8, without splitting a character. */
function cutBytes(text: string, limit: number): string {
  if (Buffer.byteLength(text) <= limit) return text;
  return Buffer.from(text)
    .subarray(0, limit)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
}

export function batches<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}

/**
 * One check run carrying every annotation (the workflow-command caps do not apply to it): created
 * with the first 50, then updated with the rest 50 at a time. A token that may not write checks
 * (fork and Dependabot pull requests) is reported, not fatal.
 */
export async function publishCheckRun(
  client: GitHubClient,
  request: CheckRunRequest,
): Promise<CheckRunResult> {
  const groups = batches(request.annotations.map(checkAnnotation), ANNOTATION_BATCH);
  const output = (annotations: ReturnType<typeof checkAnnotation>[]) => ({
    title: request.title,
    summary: cutCharacters(request.summary, SUMMARY_LIMIT),
    annotations,
  });
  let created: { id: number; htmlUrl: string | null };
  try {
    const response = await client.request("POST /repos/{owner}/{repo}/check-runs", {
      owner: request.owner,
      repo: request.repo,
      name: request.name,
      head_sha: request.headSha,
      status: "completed",
      conclusion: request.passed ? "success" : "failure",
      output: output(groups[0] ?? []),
    });
    created = { id: Number(response.data.id), htmlUrl: response.data.html_url };
  } catch (thrown) {
    const status = (thrown as { status?: number }).status;
    if (status === 403 || status === 404) {
      return {
        published: false,
        reason:
          "the token may not create check runs (a read-only token, as on fork and Dependabot " +
          "pull requests, or no 'checks: write' permission)",
      };
    }
    throw thrown;
  }
  for (const group of groups.slice(1)) {
    await client.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: request.owner,
      repo: request.repo,
      check_run_id: created.id,
      output: output(group),
    });
  }
  return {
    published: true,
    id: created.id,
    url: created.htmlUrl ?? undefined,
    batches: Math.max(1, groups.length),
  };
}
