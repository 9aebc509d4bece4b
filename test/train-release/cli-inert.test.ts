import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";
import { disposeTemplate, wasmcloudCopy } from "./repos.ts";

// Inside Actions the CLI's output is the step's log: a commit subject full of workflow commands
// must be shown, never run.

const origins: string[] = [];
afterAll(() => {
  disposeTemplate();
  for (const origin of origins) rmSync(origin, { recursive: true, force: true });
});

function hostileRepository() {
  const repo = wasmcloudCopy();
  repo.commit({
    message: HOSTILE,
    files: { "examples/blobby/src/lib.rs": "// hostile" },
    author: { name: "::warning::author", email: "a@example.com" },
    date: "2026-11-20T10:00:00Z",
  });
  const origin = mkdtempSync(join(tmpdir(), "sg-inert-origin-"));
  origins.push(origin);
  execFileSync("git", ["clone", "--quiet", "--bare", repo.path, origin]);
  repo.git("remote", "add", "origin", origin);
  return repo;
}

describe("train commands on a hostile commit subject, inside Actions", () => {
  it.each([
    ["plan", "text"],
    ["plan", "json"],
    ["depart", "text"],
    ["depart", "json"],
  ])("train %s --format %s runs no command", async (subcommand, format) => {
    using repo = hostileRepository();
    const args = [
      "train",
      subcommand,
      "--repo",
      repo.path,
      "--now",
      "2026-12-01T16:00:00Z",
      "--format",
      format,
    ];
    const result = await runCli(subcommand === "depart" ? [...args, "--dry-run"] : args, {
      env: IN_ACTIONS,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(executedCommands(result)).toEqual([]);
    expect(result.stdout).not.toContain("\u202E");
    if (format === "json") {
      const text = JSON.stringify(JSON.parse(result.stdout));
      expect(text).toContain(
        subcommand === "plan" ? "::error file=a.yml" : "create tag blobby-v0.1.1",
      );
    } else if (subcommand === "plan") {
      expect(result.stdout).toContain("::set-output name=result::success");
    }
  });
});
