import { escapeMarkdown, type Summary } from "../core/summary.ts";
import { ApiError, type GitHubApi } from "./api.ts";
import type { GateResult, GateVerdict } from "./report.ts";

const CONCLUSION: Record<GateResult, string> = {
  success: "success",
  failure: "failure",
  pending: "failure",
  stale: "failure",
  "awaiting-approval": "action_required",
};

/**
 * The gate's verdict as a check run of its own, so a required check exists only when the gate
 * really ran (a skipped gate job cannot pass as success). It is created `in_progress` as the
 * evaluation starts, so an earlier green verdict on the same commit (before a retarget, a re-run,
 * a cancelled run) no longer stands while the gate works, and completed at the end; red when the
 * gate stops on an error. A token that may not write checks degrades to a notice.
 */
export class VerdictCheck {
  private readonly api: GitHubApi;
  private readonly path: string;
  private readonly name: string;
  private readonly headSha: string;
  private readonly notice: (message: string) => void;
  private started: Promise<number | undefined> | undefined;
  private refused = false;

  constructor(options: {
    api: GitHubApi;
    repository: string;
    name: string;
    headSha: string;
    notice: (message: string) => void;
  }) {
    this.api = options.api;
    this.path = `/repos/${options.repository}/check-runs`;
    this.name = options.name;
    this.headSha = options.headSha;
    this.notice = options.notice;
  }

  /** Posts the check `in_progress`; the id it gets is what `finish` completes. */
  start(): Promise<number | undefined> {
    this.started ??= this.post({
      status: "in_progress",
      output: {
        title: "Status gate: evaluating",
        summary: "The gate is evaluating this commit; no earlier verdict stands until it is done.",
      },
    }).catch(() => undefined);
    return this.started;
  }

  /** Completes the check with the verdict (or posts it completed when starting failed). */
  async finish(verdict: GateVerdict, summary: Summary): Promise<void> {
    const id = await this.start();
    if (this.refused) return;
    const body = {
      status: "completed",
      conclusion: CONCLUSION[verdict.result],
      output: {
        title: `Status gate: ${verdict.result}`,
        // The reason quotes check names, which a pull request's workflow chooses.
        summary: escapeMarkdown(verdict.reason).slice(0, 60_000),
        text: summary.toString(60_000),
      },
    };
    if (id === undefined) await this.post(body);
    else await this.api.send("PATCH", `${this.path}/${id}`, body);
  }

  private async post(body: Record<string, unknown>): Promise<number | undefined> {
    if (this.refused) return undefined;
    try {
      const created = await this.api.send<{ id?: number }>("POST", this.path, {
        name: this.name,
        head_sha: this.headSha,
        ...body,
      });
      return created.id;
    } catch (thrown) {
      if (thrown instanceof ApiError && (thrown.status === 403 || thrown.status === 404)) {
        this.refused = true;
        this.notice(
          `The verdict was not posted as check run '${this.name}': the token cannot create check runs (it needs checks: write; fork and Dependabot pull requests get a read-only token). The job's own result still carries the verdict.`,
        );
        return undefined;
      }
      throw thrown;
    }
  }
}
