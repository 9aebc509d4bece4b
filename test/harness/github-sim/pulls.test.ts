import { describe, expect, test } from "vitest";
import { MAX_PULL_REQUEST_FILES, startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const REPO = "/repos/octo-org/app";

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  return { sim, repo };
}

describe("pull requests", () => {
  test("serves a seeded pull request with its head, base and counters", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const pull = repo.addPullRequest({
      number: 42,
      title: "Add login",
      head: "feature/login",
      files: [
        "src/login.ts",
        { filename: "src/old.ts", status: "removed", additions: 0, deletions: 9 },
      ],
    });
    const { body } = await call(sim, "GET", `${REPO}/pulls/42`);
    expect(body).toMatchObject({
      number: 42,
      title: "Add login",
      state: "open",
      head: { ref: "feature/login", sha: pull.head.sha, repo: { full_name: "octo-org/app" } },
      base: { ref: "main", sha: repo.branch("main") },
      changed_files: 2,
      additions: 1,
      deletions: 9,
      merged: false,
    });
    expect((await call(sim, "GET", `${REPO}/pulls/43`)).status).toBe(404);
  });

  test("follows its head branch when new commits are pushed", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const pull = repo.addPullRequest({ head: "feature" });
    const pushed = repo.addCommit({ branch: "feature" });
    expect(pull.head.sha).toBe(pushed.sha);
    expect((await call(sim, "GET", `${REPO}/pulls/${pull.number}`)).body.head.sha).toBe(pushed.sha);
  });

  test("lists pull requests by state, head and base", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    repo.addPullRequest({ head: "one" });
    repo.addPullRequest({ head: "two", state: "closed" });
    repo.addBranch("release");
    repo.addPullRequest({ head: "three", base: "release" });
    const numbers = async (query: string) =>
      (await call(sim, "GET", `${REPO}/pulls${query}`)).body.map(
        (pull: { number: number }) => pull.number,
      );
    expect(await numbers("")).toEqual([3, 1]);
    expect(await numbers("?state=all&direction=asc")).toEqual([1, 2, 3]);
    expect(await numbers("?state=closed")).toEqual([2]);
    expect(await numbers("?head=octo-org:one")).toEqual([1]);
    expect(await numbers("?base=release")).toEqual([3]);
  });

  test("creates a pull request from a pushed branch with the files it changes", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    repo.addCommit({ branch: "feature", parents: [repo.branch("main")!], files: ["a.ts", "b.ts"] });
    const created = await call(sim, "POST", `${REPO}/pulls`, {
      body: { title: "Feature", head: "feature", base: "main" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      number: 1,
      changed_files: 2,
      user: { login: "github-actions[bot]" },
    });

    const duplicate = await call(sim, "POST", `${REPO}/pulls`, {
      body: { title: "Again", head: "feature", base: "main" },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.errors[0].message).toBe(
      "A pull request already exists for octo-org:feature.",
    );

    const missingHead = await call(sim, "POST", `${REPO}/pulls`, {
      body: { title: "Nope", head: "does-not-exist", base: "main" },
    });
    expect(missingHead.body.errors[0]).toMatchObject({ field: "head", code: "invalid" });
  });

  test("refuses a pull request with no commits between base and head", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    repo.setBranch("same", repo.branch("main")!);
    const response = await call(sim, "POST", `${REPO}/pulls`, {
      body: { title: "Empty", head: "same", base: "main" },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors[0].message).toBe("No commits between main and same");
  });

  test("updates title, body, state and base", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const pull = repo.addPullRequest({ head: "feature" });
    repo.addBranch("next", "main");
    const { body } = await call(sim, "PATCH", `${REPO}/pulls/${pull.number}`, {
      body: { title: "Renamed", body: "Details", state: "closed", base: "next" },
    });
    expect(body).toMatchObject({
      title: "Renamed",
      body: "Details",
      state: "closed",
      base: { ref: "next" },
    });
    expect(body.closed_at).not.toBeNull();
  });

  test("pages through the changed files, at most 3000 as GitHub lists", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const files = Array.from({ length: 3100 }, (_, index) => `pkg/${index}.ts`);
    const pull = repo.addPullRequest({ head: "huge", files });
    const last = await call(sim, "GET", `${REPO}/pulls/${pull.number}/files?per_page=100&page=30`);
    expect(last.body).toHaveLength(100);
    expect(last.body[99].filename).toBe("pkg/2999.ts");
    expect(last.headers.get("link")).not.toContain('rel="next"');
    const beyond = await call(
      sim,
      "GET",
      `${REPO}/pulls/${pull.number}/files?per_page=100&page=31`,
    );
    expect(beyond.body).toEqual([]);
    expect(MAX_PULL_REQUEST_FILES).toBe(3000);
  });

  test("leaves a merge commit on the base for a merged pull request", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const pull = repo.addPullRequest({ head: "done", merged: true });
    expect(repo.branch("main")).toBe(pull.mergeCommitSha);
    const { body } = await call(sim, "GET", `${REPO}/pulls/${pull.number}`);
    expect(body).toMatchObject({
      state: "closed",
      merged: true,
      merge_commit_sha: pull.mergeCommitSha,
    });
  });
});
