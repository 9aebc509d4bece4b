import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanup, runAction } from "../harness/runner.ts";
import { disposeTemplate, TRAIN_YML } from "./repos.ts";
import { landedWorld, released, train } from "./trains.ts";
import type { TrainWorld } from "./world.ts";

// Issue 16, 7: with immutable releases nothing can be attached after publishing, so assets (and
// their Sigstore bundles, which attest-oci's `subject-path` writes as `<file>.sigstore.json`) go
// on the draft, and only then is it published.

afterAll(disposeTemplate);

const ASSETS = (attach: "now" | "later", bundles = "required") =>
  `${TRAIN_YML}components:\n  - path: .\n    assets: ["dist/wash-*"]\nassets:\n  attach: ${attach}\n  bundles: ${bundles}\n`;

/** Binaries and their bundles, as a build job and attest-oci leave them. */
function build(w: TrainWorld, names: string[], bundles = true) {
  const dist = join(w.repo.path, "dist");
  mkdirSync(dist, { recursive: true });
  for (const name of names) {
    writeFileSync(join(dist, name), `binary ${name}\n`);
    if (bundles) writeFileSync(join(dist, `${name}.sigstore.json`), `{"bundle":"${name}"}\n`);
  }
}

async function attachStep(w: TrainWorld, inputs: Record<string, string>) {
  const run = await runAction({
    action: "actions/train-release",
    workspace: w.repo.path,
    apiUrl: w.sim.url,
    token: w.sim.token,
    inputs,
    event: { name: "schedule", payload: {} },
    env: { GITHUB_RUN_ID: "9901" },
  });
  cleanup(run);
  return run;
}

const assetNames = (w: TrainWorld, tag: string) =>
  w.github.releases.find((release) => release.tagName === tag)?.assets.map((asset) => asset.name);

describe("assets attached before publishing, with immutable releases (issue 16, 7)", () => {
  it("uploads each file and its bundle to the draft, then publishes it", async () => {
    await using w = await landedWorld(ASSETS("now"));
    w.github.immutableReleases = true;
    build(w, ["wash-x86_64-unknown-linux-gnu", "wash-aarch64-apple-darwin"]);
    const run = await train(w);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(assetNames(w, "v2.1.0")).toEqual([
      "wash-aarch64-apple-darwin",
      "wash-aarch64-apple-darwin.sigstore.json",
      "wash-x86_64-unknown-linux-gnu",
      "wash-x86_64-unknown-linux-gnu.sigstore.json",
    ]);
    const release = w.github.releases.find((item) => item.tagName === "v2.1.0");
    expect(release?.assets[0]?.data.toString()).toBe("binary wash-aarch64-apple-darwin\n");
    // Every upload came while it was a draft; publishing was the last write to it.
    const toRelease = w.sim.requests.filter((request) =>
      request.path.includes(`/releases/${release?.id}`),
    );
    expect(toRelease.map((request) => request.operationId)).toEqual([
      "repos/upload-release-asset",
      "repos/upload-release-asset",
      "repos/upload-release-asset",
      "repos/upload-release-asset",
      "repos/update-release",
    ]);
    const shape = await fetch(`${w.sim.url}/repos/wasmcloud/wasmcloud/releases/${release?.id}`, {
      headers: { authorization: `token ${w.sim.token}` },
    }).then((response) => response.json() as Promise<{ immutable: boolean; draft: boolean }>);
    expect(shape).toMatchObject({ immutable: true, draft: false });
    // The example has no assets: published at once.
    expect(released(run).map((item) => `${item.tag} ${item.draft}`)).toEqual([
      "v2.1.0 false",
      "http-hello-v0.3.0 false",
    ]);
  });

  it("keeps the draft unpublished when its files or a required bundle are missing", async () => {
    await using w = await landedWorld(ASSETS("now"));
    w.github.immutableReleases = true;
    const nothing = await train(w);
    expect(nothing.exitCode).toBe(1);
    expect(nothing.annotations.find((a) => a.level === "error")?.message).toContain(
      "no files to attach to release v2.1.0: the asset globs matched nothing",
    );
    build(w, ["wash-x86_64-unknown-linux-gnu"], false);
    const run = await train(w);
    expect(run.exitCode).toBe(1);
    expect(run.annotations.find((a) => a.level === "error")?.message).toMatch(
      /no Sigstore bundle beside wash-x86_64-unknown-linux-gnu .*attest-oci with subject-path/,
    );
    expect(w.github.releases.find((item) => item.tagName === "v2.1.0")?.draft).toBe(true);
  });

  it("leaves drafts for the attach step of later jobs, which attach, publish, and then refuse to attach more", async () => {
    await using w = await landedWorld(ASSETS("later"));
    w.github.immutableReleases = true;
    const run = await train(w);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.outputs.departed).toBe("true");
    expect(released(run).map((item) => `${item.tag} ${item.draft}`)).toEqual([
      "v2.1.0 true",
      "http-hello-v0.3.0 false",
    ]);
    const handle = JSON.parse(run.outputs.attach ?? "");
    expect(handle).toMatchObject({
      slot: "2026-12-01",
      bundles: "required",
      releases: [{ name: "wasmcloud", tag: "v2.1.0", assets: ["dist/wash-*"] }],
    });

    // A cron fire before the assets came: the train is not finished, so it says so again.
    const again = await train(w, { now: "2026-12-01T22:00:00Z" }, { runId: "5002" });
    expect(again.outputs).toMatchObject({ departed: "true", reason: "resumed" });
    expect(JSON.parse(again.outputs.attach ?? "")).toEqual(handle);

    // Two matrix jobs attach their builds; the last step publishes.
    build(w, ["wash-x86_64-unknown-linux-gnu"]);
    const linux = await attachStep(w, {
      attach: run.outputs.attach ?? "",
      assets: "dist/wash-x86_64-*",
    });
    expect(linux.exitCode, linux.stdout).toBe(0);
    expect(linux.outputs.attached).toBe("2");
    build(w, ["wash-aarch64-apple-darwin"]);
    const mac = await attachStep(w, {
      attach: run.outputs.attach ?? "",
      assets: "dist/wash-aarch64-*",
    });
    // A re-run of a matrix job finds its files there already.
    const linuxAgain = await attachStep(w, {
      attach: run.outputs.attach ?? "",
      assets: "dist/wash-x86_64-*",
    });
    expect(linuxAgain.exitCode, linuxAgain.stdout).toBe(0);
    expect(linuxAgain.outputs.attached).toBe("0");
    expect(mac.outputs.attached).toBe("2");
    expect(w.github.releases.find((item) => item.tagName === "v2.1.0")?.draft).toBe(true);
    const publish = await attachStep(w, { attach: run.outputs.attach ?? "", publish: "true" });
    expect(publish.exitCode, publish.stdout).toBe(0);
    expect(JSON.parse(publish.outputs.published ?? "[]")).toEqual([
      {
        name: "wasmcloud",
        tag: "v2.1.0",
        url: "https://github.com/wasmcloud/wasmcloud/releases/tag/v2.1.0",
      },
    ]);
    expect(assetNames(w, "v2.1.0")).toHaveLength(4);

    // Published and immutable: a late file is refused, and nothing changes.
    build(w, ["wash-s390x-unknown-linux-gnu"]);
    const late = await attachStep(w, {
      attach: run.outputs.attach ?? "",
      assets: "dist/wash-s390x-*",
    });
    expect(late.exitCode).toBe(1);
    expect(late.annotations[0]?.message).toMatch(
      /release v2\.1\.0 is already published and immutable, without wash-s390x-unknown-linux-gnu/,
    );
    expect(assetNames(w, "v2.1.0")).toHaveLength(4);
    // Finished: the next run reports it.
    const done = await train(w, { now: "2026-12-01T23:00:00Z" }, { runId: "5003" });
    expect(done.outputs).toMatchObject({
      departed: "false",
      reason: "already-departed",
      attach: "",
    });
  });
});
