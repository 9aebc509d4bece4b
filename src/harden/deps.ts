import { pullRequestBaseRevision } from "../core/base-revision.ts";
import type { RunnerContext } from "../core/context.ts";
import { createGitHubClient, type GitHubClient } from "../core/github.ts";
import { diskWorkflowFiles } from "../permissions/files.ts";
import { systemDeps } from "../zizmor/system.ts";
import type { HardenDeps } from "./run.ts";

export interface HardenMachine {
  /** The token for a pull request's base revision, and where it comes from (for messages). */
  token: { value: string | undefined; source: string };
  /** What the user sets to read the pull request's own policy instead of the base's. */
  policyOptOut: string;
  env?: NodeJS.ProcessEnv;
  log(line: string): void;
  /** How secrets are masked, when not with the runner's `::add-mask::` on standard output. */
  mask?: (secret: string) => void;
}

/**
 * The machine harden runs on, for the action and the command alike, and the GitHub client zizmor
 * was given (for its check run), once zizmor's half has asked for one.
 */
export function hardenDeps(
  context: RunnerContext,
  machine: HardenMachine,
): { deps: HardenDeps; github: () => GitHubClient } {
  let github: (() => GitHubClient) | undefined;
  const deps: HardenDeps = {
    files: diskWorkflowFiles(context.workspace),
    baseRevision: () =>
      pullRequestBaseRevision(
        context,
        () =>
          createGitHubClient(
            { token: machine.token.value ?? "", tokenSource: machine.token.source },
            machine.env,
          ),
        machine.policyOptOut,
      ),
    zizmor: (token) => {
      const system = systemDeps(
        { value: token, source: machine.token.source },
        context,
        machine.env,
      );
      github = system.github;
      return { ...system, log: machine.log, ...(machine.mask ? { mask: machine.mask } : {}) };
    },
    temp: context.temp,
    links: { serverUrl: context.urls.server, repository: context.repositoryName, sha: context.sha },
    log: machine.log,
  };
  return {
    deps,
    github: () => {
      if (!github) throw new Error("harden has a check run to post but zizmor made no client");
      return github();
    },
  };
}
