import { describe, expect, test } from "vitest";
import { MAX_COMPARE_FILES, startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const REPO = "/repos/octo-org/app";

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  return { sim, repo, main: repo.branch("main")! };
}

describe("git refs and objects", () => {
  test("creates a ref and refuses to create it twice with 422 Reference already exists", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    const created = await call(sim, "POST", `${REPO}/git/refs`, {
      body: { ref: "refs/heads/release", sha: main },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ref: "refs/heads/release",
      object: { sha: main, type: "commit" },
    });
    expect(created.headers.get("location")).toBe(`${sim.url}${REPO}/git/refs/heads/release`);
    expect(repo.branch("release")).toBe(main);

    const again = await call(sim, "POST", `${REPO}/git/refs`, {
      body: { ref: "refs/heads/release", sha: main },
    });
    expect(again.status).toBe(422);
    expect(again.body.message).toBe("Reference already exists");
  });

  test("refuses a ref to an object that does not exist", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const response = await call(sim, "POST", `${REPO}/git/refs`, {
      body: { ref: "refs/tags/v1", sha: "f".repeat(40) },
    });
    expect(response.status).toBe(422);
    expect(response.body.message).toBe("Object does not exist");
  });

  test("moves a ref forward, and backward only with force", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    const next = repo.addCommit({ branch: "main", message: "next" });
    const backward = await call(sim, "PATCH", `${REPO}/git/refs/heads/main`, {
      body: { sha: main },
    });
    expect(backward.status).toBe(422);
    expect(backward.body.message).toBe("Update is not a fast forward");

    const forced = await call(sim, "PATCH", `${REPO}/git/refs/heads/main`, {
      body: { sha: main, force: true },
    });
    expect(forced.status).toBe(200);
    expect(repo.branch("main")).toBe(main);

    const forward = await call(sim, "PATCH", `${REPO}/git/refs/heads/main`, {
      body: { sha: next.sha },
    });
    expect(forward.body.object.sha).toBe(next.sha);
  });

  test("reads, lists by prefix and deletes refs", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    repo.addTag({ name: "v1.0.0", sha: main });
    repo.addTag({ name: "v1.1.0", sha: main });
    expect((await call(sim, "GET", `${REPO}/git/ref/tags/v1.0.0`)).body.object.sha).toBe(main);
    expect((await call(sim, "GET", `${REPO}/git/ref/tags/v9`)).status).toBe(404);
    const matching = await call(sim, "GET", `${REPO}/git/matching-refs/tags/v1.`);
    expect(matching.body.map((ref: { ref: string }) => ref.ref)).toEqual([
      "refs/tags/v1.0.0",
      "refs/tags/v1.1.0",
    ]);
    expect((await call(sim, "DELETE", `${REPO}/git/refs/tags/v1.0.0`)).status).toBe(204);
    const gone = await call(sim, "DELETE", `${REPO}/git/refs/tags/v1.0.0`);
    expect(gone.status).toBe(422);
    expect(gone.body.message).toBe("Reference does not exist");
  });

  test("creates an annotated tag object that a ref can then point at", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    const tag = await call(sim, "POST", `${REPO}/git/tags`, {
      body: { tag: "v2.0.0", message: "Release 2.0.0", object: main, type: "commit" },
    });
    expect(tag.status).toBe(201);
    expect(tag.body).toMatchObject({ tag: "v2.0.0", object: { sha: main, type: "commit" } });
    expect(repo.refs.has("refs/tags/v2.0.0")).toBe(false);

    await call(sim, "POST", `${REPO}/git/refs`, {
      body: { ref: "refs/tags/v2.0.0", sha: tag.body.sha },
    });
    const ref = await call(sim, "GET", `${REPO}/git/ref/tags/v2.0.0`);
    expect(ref.body.object).toMatchObject({ type: "tag", sha: tag.body.sha });
    expect((await call(sim, "GET", `${REPO}/git/tags/${tag.body.sha}`)).body.message).toBe(
      "Release 2.0.0",
    );
    // Resolving a ref-ish peels the annotated tag down to its commit.
    expect((await call(sim, "GET", `${REPO}/commits/v2.0.0`)).body.sha).toBe(main);
  });

  test("creates and reads git commits", async () => {
    const { sim, main } = await seeded();
    await using _ = sim;
    const created = await call(sim, "POST", `${REPO}/git/commits`, {
      body: { message: "Bump version", tree: "a".repeat(40), parents: [main] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ message: "Bump version", parents: [{ sha: main }] });
    const read = await call(sim, "GET", `${REPO}/git/commits/${created.body.sha}`);
    expect(read.body.tree.sha).toBe("a".repeat(40));
    const orphanParent = await call(sim, "POST", `${REPO}/git/commits`, {
      body: { message: "x", tree: "a".repeat(40), parents: ["b".repeat(40)] },
    });
    expect(orphanParent.status).toBe(422);
  });
});

describe("commits and compare", () => {
  test("gets a commit by SHA, short SHA or branch, with its files", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const commit = repo.addCommit({ branch: "feature", files: ["src/a.ts", "src/b.ts"] });
    for (const ref of [commit.sha, commit.sha.slice(0, 7), "feature", "refs/heads/feature"]) {
      const { body } = await call(sim, "GET", `${REPO}/commits/${encodeURIComponent(ref)}`);
      expect(body.sha).toBe(commit.sha);
      expect(body.files.map((file: { filename: string }) => file.filename)).toEqual([
        "src/a.ts",
        "src/b.ts",
      ]);
    }
    const missing = await call(sim, "GET", `${REPO}/commits/nope`);
    expect(missing.status).toBe(422);
  });

  test("lists commits from a branch, newest first", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    const second = repo.addCommit({ branch: "main", files: ["docs/x.md"] });
    const { body } = await call(sim, "GET", `${REPO}/commits?sha=main`);
    expect(body.map((commit: { sha: string }) => commit.sha)).toEqual([second.sha, main]);
    const onlyDocs = await call(sim, "GET", `${REPO}/commits?path=docs`);
    expect(onlyDocs.body).toHaveLength(1);
  });

  test("compares two refs with their merge base, ahead and behind counts", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    repo.addCommit({ branch: "feature", parents: [main], files: ["a.ts"] });
    repo.addCommit({ branch: "feature", files: ["b.ts"] });
    repo.addCommit({ branch: "main", files: ["c.ts"] });
    const { body } = await call(sim, "GET", `${REPO}/compare/main...feature`);
    expect(body).toMatchObject({
      status: "diverged",
      ahead_by: 2,
      behind_by: 1,
      total_commits: 2,
      merge_base_commit: { sha: main },
      base_commit: { sha: repo.branch("main") },
    });
    expect(body.files.map((file: { filename: string }) => file.filename)).toEqual(["a.ts", "b.ts"]);
    const identical = await call(sim, "GET", `${REPO}/compare/main...main`);
    expect(identical.body.status).toBe("identical");
  });

  test("lists at most 300 files in a comparison, as GitHub does", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    const files = Array.from({ length: 450 }, (_, index) => `generated/${index}.json`);
    repo.addCommit({ branch: "big", parents: [main], files });
    const { body } = await call(sim, "GET", `${REPO}/compare/main...big`);
    expect(body.files).toHaveLength(MAX_COMPARE_FILES);
    expect(MAX_COMPARE_FILES).toBe(300);
  });

  test("accepts a head ref containing slashes, encoded or not", async () => {
    const { sim, repo, main } = await seeded();
    await using _ = sim;
    repo.addCommit({ branch: "feature/login", parents: [main], files: ["login.ts"] });
    const raw = await call(sim, "GET", `${REPO}/compare/main...feature/login`);
    const encoded = await call(
      sim,
      "GET",
      `${REPO}/compare/${encodeURIComponent("main...feature/login")}`,
    );
    expect(raw.body.ahead_by).toBe(1);
    expect(encoded.body.ahead_by).toBe(1);
  });
});
