import { runAction } from "../core/action.ts";
import { pullRequestBaseRevision } from "../core/base-revision.ts";
import { createGitHubClient, type GitHubClient } from "../core/github.ts";
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
      baseRevision: () =>
        pullRequestBaseRevision(
          context,
          () =>
            createGitHubClient({
              token: new Inputs().optional("token") ?? "",
              tokenSource: "input 'token'",
            }),
          "set 'permissions-policy-from-base: false' to read the pull request's own policy",
        ),
      zizmor: (token) => {
        const deps = systemDeps({ value: token, source: "input 'token'" }, context);
        github = deps.github;
        return deps;
      },
      temp: context.temp,
      links: {
        serverUrl: context.urls.server,
        repository: context.repositoryName,
        sha: context.sha,
      },
      log: info,
    }),
  { github: () => (github as () => GitHubClient)() },
);
