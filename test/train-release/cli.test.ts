import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parseTrainConfig } from "../../src/train-release/config.ts";
import { LocalGit } from "../../src/train-release/git.ts";
import { planJson, planRelease } from "../../src/train-release/plan.ts";
import type { TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";
import { disposeTemplate, TRAIN_YML, wasmcloudCopy } from "./repos.ts";

const repos: TestRepository[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo[Symbol.dispose]();
});
afterAll(disposeTemplate);

describe("status-gate train plan (scenario 23)", () => {
  it("prints the same plan as the action computes, as JSON, and changes nothing", async () => {
    const repo = wasmcloudCopy();
    repos.push(repo);
    repo.commit({
      message: "feat(wash): plugins",
      files: { "crates/wash/src/lib.rs": "// p" },
      date: "2026-11-20T10:00:00Z",
    });
    repo.commit({
      message: "Tweak blobby",
      files: { "examples/blobby/src/lib.rs": "// t" },
      date: "2026-11-21T10:00:00Z",
    });
    const head = repo.head();
    const run = await runCli([
      "train",
      "plan",
      "--repo",
      repo.path,
      "--now",
      "2026-12-01T16:30:00Z",
      "--format",
      "json",
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const git = new LocalGit(repo.path);
    const expected = planJson(
      await planRelease(git, parseTrainConfig(".github/train.yml", TRAIN_YML), head),
    );
    expect(report).toEqual({
      due: true,
      slot: "2026-12-01",
      reason: "scheduled",
      next: null,
      cutoff: head,
      markers: { source: "this clone's tags", count: 0, latest: null },
      components: expected,
    });
    expect(
      report.components.find((item: { name: string }) => item.name === "blobby"),
    ).toMatchObject({
      previous: "0.1.0",
      version: "0.1.1",
      bump: "patch",
      commits: 1,
      unparsed: ["Tweak blobby"],
    });
    expect(repo.head()).toBe(head);
    expect(repo.git("status", "--porcelain")).toBe("");
    expect(repo.git("tag", "--list", "train/*")).toBe("");
  });

  it("says when no train is due and prints text by default", async () => {
    const repo = wasmcloudCopy();
    repos.push(repo);
    const run = await runCli([
      "train",
      "plan",
      "--repo",
      repo.path,
      "--now",
      "2026-12-03T16:30:00Z",
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain("no departure: missed (slot 2026-12-01); next train 2026-12-15");
    expect(run.stdout).toMatch(/blobby +example +0\.1\.0 stays/);
  });

  it("exits 2 with the reason for a bad time or a missing configuration", async () => {
    const repo = wasmcloudCopy();
    repos.push(repo);
    const badTime = await runCli(["train", "plan", "--repo", repo.path, "--now", "tuesday"]);
    expect(badTime).toMatchObject({ exitCode: 2 });
    expect(badTime.stderr).toContain("--now is 'tuesday'");
    const missing = await runCli(["train", "plan", "--repo", repo.path, "--config", "nope.yml"]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain("nope.yml does not exist");
  });

  it("refuses a --now without an offset instead of reading it in this machine's zone", async () => {
    const repo = wasmcloudCopy();
    repos.push(repo);
    const run = await runCli(["train", "plan", "--repo", repo.path, "--now", "2026-12-01T16:00"]);
    expect(run).toMatchObject({ exitCode: 2, stdout: "" });
    expect(run.stderr).toContain(
      "--now is '2026-12-01T16:00', which has no offset and would be read in this machine's time zone; add Z or an offset, e.g. 2026-12-01T16:00Z",
    );
    const help = await runCli(["train", "--help"]);
    expect(help.stdout).toMatch(/--now <ISO time> +the moment to plan for[^-]*with Z or an offset/);
  });
});
