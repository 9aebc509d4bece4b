import { describe, expect, test } from "vitest";
import { startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const REPO = "/repos/octo-org/app";

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  return { sim, repo };
}

describe("releases", () => {
  test("creates a release, tagging the target, and finds it by tag, id and as latest", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const created = await call(sim, "POST", `${REPO}/releases`, {
      body: { tag_name: "v1.0.0", name: "1.0.0", body: "First" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tag_name: "v1.0.0",
      draft: false,
      target_commitish: "main",
    });
    expect(repo.refs.get("refs/tags/v1.0.0")).toBe(repo.branch("main"));
    const byTag = await call(sim, "GET", `${REPO}/releases/tags/v1.0.0`);
    const byId = await call(sim, "GET", `${REPO}/releases/${created.body.id}`);
    const latest = await call(sim, "GET", `${REPO}/releases/latest`);
    expect([byTag.body.id, byId.body.id, latest.body.id]).toEqual(Array(3).fill(created.body.id));
  });

  test("refuses a second release for the same tag with 422 already_exists", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    repo.addRelease({ tagName: "v1.0.0" });
    const response = await call(sim, "POST", `${REPO}/releases`, { body: { tag_name: "v1.0.0" } });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      { resource: "Release", code: "already_exists", field: "tag_name" },
    ]);
  });

  test("keeps a draft out of tag lookups and tags it when it is published", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const draft = await call(sim, "POST", `${REPO}/releases`, {
      body: { tag_name: "v2.0.0", draft: true },
    });
    expect(draft.body).toMatchObject({ draft: true, published_at: null, tarball_url: null });
    expect((await call(sim, "GET", `${REPO}/releases/tags/v2.0.0`)).status).toBe(404);
    expect(repo.refs.has("refs/tags/v2.0.0")).toBe(false);

    const published = await call(sim, "PATCH", `${REPO}/releases/${draft.body.id}`, {
      body: { draft: false, body: "Notes" },
    });
    expect(published.body).toMatchObject({ draft: false, body: "Notes" });
    expect(published.body.published_at).not.toBeNull();
    expect((await call(sim, "GET", `${REPO}/releases/tags/v2.0.0`)).status).toBe(200);
  });

  test("lists releases newest first and honours make_latest false", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    const stable = repo.addRelease({ tagName: "v1.0.0" });
    repo.addRelease({ tagName: "v1.1.0-rc.1", prerelease: true });
    await call(sim, "POST", `${REPO}/releases`, {
      body: { tag_name: "v0.9.1", make_latest: "false" },
    });
    const list = await call(sim, "GET", `${REPO}/releases`);
    expect(list.body.map((release: { tag_name: string }) => release.tag_name)).toEqual([
      "v0.9.1",
      "v1.1.0-rc.1",
      "v1.0.0",
    ]);
    expect((await call(sim, "GET", `${REPO}/releases/latest`)).body.id).toBe(stable.id);
  });

  test("generates notes from pull requests merged since the previous release", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    repo.addPullRequest({ title: "Old fix", head: "old", merged: true, user: "mona" });
    repo.addRelease({ tagName: "v1.0.0" });
    repo.addPullRequest({ title: "Add login", head: "login", merged: true, user: "hubot" });
    repo.addPullRequest({ title: "Still open", head: "wip" });
    const { body } = await call(sim, "POST", `${REPO}/releases/generate-notes`, {
      body: { tag_name: "v1.1.0" },
    });
    expect(body.name).toBe("v1.1.0");
    expect(body.body).toBe(
      "## What's Changed\n" +
        "* Add login by @hubot in https://github.com/octo-org/app/pull/2\n\n\n" +
        "**Full Changelog**: https://github.com/octo-org/app/compare/v1.0.0...v1.1.0",
    );
    const created = await call(sim, "POST", `${REPO}/releases`, {
      body: { tag_name: "v1.1.0", body: "Highlights", generate_release_notes: true },
    });
    expect(created.body.body).toMatch(/^Highlights\n\n## What's Changed\n\* Add login/);
  });

  test("links the whole history when there is no previous release", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const { body } = await call(sim, "POST", `${REPO}/releases/generate-notes`, {
      body: { tag_name: "v0.1.0" },
    });
    expect(body.body).toBe("**Full Changelog**: https://github.com/octo-org/app/commits/v0.1.0");
  });
});
