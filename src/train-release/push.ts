import { GitError, gitConfigEnvironment } from "../core/git.ts";
import { mask } from "../core/log.ts";
import type { LocalGit } from "./git.ts";

/** Why the remote refused a push, in the words a maintainer acts on. */
export type PushRefusal = "non-fast-forward" | "protected" | "auth" | "other";

export type PushResult = { pushed: true } | { pushed: false; why: PushRefusal; message: string };

/** Moves a branch of `origin` to a commit. */
export type Pusher = (
  sha: string,
  branch: string,
  options?: { force?: boolean },
) => Promise<PushResult>;

/**
 * Pushes commits to `origin` without changing the checkout. The token travels in git's
 * configuration through the environment (`GIT_CONFIG_*`), never on the command line where `ps`
 * and logs show it (actions/checkout with persist-credentials: false leaves none behind). A push
 * refused because the branch already holds the commit counts as done.
 */
export function gitPusher(
  git: LocalGit,
  credential: { token: string; serverUrl: string; mask?: boolean } | undefined,
): Pusher {
  const env = credential
    ? credentialEnvironment(credential.token, credential.serverUrl, credential.mask ?? true)
    : {};
  return async (sha, branch, options = {}) => {
    const refspec = `${options.force ? "+" : ""}${sha}:refs/heads/${branch}`;
    try {
      git.run(["push", "--quiet", "origin", refspec], { env });
      return { pushed: true };
    } catch (thrown) {
      if (!(thrown instanceof GitError)) throw thrown;
      const why = pushRefusal(`${thrown.stderr}\n${thrown.message}`);
      if (
        why !== "auth" &&
        git.fetch(`refs/heads/${branch}`, env) &&
        git.isAncestor(sha, "FETCH_HEAD")
      ) {
        return { pushed: true };
      }
      return { pushed: false, why, message: explainRefusal(why, branch, thrown) };
    }
  };
}

/** `http.<server>/.extraheader`, as actions/checkout sets it, for git's HTTPS transport. */
export function credentialEnvironment(
  token: string,
  serverUrl: string,
  masked = true,
): NodeJS.ProcessEnv {
  const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
  // The runner does not know this form of the token: a log line holding it would show it.
  if (masked) mask(basic);
  const key = `http.${serverUrl.replace(/\/+$/, "")}/.extraheader`;
  // gitConfigEnvironment resets the header actions/checkout persists first (GitHub refuses two).
  return gitConfigEnvironment({ [key]: `AUTHORIZATION: basic ${basic}` });
}

/** Reads GitHub's (and git's) words for a refused push. */
export function pushRefusal(stderr: string): PushRefusal {
  if (
    /Authentication failed|could not read Username|Invalid username or password|terminal prompts disabled|Permission to \S+ denied|returned error: 40[13]|Write access to repository not granted|\b403\b/i.test(
      stderr,
    )
  ) {
    return "auth";
  }
  if (
    /GH006|GH013|protected branch|repository rule violations|pre-receive hook declined|push declined/i.test(
      stderr,
    )
  ) {
    return "protected";
  }
  if (/non-fast-forward|fetch first|updates were rejected because|\[rejected\]/i.test(stderr)) {
    return "non-fast-forward";
  }
  return "other";
}

function explainRefusal(why: PushRefusal, branch: string, thrown: GitError): string {
  const said = thrown.stderr
    .split("\n")
    .map((line) => line.replace(/^remote:\s*/, "").trim())
    .filter((line) => line && !/^(To |Done$|!\s|hint:)/.test(line))
    .slice(-3)
    .join(" ");
  const what = {
    auth: `the token may not push to ${branch} (it needs contents: write; a GitHub App token needs the app installed on the repository)`,
    protected: `${branch} is protected (branch protection or a ruleset refused the push)`,
    "non-fast-forward": `${branch} has moved past the release commit's parent (not a fast-forward)`,
    other: `git could not push to ${branch}`,
  }[why];
  return said ? `${what}: ${said}` : what;
}
