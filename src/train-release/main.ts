import { runAction } from "../core/action.ts";
import { ConfigurationError } from "../core/errors.ts";
import { createGitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { info } from "../core/log.ts";
import { run } from "./action.ts";
import { LocalGit } from "./git.ts";
import { GitHubRemote } from "./github-remote.ts";
import { readTrainInputs } from "./inputs.ts";
import { gitPusher } from "./push.ts";
import { waitForReleaseChecks } from "./wait-for.ts";

await runAction("train-release", async (context) => {
  const read = new Inputs();
  const inputs = readTrainInputs(read, context);
  const token = read.required("token");
  inputs.defaultToken = token === read.optional("default-token");
  const git = new LocalGit(inputs.repoDir);
  return run(inputs, {
    git,
    remote: new GitHubRemote(createGitHubClient({ token }), requireRepository(context.repository)),
    push: gitPusher(git, { token, serverUrl: context.urls.server }),
    log: info,
    waitForChecks: (sha, waitFor) =>
      waitForReleaseChecks({
        apiUrl: context.urls.api,
        token,
        repository: context.repositoryName,
        sha,
        waitFor,
        progress: info,
      }),
  });
});

function requireRepository<T>(repository: T | undefined): T {
  if (!repository) {
    throw new ConfigurationError(
      "GITHUB_REPOSITORY is not set; the train runs in a repository's workflow",
    );
  }
  return repository;
}
