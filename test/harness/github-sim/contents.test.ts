import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createGitHubClient } from "../../../src/core/github.ts";
import { startGitHubSimulator } from "./index.ts";
import { call } from "./test-client.ts";

const REPO = "/repos/octo-org/app";
const RULES_PATH = ".github/status-gate.yml";

async function seeded() {
  const sim = await startGitHubSimulator();
  const repo = sim.state.addRepository({ owner: "octo-org", name: "app" });
  const base = repo.addCommit({
    branch: "main",
    contents: { [RULES_PATH]: "rules:\n  - check: lint\n", "docs/a b.md": "ä\n" },
  });
  repo.addBranch("feature", "main");
  const head = repo.addCommit({
    branch: "feature",
    contents: { [RULES_PATH]: "rules: []\n", "docs/a b.md": null, "src/new.ts": "x\n" },
  });
  return { sim, repo, base: base.sha, head: head.sha };
}

describe("repository contents", () => {
  test("serves a file at a ref as base64, wrapped as GitHub wraps it, with git's blob id", async () => {
    const { sim, base } = await seeded();
    await using _ = sim;
    const file = await call(sim, "GET", `${REPO}/contents/${RULES_PATH}?ref=${base}`);
    expect(file.status).toBe(200);
    expect(file.body).toMatchObject({ type: "file", encoding: "base64", path: RULES_PATH });
    expect(file.body.name).toBe("status-gate.yml");
    expect(Buffer.from(file.body.content, "base64").toString("utf8")).toBe(
      "rules:\n  - check: lint\n",
    );
    expect(file.body.content).toMatch(/\n$/);
    const dir = mkdtempSync(join(tmpdir(), "sim-blob-"));
    try {
      writeFileSync(join(dir, "f"), "rules:\n  - check: lint\n");
      const gitBlob = execFileSync("git", ["hash-object", join(dir, "f")], { encoding: "utf8" });
      expect(file.body.sha).toBe(gitBlob.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("reads each ref's own version: a branch, a SHA, and the default branch without ref", async () => {
    const { sim } = await seeded();
    await using _ = sim;
    const client = createGitHubClient({ token: sim.token, apiUrl: sim.url });
    const text = async (ref?: string) => {
      const { data } = await client.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner: "octo-org",
        repo: "app",
        path: RULES_PATH,
        ...(ref ? { ref } : {}),
      });
      return Buffer.from((data as { content: string }).content, "base64").toString("utf8");
    };
    expect(await text()).toBe("rules:\n  - check: lint\n");
    expect(await text("feature")).toBe("rules: []\n");
    expect(await text("main")).toBe("rules:\n  - check: lint\n");
  });

  test("answers 404 for a file that is not there, was deleted, or a ref that does not exist", async () => {
    const { sim, base, head } = await seeded();
    await using _ = sim;
    expect((await call(sim, "GET", `${REPO}/contents/missing.yml?ref=${base}`)).status).toBe(404);
    expect((await call(sim, "GET", `${REPO}/contents/src/new.ts?ref=${base}`)).status).toBe(404);
    expect((await call(sim, "GET", `${REPO}/contents/src/new.ts?ref=${head}`)).status).toBe(200);
    const deleted = await call(sim, "GET", `${REPO}/contents/docs/a%20b.md?ref=${head}`);
    expect(deleted.status).toBe(404);
    expect(deleted.body.message).toBe("Not Found");
    const noRef = await call(sim, "GET", `${REPO}/contents/${RULES_PATH}?ref=nope`);
    expect(noRef.status).toBe(404);
    expect(noRef.body.message).toBe("No commit found for the ref nope");
  });

  test("lists a directory's files and subdirectories", async () => {
    const { sim, repo } = await seeded();
    await using _ = sim;
    repo.addCommit({ branch: "main", contents: { "docs/guide/intro.md": "hi\n" } });
    const listing = await call(sim, "GET", `${REPO}/contents/docs`);
    expect(listing.status).toBe(200);
    expect(
      listing.body.map((entry: { type: string; path: string }) => [entry.type, entry.path]),
    ).toEqual([
      ["file", "docs/a b.md"],
      ["dir", "docs/guide"],
    ]);
    expect(listing.body[0].content).toBeUndefined();
  });

  test("derives a commit's changed files from what it writes", async () => {
    const { sim, repo, head } = await seeded();
    await using _ = sim;
    expect(repo.commits.get(head)?.files.map((file) => [file.filename, file.status])).toEqual([
      [RULES_PATH, "modified"],
      ["docs/a b.md", "removed"],
      ["src/new.ts", "added"],
    ]);
  });
});
