import { resolve } from "node:path";
import { type CliIO, EXIT, paint, printJson } from "../cli/command.ts";
import { parseRepository, runnerContext } from "../core/context.ts";
import { ConfigurationError } from "../core/errors.ts";
import { createGitHubClient } from "../core/github.ts";
import { Inputs } from "../core/inputs.ts";
import { Outcome } from "../core/outcome.ts";
import { LocalGit } from "./git.ts";
import { GitTagsRemote } from "./git-remote.ts";
import { GitHubRemote } from "./github-remote.ts";
import { readTrainInputs } from "./inputs.ts";
import { planJson } from "./plan.ts";
import { gitPusher } from "./push.ts";
import { loadConfig, runTrain } from "./run.ts";
import { waitForReleaseChecks } from "./wait-for.ts";

export const DEPART_OPTIONS = {
  force: { type: "boolean" },
  bump: { type: "string" },
  version: { type: "string" },
  branch: { type: "string" },
  "dry-run": { type: "boolean" },
  token: { type: "string" },
  repository: { type: "string" },
  "api-url": { type: "string" },
} as const;

export const DEPART_HELP = `status-gate train depart [--repo <dir>] [--config <file>] [--now <ISO time>] [--dry-run]
                        [--force] [--bump auto|patch|minor|major|rc] [--version <v>]
                        [--branch <name>] [--token <t>] [--repository <owner/name>]
                        [--api-url <url>] [--format text|json]

Does what the action does, from this clone and its remote 'origin': finishes a train an earlier
run left incomplete, or departs the due one (the marker, the release commit, tags, releases).
With --dry-run it writes nothing and prints every write it would make, in order.

  --dry-run            list the writes instead of making them
  --force, --bump, --version, --branch
                       as the action's inputs of the same names
  --token <t>          a GitHub token (default: GITHUB_TOKEN); without one only --dry-run
                       works, reading the remote's tags with git and assuming no releases or
                       pull requests exist (it says so)
  --repository <o/n>   the GitHub repository (default: GITHUB_REPOSITORY, else origin's URL)
  --api-url <url>      the REST API (default: GITHUB_API_URL, else https://api.github.com)
  --format <f>         text (default) or json: {"departed","slot","reason","detail","next",
                       "released","pull_request_url","writes","read_github","annotations",
                       "failure","components"}`;

interface DepartValues {
  repo?: string;
  config?: string;
  now?: string;
  force?: boolean;
  bump?: string;
  version?: string;
  branch?: string;
  "dry-run"?: boolean;
  token?: string;
  repository?: string;
  "api-url"?: string;
}

export async function depart(
  values: DepartValues,
  format: "text" | "json",
  io: CliIO,
): Promise<number> {
  const repoDir = resolve(io.cwd, values.repo ?? ".");
  const git = new LocalGit(repoDir);
  const token = values.token ?? io.env.GITHUB_TOKEN;
  const dryRun = values["dry-run"] === true;
  if (!token && !dryRun) {
    throw new ConfigurationError(
      "departing writes to GitHub: give --token (or set GITHUB_TOKEN), or add --dry-run to list the writes",
    );
  }
  const env = { ...io.env, ...(values["api-url"] ? { GITHUB_API_URL: values["api-url"] } : {}) };
  const context = runnerContext(env);
  const repository = values.repository
    ? parseRepository(values.repository, "--repository")
    : (context.repository ?? repositoryOfOrigin(git));
  const read = Inputs.fromFlags({
    "working-directory": repoDir,
    config: values.config,
    now: values.now,
    force: values.force,
    bump: values.bump,
    version: values.version,
    branch: values.branch ?? currentBranch(git),
    "dry-run": dryRun,
  });
  const inputs = readTrainInputs(read, {
    ...context,
    repositoryName: `${repository.owner}/${repository.repo}`,
  });
  const remote = token
    ? new GitHubRemote(
        createGitHubClient(
          { token, tokenSource: "--token or GITHUB_TOKEN", maskToken: false },
          env,
        ),
        repository,
      )
    : new GitTagsRemote(git);
  const config = loadConfig(inputs.repoDir, inputs.configPath);
  const outcome = new Outcome();
  const result = await runTrain(inputs, config, {
    git,
    remote,
    push: gitPusher(
      git,
      token ? { token, serverUrl: context.urls.server, mask: false } : undefined,
    ),
    log: () => {},
    outcome,
    waitForChecks: (sha, waitFor) =>
      waitForReleaseChecks({
        apiUrl: context.urls.api,
        token: token ?? "",
        repository: `${repository.owner}/${repository.repo}`,
        sha,
        waitFor,
        progress: (line) => io.stderr.write(`${line}\n`),
      }),
  });
  const failed = result.failure !== undefined;
  if (format === "json") {
    printJson(io, {
      departed: result.departed,
      slot: result.slot,
      reason: result.reason,
      detail: result.detail,
      next: result.next ?? null,
      released: result.released,
      pull_request_url: result.pullRequestUrl ?? null,
      writes: result.writes,
      read_github: token !== undefined,
      annotations: outcome.annotations,
      failure: result.failure ?? null,
      components: result.plan ? planJson(result.plan) : [],
    });
    return failed ? EXIT.failed : EXIT.ok;
  }
  const colour = result.departed ? "green" : failed ? "red" : "yellow";
  io.stdout.write(
    `${paint(io, colour, `train ${result.slot || "(none)"}: ${result.reason}`)}\n${result.detail}\n`,
  );
  if (!token) {
    io.stdout.write(
      "without a token GitHub's releases and pull requests are not read: none are assumed to exist\n",
    );
  }
  if (result.writes.length > 0) {
    io.stdout.write(
      result.reason === "dry-run"
        ? "the writes it would make, in order:\n"
        : "the writes it made, in order:\n",
    );
    result.writes.forEach((write, index) => {
      io.stdout.write(`  ${index + 1}. ${write}\n`);
    });
  }
  for (const annotation of outcome.annotations)
    io.stdout.write(`${annotation.level}: ${annotation.message}\n`);
  if (failed) {
    io.stderr.write(`${paint(io, "red", "failed")}: ${result.failure}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

/** `owner/name` from origin's URL (https or ssh); a local path stands for itself. */
function repositoryOfOrigin(git: LocalGit) {
  let url = "";
  try {
    url = git.run(["remote", "get-url", "origin"]).trim();
  } catch {
    // no origin: a name for links only
  }
  const match = /[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url);
  return match
    ? { owner: match[1] as string, repo: match[2] as string }
    : { owner: "local", repo: "repository" };
}

function currentBranch(git: LocalGit): string {
  try {
    return git.run(["symbolic-ref", "--quiet", "--short", "HEAD"]).trim() || "main";
  } catch {
    return "main";
  }
}
