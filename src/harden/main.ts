import { runAction } from "../core/action.ts";
import { type BaseRevision, contentsBaseRevision } from "../core/base-revision.ts";
import type { RunnerContext } from "../core/context.ts";
import type { GitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { info } from "../core/log.ts";
import { diskWorkflowFiles } from "../permissions/files.ts";
import { systemDeps } from "../zizmor/system.ts";
import { readHardenInputs } from "./inputs.ts";
import { run } from "./run.ts";

let github: (() => GitHubClient) | undefined;

await runAction(
  "harden",
  (context) =>
    run(readHardenInputs(), {
      files: diskWorkflowFiles(context.workspace),
      baseRevision: baseRevision(context),
      zizmor: (token) => {
        const deps = systemDeps({ value: token, source: "input 'token'" }, context);
        github = deps.github;
        return deps;
      },
      temp: context.temp,
      log: info,
    }),
  { github: () => (github as () => GitHubClient)() },
);

/** A pull request's base revision, read with the token input through the contents API. */
function baseRevision(context: RunnerContext): BaseRevision | undefined {
  const pull = context.pullRequest;
  if (!pull?.baseSha || !context.repository) return undefined;
  const token = new Inputs().optional("token");
  const { github: client } = systemDeps({ value: token, source: "input 'token'" }, context);
  return contentsBaseRevision(
    client,
    context.repository,
    pull.baseSha,
    "set 'permissions-policy-from-base: false' to read the pull request's own policy",
  );
}
