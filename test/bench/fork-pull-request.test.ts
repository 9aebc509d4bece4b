import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRepository } from "../harness/git.ts";
import { cleanup, runAction, runCli } from "../harness/runner.ts";
import { type GitHttpDouble, startGitHttpDouble } from "./git-http-double.ts";
import { temporaryDirectory, writeSizes } from "./helpers.ts";

// A pull request from a fork runs with a read-only GITHUB_TOKEN (GitHub's docs, "Automatic token
// authentication"): it can read the gh-pages branch but never push to it. Storing the pull
// request's run there is then impossible; the comparison with main is still the check's job.

const server = temporaryDirectory("sg-bench-fork-");
const repo = createRepository();
let double: GitHttpDouble;
let base: string;
let head: string;

const sizes = (bytes: number) => writeSizes(repo.path, bytes);

beforeAll(async () => {
  execFileSync("git", ["init", "--quiet", "--bare", join(server.path, "origin.git")]);
  double = await startGitHttpDouble(server.path);
  double.readOnlyTokens.add("ghs_fork_read_only");
  base = repo.commit({ message: "binary", files: { "src/lib.rs": "one" } });
  repo.checkout("feature", { create: true });
  head = repo.commit({ message: "fork change", files: { "src/lib.rs": "two" } });
});
afterAll(async () => {
  await double.close();
  server[Symbol.dispose]();
  repo[Symbol.dispose]();
});

function action(token: string) {
  return {
    action: "actions/bench",
    workspace: repo.path,
    repository: "wasmcloud/wasmcloud",
    token,
    env: { GITHUB_SERVER_URL: double.url },
    timeoutMs: 120_000,
  };
}

const storage = () => ({
  storage: "git-branch",
  "storage-repository": `${double.url}/origin.git`,
});

describe("the bench action on a fork's pull request with storage: git-branch", () => {
  it("compares with main, says the run is not stored, and passes", async () => {
    repo.checkout(base);
    sizes(1_000_000);
    const push = await runAction({
      ...action("ghs_write"),
      sha: base,
      ref: "refs/heads/main",
      event: { name: "push", payload: { repository: { default_branch: "main" } } },
      inputs: { results: "out/sizes.json", ...storage() },
    });
    cleanup(push);
    expect(push.exitCode, push.stderr).toBe(0);

    repo.checkout("feature");
    sizes(1_000_000);
    const pushesBefore = double.pushes;
    const run = await runAction({
      ...action("ghs_fork_read_only"),
      sha: "e".repeat(40),
      ref: "refs/pull/9/merge",
      event: {
        name: "pull_request",
        payload: {
          pull_request: {
            number: 9,
            head: { sha: head, repo: { full_name: "someone/wasmcloud" } },
            base: { ref: "main", repo: { full_name: "wasmcloud/wasmcloud" } },
          },
          repository: { default_branch: "main" },
        },
      },
      inputs: { results: "out/sizes.json", ...storage(), "base-ref": "main", comment: "false" },
    });
    cleanup(run);
    expect(run.exitCode, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.outputs["base-commit"]).toBe(base);
    expect(run.outputs.verdict).toBe("pass");
    expect(run.outputs["run-key"]).toBe("");
    expect(run.summary).toContain("host binary");
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        message: expect.stringMatching(/fork.*read-only.*not stored/),
      }),
    );
    // Nothing was even tried: a push GitHub refuses would only have failed the step.
    expect(double.pushes).toBe(pushesBefore);
  });
});

describe("an upload to a git branch the token may not push to", () => {
  it("fails and says nothing was stored, since the branch took none of it", async () => {
    using work = temporaryDirectory();
    writeSizes(work.path, 5);
    const run = await runCli(
      [
        "bench",
        "upload",
        "out/sizes.json",
        "--storage",
        "git-branch",
        "--storage-repository",
        `${double.url}/origin.git`,
        "--commit",
        "c".repeat(40),
        "--run-id",
        "77",
      ],
      {
        cwd: work.path,
        env: { GITHUB_TOKEN: "ghs_fork_read_only", GITHUB_SERVER_URL: double.url },
        timeoutMs: 120_000,
      },
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain("403");
    const [, stored, notStored] = /stored:\n([\s\S]*?)\nnot stored:\n([\s\S]*)/.exec(
      run.stderr,
    ) ?? ["", "", ""];
    expect(stored.trim()).toBe("(none)");
    expect(notStored).toMatch(/runs\/\d{4}-\d{2}-\d{2}\/c{40}\/77-1\.json/);
    expect(notStored).toContain("site/data/index.json");
  });
});
