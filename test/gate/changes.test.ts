import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubApi } from "../../src/gate/api.ts";
import { findChanges, readRulesAt } from "../../src/gate/changes.ts";
import { resolveTarget } from "../../src/gate/event.ts";
import { localGit } from "../../src/gate/git.ts";
import { createRepository, shallowClone, type TestRepository } from "../harness/git.ts";
import {
  type GitHubSimulator,
  MAX_PULL_REQUEST_FILES,
  startGitHubSimulator,
} from "../harness/github-sim/index.ts";

const REPOSITORY = "wasmcloud/wasmcloud";

describe("finding what a change touches", () => {
  let sim: GitHubSimulator;
  let api: GitHubApi;
  const notices: string[] = [];
  const sources = (git: TestRepository | undefined) => ({
    git: git ? localGit(git.path) : undefined,
    api,
    repository: REPOSITORY,
    notice: (message: string) => notices.push(message),
  });

  beforeAll(async () => {
    sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
    api = new GitHubApi({
      apiUrl: sim.url,
      token: sim.token,
      maxRequests: 100,
      retries: 0,
      retryDelayMs: 10,
    });
  });
  afterAll(() => sim.close());

  it("never treats a pull request with more files than the API lists as complete", async () => {
    const github = sim.state.repository(REPOSITORY);
    const files = Array.from(
      { length: MAX_PULL_REQUEST_FILES + 20 },
      (_, i) => `gen/file-${i}.txt`,
    );
    const pull = github.addPullRequest({ head: "huge", files });
    const target = resolveTarget(
      "pull_request",
      {
        pull_request: {
          number: pull.number,
          changed_files: files.length,
          head: { sha: pull.head.sha },
          base: { sha: pull.base.sha, ref: "main" },
        },
      },
      { githubSha: pull.head.sha },
    );
    const { changes } = await findChanges(target, sources(undefined));
    expect(changes.files).toHaveLength(MAX_PULL_REQUEST_FILES);
    expect(changes.complete).toBe(false);
    expect(changes.everythingBecause).toMatch(
      /listed 3000 of 3020 changed files.*every rule applies/,
    );
  });

  describe("with a checkout", () => {
    let repo: TestRepository;
    let base: string;
    let feature: string;

    beforeAll(() => {
      repo = createRepository();
      base = repo.commit({
        message: "base",
        files: {
          ".github/status-gate.yml": "rules:\n  - check: a\n",
          "crates/api/old name.rs": "x\n",
        },
      });
      repo.checkout("feature", { create: true });
      feature = repo.commit({
        message: "move",
        files: {
          ".github/status-gate.yml": "rules: []\n",
          "crates/api/old name.rs": null,
          "crates/core/new name.rs": "x\n",
        },
      });
      repo.checkout("main");
      repo.commit({ message: "main moves on", files: { "other.txt": "y\n" } });
    });
    afterAll(() => repo[Symbol.dispose]());

    it("diffs locally and counts both sides of a rename", async () => {
      const target = resolveTarget(
        "pull_request",
        { pull_request: { number: 1, head: { sha: feature }, base: { sha: base, ref: "main" } } },
        { githubSha: feature },
      );
      const { changes } = await findChanges(target, sources(repo));
      expect(changes.complete).toBe(true);
      expect(changes.files.map((f) => f.path).sort()).toEqual([
        ".github/status-gate.yml",
        "crates/api/old name.rs",
        "crates/core/new name.rs",
      ]);
    });

    it("measures a new branch push (before all zeros) from the merge base with the default branch", async () => {
      const target = resolveTarget(
        "push",
        {
          before: "0".repeat(40),
          after: feature,
          ref: "refs/heads/feature",
          repository: { default_branch: "main" },
        },
        { githubSha: feature },
      );
      const found = await findChanges(target, sources(repo));
      expect(found.baseSha).toBe(base);
      expect(found.changes.files).toHaveLength(3);
    });

    it("measures a force push whose before is not an ancestor from the merge base", async () => {
      const unrelated = repo.git("rev-parse", "main");
      const target = resolveTarget(
        "push",
        {
          before: unrelated,
          after: feature,
          ref: "refs/heads/feature",
          repository: { default_branch: "main" },
        },
        { githubSha: feature },
      );
      expect((await findChanges(target, sources(repo))).baseSha).toBe(base);
    });

    it("reads a file at the revision asked for, and says when it is not there", async () => {
      expect(await readRulesAt(".github/status-gate.yml", base, sources(repo))).toBe(
        "rules:\n  - check: a\n",
      );
      expect(await readRulesAt("no/such/file.yml", base, sources(repo))).toBeUndefined();
    });

    it("detects a shallow clone and does not trust it, asking the API instead", async () => {
      using shallow = shallowClone(repo);
      const github = sim.state.repository(REPOSITORY);
      const head = shallow.head();
      github.addCommit({
        sha: head,
        parents: [github.branch("main") as string],
        files: ["other.txt"],
      });
      const target = resolveTarget(
        "push",
        { before: "0".repeat(40), after: head, repository: { default_branch: "main" } },
        { githubSha: head },
      );
      const { changes } = await findChanges(target, sources(shallow));
      expect(notices.some((n) => /shallow clone/.test(n))).toBe(true);
      expect(changes.source).toMatch(/GitHub compare main\.\.\./);
      expect(changes.files.map((f) => f.path)).toEqual(["other.txt"]);
    });
  });
});
