import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inlineCode } from "../../src/core/summary.ts";
import { disposeTemplate, TRAIN_YML, wasmcloudCopy } from "./repos.ts";
import { markers, released, train, WRITE, landedWorld as world, writesAfter } from "./trains.ts";
import { trainWorld } from "./world.ts";

afterAll(disposeTemplate);

describe("departing in tag mode (scenarios 15, 17, 22)", () => {
  it("tags the exact release commit, publishes releases with escaped notes and outputs a publish matrix", async () => {
    await using w = await world();
    const ok = await train(w);
    expect(ok.exitCode, ok.stdout).toBe(0);
    expect(ok.outputs).toMatchObject({ departed: "true", slot: "2026-12-01", reason: "scheduled" });
    const releaseSha = w.repo.git("--git-dir", w.origin, "rev-parse", "main");
    expect(w.repo.git("--git-dir", w.origin, "log", "-1", "--format=%s", "main")).toBe(
      "release: train 2026-12-01",
    );
    const releaseIds = w.github.releases.map((release) => release.id);
    expect(released(ok)).toEqual([
      {
        name: "wasmcloud",
        path: ".",
        kind: "group",
        previous: "2.0.3",
        version: "2.1.0",
        tag: "v2.1.0",
        release_url: "https://github.com/wasmcloud/wasmcloud/releases/tag/v2.1.0",
        release_id: releaseIds[0],
        draft: false,
      },
      {
        name: "http-hello",
        path: "examples/http-hello",
        kind: "example",
        previous: "0.2.0",
        version: "0.3.0",
        tag: "http-hello-v0.3.0",
        release_url: "https://github.com/wasmcloud/wasmcloud/releases/tag/http-hello-v0.3.0",
        release_id: releaseIds[1],
        draft: false,
      },
    ]);
    for (const tag of ["v2.1.0", "http-hello-v0.3.0"]) {
      expect(w.tagCommit(tag)).toBe(releaseSha);
      // Annotated, as `git tag -a` makes them: "Release <tag>".
      const object = w.github.tags.get(w.github.refs.get(`refs/tags/${tag}`) as string);
      expect(object?.message).toBe(`Release ${tag}`);
    }
    expect(w.github.releases.map((release) => release.name)).toEqual([
      "v2.1.0",
      "http-hello-v0.3.0",
    ]);
    const hello = w.github.releases.find((release) => release.tagName === "http-hello-v0.3.0");
    expect(hello).toMatchObject({ draft: false, targetCommitish: releaseSha });
    const body = hello?.body ?? "";
    expect(body.indexOf("### Breaking changes")).toBeLessThan(body.indexOf("### Fixes"));
    expect(body).toContain("streaming &lt;img src=x&gt;");
    expect(body).toContain("([#102](https://github.com/wasmcloud/wasmcloud/pull/102))");
    expect(body).toContain("by Mallory \\[x\\]\\(");
    expect(body).not.toContain("[x](https://evil)");
    expect(
      w.sim
        .requestsFor("repos/create-release")
        .every((request) => (request.body as { draft: boolean }).draft),
    ).toBe(true);
    // Markdown that reads as written: versions and names are not backslash-escaped.
    expect(ok.outputs["release-notes"]).toContain("## `http-hello` 0.3.0");
    expect(ok.outputs["release-notes"]).not.toMatch(/\\[.#]/);
    expect(ok.outputs["release-notes-text"]).toContain(
      "streaming <img src=x> (#102) by Mallory [x](https://evil)",
    );
    expect(ok.summary).toContain("Train 2026\\-12\\-01 departed");
    expect(ok.masks).toContain(w.sim.token);
    expect(
      ok.stdout
        .split("\n")
        .filter((line) => !line.startsWith("::add-mask::"))
        .join("\n"),
    ).not.toContain(w.sim.token);
    w.sim.assertNoViolations();
  });
});

describe("the departure marker (scenarios 3, 18, 19)", () => {
  it("lets a rerun finish with identical outputs and no writes, and makes a later fire a quiet no-op", async () => {
    await using w = await world();
    const first = await train(w);
    expect(first.outputs.departed).toBe("true");
    const before = w.sim.requests.length;
    const rerun = await train(w);
    expect(rerun.outputs).toEqual(first.outputs);
    expect(writesAfter(w, before)).toEqual([]);
    const laterFire = await train(w, { now: "2026-12-01T22:00:00Z" }, { runId: "5002" });
    expect(laterFire.exitCode).toBe(0);
    expect(laterFire.outputs).toMatchObject({
      departed: "false",
      slot: "2026-12-01",
      reason: "already-departed",
    });
    expect(released(laterFire)).toEqual(released(first));
    // Between trains: not due, with the next date (not "missed": this slot departed).
    const offWeek = await train(w, { now: "2026-12-05T12:00:00Z" }, { runId: "5003" });
    expect(offWeek.outputs).toMatchObject({
      departed: "false",
      reason: "not-due",
      next: "2026-12-15",
      released: "[]",
    });
    expect(writesAfter(w, before)).toEqual([]);
  });

  it("lets exactly one of two racing runs depart; the other reports the same train", async () => {
    await using w = await world();
    const [a, b] = await Promise.all([
      train(w, {}, { runId: "6001" }),
      train(w, {}, { runId: "6002" }),
    ]);
    const outcomes = [a, b].map((run) => run.outputs.departed).sort();
    expect(outcomes).toEqual(["false", "true"]);
    const loser = a.outputs.departed === "false" ? a : b;
    const winner = loser === a ? b : a;
    expect(loser.outputs.reason).toBe("already-departed");
    expect(released(loser)).toEqual(released(winner));
    expect(w.sim.count("repos/create-release")).toBe(2);
    expect(
      w.sim
        .requestsFor("git/create-ref")
        .filter((r) => (r.body as { ref: string }).ref === "refs/tags/train/2026-12-01"),
    ).toHaveLength(2);
  });

  it("finishes the same plan after a partial failure and never bumps again", async () => {
    await using w = await world();
    const fault = w.sim.faults.inject({
      route: "repos/create-release",
      kind: "server-error",
      status: 422,
      times: 5,
    });
    const failed = await train(w);
    expect(failed.exitCode).toBe(1);
    expect(w.github.refs.has("refs/tags/v2.1.0")).toBe(true);
    fault.remove();
    w.sim.takeViolations();
    const rerun = await train(w);
    expect(rerun.outputs).toMatchObject({ departed: "true", reason: "scheduled" });
    expect(released(rerun).map((item) => item.tag)).toEqual(["v2.1.0", "http-hello-v0.3.0"]);
    expect(w.github.releases.map((release) => `${release.tagName} ${release.draft}`)).toEqual([
      "v2.1.0 false",
      "http-hello-v0.3.0 false",
    ]);
  });
});

describe("tags and releases that already exist (scenario 20)", () => {
  it("refuses before writing anything when a tag of this train exists at another commit", async () => {
    await using w = await world();
    const stray = w.github.branch("main") as string;
    w.github.addTag({ name: "http-hello-v0.3.0", sha: stray });
    const run = await train(w);
    expect(run.exitCode).toBe(1);
    const error = run.annotations.find((annotation) => annotation.level === "error");
    expect(error?.message).toMatch(
      new RegExp(`http-hello-v0\\.3\\.0 already exists at ${stray}.*nothing was written`),
    );
    expect(error?.message).not.toContain("train-release: train-release");
    // The slot stays free: no marker, no tag, no release.
    expect(w.sim.requests.filter((request) => WRITE.test(request.method))).toEqual([]);
  });
});

describe("runs that do not depart (scenarios 2, 4, 9, 23)", () => {
  it("reports dry-run, not-due, frozen and missed slots without writing anything", async () => {
    await using w = await world();
    writeFileSync(
      join(w.repo.path, ".github/frozen.yml"),
      `${TRAIN_YML}freeze:\n  - 2026-11-30..2026-12-02\n`,
    );
    const dry = await train(w, { "dry-run": "true" });
    expect(dry.outputs).toMatchObject({
      departed: "false",
      slot: "2026-12-01",
      reason: "dry-run",
      released: "[]",
    });
    expect(dry.summary).toContain(inlineCode("http-hello"));
    expect(dry.log).toMatch(
      /"name": "http-hello",[^}]*"previous": "0\.2\.0",[^}]*"version": "0\.3\.0"/,
    );
    expect(dry.summary).toContain("**0\\.3\\.0**");
    const notDue = await train(w, { now: "2026-12-05T12:00:00Z" });
    expect(notDue.outputs).toMatchObject({
      departed: "false",
      reason: "missed",
      slot: "2026-12-01",
    });
    const frozen = await train(w, { config: ".github/frozen.yml" });
    expect(frozen.outputs).toMatchObject({
      departed: "false",
      reason: "frozen",
      slot: "2026-12-01",
    });
    expect(frozen.log).toContain("the next train (2026-12-15) carries everything");
    expect(w.sim.requests.filter((request) => WRITE.test(request.method))).toEqual([]);
  });

  it("stays when only quiet commits landed", async () => {
    const repo = wasmcloudCopy();
    repo.commit({
      message: "docs: wash guide",
      files: { "crates/wash/README.md": "guide" },
      date: "2026-11-20T10:00:00Z",
    });
    await using w = await trainWorld(repo);
    const run = await train(w);
    expect(run.outputs).toMatchObject({
      departed: "false",
      reason: "no-changes",
      slot: "2026-12-01",
    });
  });
});

describe("a late run (scenario 2)", () => {
  it("departs as the missed slot with only what landed before the departure time", async () => {
    await using w = await world();
    const before = w.repo.head();
    w.repo.commit({
      message: "feat(blobby): after departure",
      files: { "examples/blobby/src/lib.rs": "// late" },
      date: "2026-12-01T18:00:00Z",
    });
    await w.push("main");
    const run = await train(w, { now: "2026-12-02T09:00:00Z" });
    expect(run.outputs).toMatchObject({
      departed: "true",
      slot: "2026-12-01",
      reason: "caught-up",
    });
    expect(released(run).map((item) => item.name)).toEqual(["wasmcloud", "http-hello"]);
    const tagged = w.tagCommit("v2.1.0") as string;
    expect(w.repo.git("--git-dir", w.origin, "rev-parse", `${tagged}^`)).toBe(before);
    // The branch moved on, so the version bumps come back through a pull request.
    expect(run.outputs["pull-request-url"]).toMatch(/\/pull\/\d+$/);
    expect([...w.github.pulls.values()][0]).toMatchObject({
      head: { ref: "release/train-2026-12-01", sha: tagged },
      base: { ref: "main" },
    });
  });
});

describe("release pull requests (scenario 16)", () => {
  it("opens a release pull request, then tags the merged commit", async () => {
    await using w = await world(`${TRAIN_YML}mode: pull-request\n`);
    const opened = await train(w);
    expect(opened.outputs).toMatchObject({
      departed: "false",
      reason: "awaiting-merge",
      slot: "2026-12-01",
    });
    expect(w.github.refs.has("refs/tags/v2.1.0")).toBe(false);
    const pull = [...w.github.pulls.values()][0];
    expect(pull?.title).toBe("release: train 2026-12-01");
    w.repo.git("fetch", "--quiet", "origin", "release/train-2026-12-01");
    const merged = w.repo.merge(
      "FETCH_HEAD",
      "Merge pull request #1 from wasmcloud/release/train-2026-12-01",
    );
    await w.push("main");
    const finished = await train(w, {}, { event: "push", runId: "5009" });
    expect(finished.outputs).toMatchObject({ departed: "true", slot: "2026-12-01" });
    expect(released(finished).map((item) => item.tag)).toEqual(["v2.1.0", "http-hello-v0.3.0"]);
    expect(w.tagCommit("v2.1.0")).toBe(merged);
  });
});

describe("the GITHUB_TOKEN caveat and dispatches (scenarios 17, 21)", () => {
  it("explains the token, dispatches publish workflows with versions, and pins previous_tag_name", async () => {
    const config = `${TRAIN_YML}release-notes: github\ndispatch:\n  - workflow: publish.yml\n    per-component: true\n    inputs:\n      component: "{name}"\n      version: "{version}"\n`;
    await using w = await world(config);
    w.github.addWorkflow({ name: "publish", path: ".github/workflows/publish.yml" });
    const run = await train(w);
    expect(run.outputs.departed).toBe("true");
    const notice = run.annotations.find((annotation) => annotation.level === "notice");
    expect(notice?.message).toMatch(
      /GITHUB_TOKEN start no other workflows.*dispatches publish\.yml itself/,
    );
    expect(w.sim.state.dispatches.map((dispatch) => [dispatch.ref, dispatch.inputs])).toEqual([
      ["v2.1.0", { component: "wasmcloud", version: "2.1.0" }],
      ["http-hello-v0.3.0", { component: "http-hello", version: "0.3.0" }],
    ]);
    const notes = w.sim.requestsFor("repos/generate-release-notes").map((request) => request.body);
    expect(notes).toEqual([
      expect.objectContaining({ tag_name: "v2.1.0", previous_tag_name: "v2.0.3" }),
      expect.objectContaining({
        tag_name: "http-hello-v0.3.0",
        previous_tag_name: "http-hello-v0.2.0",
      }),
    ]);
  });
});

describe("manual dispatch (scenario 4)", () => {
  it("forces an off-cycle departure with an exact version", async () => {
    await using w = await world();
    const run = await train(
      w,
      { now: "2026-12-05T12:00:00Z", force: "true", version: "2.5.0" },
      { event: "workflow_dispatch", runId: "7001" },
    );
    expect(run.outputs).toMatchObject({
      departed: "true",
      reason: "forced",
      slot: "run-7001",
    });
    expect(released(run).map((item) => `${item.name} ${item.version}`)).toEqual([
      "wasmcloud 2.5.0",
      "http-hello 0.3.0",
    ]);
  });

  it("names a forced train after its run, so a rerun days later reports it and departs nothing", async () => {
    await using w = await world();
    const dispatch = { event: "workflow_dispatch", runId: "7002" };
    // Forced while the 2026-12-01 slot is due; the rerun comes when no slot is due.
    const first = await train(w, { now: "2026-12-01T16:10:00Z", force: "true" }, dispatch);
    expect(first.outputs).toMatchObject({ departed: "true", reason: "forced", slot: "run-7002" });
    const before = w.sim.requests.length;
    const rerun = await train(
      w,
      { now: "2026-12-04T09:00:00Z", force: "true" },
      { ...dispatch, attempt: "2" },
    );
    expect(rerun.exitCode, rerun.stdout).toBe(0);
    expect(rerun.outputs).toEqual(first.outputs);
    expect(writesAfter(w, before)).toEqual([]);
    expect(markers(w)).toEqual(["refs/tags/train/run-7002"]);
  });
});

describe("pull requests and configuration errors (scenario 14)", () => {
  it("warns on the manifest of a component changed without a version bump", async () => {
    await using w = await world();
    const run = await train(w, {}, { event: "pull_request" });
    expect(run.exitCode).toBe(0);
    const warning = run.annotations.find(
      (annotation) => annotation.file === "examples/http-hello/Cargo.toml",
    );
    expect(warning).toMatchObject({ level: "warning", title: "train-release: unreleased changes" });
    expect(warning?.message).toContain("the next train releases 0.3.0");
    expect(JSON.parse(run.outputs.drift ?? "[]")).toHaveLength(2);
  });

  it("annotates a bad configuration at its line", async () => {
    await using w = await world();
    writeFileSync(
      join(w.repo.path, ".github/bad.yml"),
      "schedule:\n  anchor: 2026-05-05\n  every: fortnightly\n",
    );
    const run = await train(w, { config: ".github/bad.yml" });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]).toMatchObject({
      level: "error",
      file: ".github/bad.yml",
      line: 3,
      column: 10,
    });
  });
});
