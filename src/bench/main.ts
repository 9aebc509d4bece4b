import { tmpdir } from "node:os";
import { runAction } from "../core/action.ts";
import { createGitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { info } from "../core/log.ts";
import { commitComment, pullRequestComment, tokenIdentity } from "./comments.ts";
import { localGit, runContextFrom, toolVersions } from "./context.ts";
import { readActionSettings } from "./inputs.ts";
import { run } from "./run.ts";
import { SITE_ASSETS } from "./site-assets.ts";
import { openStore } from "./store.ts";

await runAction("bench", async (runner) => {
  const settings = readActionSettings(new Inputs(), runner);
  const cwd = runner.workspace;
  const git = localGit(cwd);
  const tools = await toolVersions(settings.toolVersions, runner.temp ?? tmpdir());
  const context = runContextFrom(runner, tools, {
    machine: settings.machine,
    matrixLeg: settings.matrixLeg,
    cwd,
  });
  const described = await git.describe(context.metadata.commit);
  if (described) {
    context.metadata.commitMessage = described.message;
    context.metadata.commitAuthor = described.author;
    context.metadata.commitDate = described.date;
  }
  const client =
    settings.token && runner.repository ? createGitHubClient({ token: settings.token }) : undefined;
  const identity = client && tokenIdentity(client, settings.commentAuthor);
  const repository = runner.repository;
  const pullRequest = context.metadata.pullRequest;
  const storage = settings.storage && (await openStore(settings.storage, cwd));
  try {
    return await run(settings.bench, context, {
      storage,
      git,
      comments:
        client && identity && repository && pullRequest !== null
          ? pullRequestComment(client, repository, pullRequest, identity)
          : undefined,
      commitComment:
        client && identity && repository
          ? (commit) => commitComment(client, repository, commit, identity)
          : undefined,
      assets: SITE_ASSETS,
      reportDirectory: runner.temp ?? cwd,
      log: info,
    });
  } finally {
    storage?.store.close?.();
  }
});
