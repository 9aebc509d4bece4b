import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { disposeTemplate } from "./repos.ts";
import { landedWorld, markers, WRITE } from "./trains.ts";
import type { TrainWorld } from "./world.ts";

// `status-gate train depart` does what the action does against a local bare remote, and with
// --dry-run prints every write in order; `train plan` reads departures from the clone's tags.

afterAll(disposeTemplate);

function depart(w: TrainWorld, args: string[], token = true) {
  return runCli(
    ["train", "depart", "--repo", w.repo.path, "--now", "2026-12-01T16:00:00Z", ...args],
    {
      env: token
        ? {
            GITHUB_API_URL: w.sim.url,
            GITHUB_TOKEN: w.sim.token,
            GITHUB_REPOSITORY: "wasmcloud/wasmcloud",
          }
        : {},
    },
  );
}

const EXPECTED_WRITES = [
  /^create departure marker train\/2026-12-01 at [0-9a-f]{12}$/,
  /^create succession lock train\/after\/none for train\/2026-12-01$/,
  /^push [0-9a-f]{12} to main$/,
  /^create tag v2\.1\.0 at [0-9a-f]{12}$/,
  /^create draft release v2\.1\.0$/,
  /^publish release v2\.1\.0$/,
  /^create tag http-hello-v0\.3\.0 at [0-9a-f]{12}$/,
  /^create draft release http-hello-v0\.3\.0$/,
  /^publish release http-hello-v0\.3\.0$/,
];

describe("status-gate train depart", () => {
  it("--dry-run prints every write in order and writes nothing, with a token or with git alone", async () => {
    await using w = await landedWorld();
    w.checkout();
    const originMain = w.repo.git("--git-dir", w.origin, "rev-parse", "main");
    const json = await depart(w, ["--dry-run", "--format", "json"]);
    expect(json.exitCode, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      departed: false,
      slot: "2026-12-01",
      reason: "dry-run",
      read_github: true,
    });
    expect(report.writes).toHaveLength(EXPECTED_WRITES.length);
    report.writes.forEach((write: string, index: number) => {
      expect(write).toMatch(EXPECTED_WRITES[index] as RegExp);
    });
    expect(w.sim.requests.filter((request) => WRITE.test(request.method))).toEqual([]);

    const gitOnly = await depart(w, ["--dry-run"], false);
    expect(gitOnly.exitCode, gitOnly.stderr).toBe(0);
    expect(gitOnly.stdout).toContain("train 2026-12-01: dry-run");
    expect(gitOnly.stdout).toContain(
      "without a token GitHub's releases and pull requests are not read",
    );
    expect(gitOnly.stdout).toMatch(/ {2}1\. create departure marker train\/2026-12-01 at/);
    expect(gitOnly.stdout).toMatch(
      / {2}2\. create succession lock train\/after\/none for train\/2026-12-01\n/,
    );
    expect(gitOnly.stdout).toMatch(/ {2}9\. publish release http-hello-v0\.3\.0\n/);
    expect(w.repo.git("--git-dir", w.origin, "rev-parse", "main")).toBe(originMain);
    expect(w.repo.git("--git-dir", w.origin, "tag", "--list", "train/*")).toBe("");
  });

  it("departs like the action, and train plan then reads the departure from the clone's tags", async () => {
    await using w = await landedWorld();
    w.checkout();
    const refused = await depart(w, [], false);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(
      "status-gate train: departing writes to GitHub: give --token (or set GITHUB_TOKEN), or add --dry-run",
    );
    const run = await depart(w, ["--format", "json"]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      departed: true,
      reason: "scheduled",
      slot: "2026-12-01",
    });
    expect(markers(w)).toEqual(["refs/tags/train/2026-12-01"]);
    expect(w.tagCommit("v2.1.0")).toBe(w.repo.git("--git-dir", w.origin, "rev-parse", "main"));

    const plan = (now: string) =>
      runCli(["train", "plan", "--repo", w.repo.path, "--now", now, "--format", "json"]);
    const unaware = JSON.parse((await plan("2026-12-05T12:00:00Z")).stdout);
    expect(unaware).toMatchObject({ reason: "missed", markers: { count: 0, latest: null } });
    const text = await runCli([
      "train",
      "plan",
      "--repo",
      w.repo.path,
      "--now",
      "2026-12-05T12:00:00Z",
    ]);
    expect(text.stdout).toContain(
      "no departure markers (train/*) in this clone's tags: if trains departed, fetch them (git fetch --tags)",
    );
    w.checkout();
    const aware = JSON.parse((await plan("2026-12-05T12:00:00Z")).stdout);
    expect(aware).toMatchObject({
      due: false,
      reason: "not-due",
      next: "2026-12-15",
      markers: { count: 1, latest: "train/2026-12-01" },
    });
    const sameSlot = JSON.parse((await plan("2026-12-01T18:00:00Z")).stdout);
    expect(sameSlot).toMatchObject({ due: false, reason: "already-departed", slot: "2026-12-01" });
  });
});
