import { afterAll, describe, expect, it } from "vitest";
import { type ActionRun, cleanup, runAction } from "../harness/runner.ts";
import { disposeTemplate, TRAIN_YML, wasmcloudCopy } from "./repos.ts";
import { type TrainWorld, trainWorld } from "./world.ts";

afterAll(disposeTemplate);

const SLOT = "2026-12-01T16:00:00Z";
const WRITE = /^(POST|PATCH|PUT|DELETE)$/;

/** A world with commits landed after the last release: a feature, a fix and a breaking example. */
async function world(config = TRAIN_YML): Promise<TrainWorld> {
  const repo = wasmcloudCopy();
  if (config !== TRAIN_YML) repo.commit({ message: "chore: train config", files: { ".github/train.yml": config } });
  repo.commit({ message: "feat(wash): plugins (#101)", files: { "crates/wash/src/lib.rs": "// p" }, date: "2026-11-20T10:00:00Z" });
  repo.commit({
    message: "feat(http-hello)!: streaming <img src=x> (#102)",
    files: { "examples/http-hello/src/lib.rs": "// s" },
    author: { name: "Mallory [x](https://evil)", email: "m@example.com" },
    date: "2026-11-21T10:00:00Z",
  });
  repo.commit({ message: "fix(http-hello): close bodies", files: { "examples/http-hello/src/lib.rs": "// c" }, date: "2026-11-22T10:00:00Z" });
  return trainWorld(repo);
}

async function train(w: TrainWorld, inputs: Record<string, string> = {}, options: { runId?: string; event?: string; token?: string } = {}) {
  const run = await runAction({
    action: "actions/train-release",
    workspace: w.repo.path,
    apiUrl: w.sim.url,
    token: options.token ?? w.sim.token,
    inputs: { now: SLOT, branch: "main", ...inputs },
    event: { name: options.event ?? "schedule", payload: {} },
    env: { GITHUB_RUN_ID: options.runId ?? "5001" },
  });
  cleanup(run);
  return run;
}

const released = (run: ActionRun) => JSON.parse(run.outputs.released ?? "[]") as Array<Record<string, string>>;
const writesAfter = (w: TrainWorld, index: number) => w.sim.requests.slice(index).filter((request) => WRITE.test(request.method));

describe("departing in tag mode (scenarios 15, 17, 22)", () => {
  it("tags the exact release commit, publishes releases with escaped notes and outputs a publish matrix", async () => {
    await using w = await world();
    const ok = await train(w);
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.outputs).toMatchObject({ departed: "true", slot: "2026-12-01", reason: "scheduled" });
    const releaseSha = w.repo.git("--git-dir", w.origin, "rev-parse", "main");
    expect(w.repo.git("--git-dir", w.origin, "log", "-1", "--format=%s", "main")).toBe("release: train 2026-12-01");
    expect(released(ok)).toEqual([
      { name: "wasmcloud", path: ".", kind: "group", previous: "2.0.3", version: "2.1.0", tag: "v2.1.0", release_url: "https://github.com/wasmcloud/wasmcloud/releases/tag/v2.1.0" },
      { name: "http-hello", path: "examples/http-hello", kind: "example", previous: "0.2.0", version: "0.3.0", tag: "http-hello-v0.3.0", release_url: "https://github.com/wasmcloud/wasmcloud/releases/tag/http-hello-v0.3.0" },
    ]);
    for (const tag of ["v2.1.0", "http-hello-v0.3.0"]) expect(w.github.refs.get(`refs/tags/${tag}`)).toBe(releaseSha);
    const hello = w.github.releases.find((release) => release.tagName === "http-hello-v0.3.0");
    expect(hello).toMatchObject({ draft: false, targetCommitish: releaseSha });
    const body = hello?.body ?? "";
    expect(body.indexOf("### Breaking changes")).toBeLessThan(body.indexOf("### Fixes"));
    expect(body).toContain("streaming &lt;img src=x&gt;");
    expect(body).toContain('<a href="https://github.com/wasmcloud/wasmcloud/pull/102">');
    expect(body).toContain("by Mallory \\[x\\]\\(");
    expect(body).not.toContain("[x](https://evil)");
    expect(w.sim.requestsFor("repos/create-release").every((request) => (request.body as { draft: boolean }).draft)).toBe(true);
    expect(ok.outputs["release-notes"]).toContain("## http\\-hello 0\\.3\\.0");
    expect(ok.summary).toContain("Train 2026\\-12\\-01 departed");
    w.sim.assertNoViolations();
  });
});
