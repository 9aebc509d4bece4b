import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GitHubApi } from "../../src/gate/api.ts";
import { readSnapshot } from "../../src/gate/snapshot.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";

describe("reading a commit's checks", () => {
  let sim: GitHubSimulator;
  let api: GitHubApi;

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

  it("asks again with If-None-Match, and an unchanged answer is a free 304 with the cached body", async () => {
    const github = sim.state.repository("wasmcloud/wasmcloud");
    const sha = github.branch("main") as string;
    github.addCheckRun({ name: "lint", headSha: sha, conclusion: "success" });
    const first = await readSnapshot(api, "wasmcloud/wasmcloud", sha);
    const second = await readSnapshot(api, "wasmcloud/wasmcloud", sha);
    expect(first.changed).toBe(true);
    expect(second.changed).toBe(false);
    expect(second.snapshot).toEqual(first.snapshot);
    expect(api.counts).toMatchObject({ sent: 6, notModified: 3, charged: 3 });
    github.addCheckRun({ name: "test", headSha: sha, conclusion: "failure" });
    const third = await readSnapshot(api, "wasmcloud/wasmcloud", sha);
    expect(third.changed).toBe(true);
    expect(third.snapshot.checkRuns.map((run) => run.name).sort()).toEqual(["lint", "test"]);
  });

  it("refuses to judge a commit with more check runs than it can read", async () => {
    const github = sim.state.repository("wasmcloud/wasmcloud");
    const sha = github.addCommit({ branch: "main", message: "many checks" }).sha;
    for (let index = 0; index < 1001; index++)
      github.addCheckRun({ name: `leg ${index}`, headSha: sha, conclusion: "success" });
    await expect(readSnapshot(api, "wasmcloud/wasmcloud", sha)).rejects.toThrow(
      /more than 1000 results; the gate cannot read them all/,
    );
  });
});
