import { stringify } from "yaml";
import { GitHubApi } from "../gate/api.ts";
import { planRules } from "../gate/plan.ts";
import { parseRules } from "../gate/rules.ts";
import { type Clock, waitForChecks } from "../gate/wait.ts";
import type { WaitFor } from "./config.ts";

export interface ChecksVerdict {
  passed: boolean;
  /** The gate's own sentence: what passed, what failed, what never appeared. */
  reason: string;
}

export interface ReleaseChecksOptions {
  apiUrl: string;
  token: string;
  /** `owner/name`. */
  repository: string;
  /** The commit about to be tagged. */
  sha: string;
  waitFor: WaitFor;
  progress: (line: string) => void;
  clock?: Clock;
}

const REAL_CLOCK: Clock = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Waits for `wait-for` checks on the commit the train is about to tag, judged by the status
 * gate's own code: the checks become gate rules (`parseRules`) that all apply (`planRules`), and
 * the gate's poll loop (`waitForChecks`, over its REST client `GitHubApi`) decides with its
 * evaluation: only success is green, a failure, a missing check or the timeout is red. This is the
 * train's only call into the gate.
 */
export async function waitForReleaseChecks(options: ReleaseChecksOptions): Promise<ChecksVerdict> {
  const { waitFor } = options;
  const rules = parseRules(
    "wait-for (train configuration)",
    stringify({
      rules: waitFor.checks.map((check, index) => ({ id: `wait-for-${index + 1}`, check })),
    }),
  );
  const verdict = await waitForChecks({
    api: new GitHubApi({
      apiUrl: options.apiUrl,
      token: options.token,
      maxRequests: 2000,
      retries: 3,
      retryDelayMs: 1000,
    }),
    repository: options.repository,
    target: {
      event: "push",
      sha: options.sha,
      base: undefined,
      rulesRef: "",
      pullRequest: undefined,
      labels: [],
      description: `the release commit ${options.sha.slice(0, 12)}`,
    },
    // Every listed check applies, whatever the commit changes.
    decisions: planRules(
      rules,
      {
        files: [],
        complete: true,
        source: "the train's commit to tag",
        everythingBecause: "every check listed under wait-for must pass before tagging",
      },
      { event: "push", labels: [] },
    ),
    ignore: [],
    selfCheckRunId: undefined,
    self: undefined,
    timeoutMs: waitFor.timeoutMs,
    approvalTimeoutMs: waitFor.timeoutMs,
    pollIntervalMs: waitFor.pollIntervalMs,
    maxPollIntervalMs: Math.max(waitFor.pollIntervalMs, 60_000),
    failFast: true,
    clock: options.clock ?? REAL_CLOCK,
    progress: options.progress,
  });
  return { passed: verdict.result === "success", reason: verdict.reason };
}
