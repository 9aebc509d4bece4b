import * as core from "@actions/core";
import { runAction } from "../core/action.ts";
import { createGitHubClient, parseRepository } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { annotate, info, setOutput } from "../core/log.ts";
import { run } from "./action.ts";
import { gitPusher, LocalGit } from "./git.ts";
import { parseInstant } from "./now-input.ts";
import { GitHubRemote } from "./remote.ts";
import { parseVersionInput } from "./version-input.ts";

await runAction("train-release", async () => {
  const inputs = new Inputs();
  const repository = parseRepository(process.env.GITHUB_REPOSITORY);
  const token = inputs.required("token");
  const now = inputs.optional("now");
  const repoDir = inputs.string("working-directory", process.env.GITHUB_WORKSPACE ?? ".");
  const settings = {
    repoDir,
    configPath: inputs.string("config", ".github/train.yml"),
    event: process.env.GITHUB_EVENT_NAME ?? "workflow_dispatch",
    now: now === undefined ? new Date() : parseInstant(now, "input 'now'"),
    force: inputs.boolean("force", false),
    bump: inputs.enumeration("bump", ["auto", "patch", "minor", "major"] as const, "auto"),
    versions: parseVersionInput(inputs.optional("version")),
    dryRun: inputs.boolean("dry-run", false),
    branch: inputs.string("branch", process.env.GITHUB_REF_NAME || "main"),
    runId: process.env.GITHUB_RUN_ID ?? "local",
    repositoryUrl: `${process.env.GITHUB_SERVER_URL ?? "https://github.com"}/${repository.owner}/${repository.repo}`,
    defaultToken: token === inputs.optional("default-token"),
    failOnDrift: inputs.boolean("fail-on-drift", false),
  };
  const git = new LocalGit(repoDir);
  const remote = new GitHubRemote(createGitHubClient({ token }), repository);
  const outcome = await run(settings, {
    git,
    remote,
    push: gitPusher(git, token),
    log: info,
    notice: (message) => annotate({ level: "notice", title: "train-release", message }),
  });
  for (const [name, value] of Object.entries(outcome.outputs)) setOutput(name, value);
  outcome.summary.write();
  if (outcome.failure) core.setFailed(`train-release: ${outcome.failure}`);
});
