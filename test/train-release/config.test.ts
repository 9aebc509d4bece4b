import { afterAll, describe, expect, it } from "vitest";
import { FileProblems } from "../../src/core/yaml-file.ts";
import { parseTrainConfig } from "../../src/train-release/config.ts";
import { LocalGit } from "../../src/train-release/git.ts";
import { planRelease } from "../../src/train-release/plan.ts";
import { runCli } from "../harness/runner.ts";
import { disposeTemplate, TRAIN_YML, wasmcloudCopy } from "./repos.ts";

afterAll(disposeTemplate);

const planAt = (repo: string) =>
  runCli(["train", "plan", "--repo", repo, "--now", "2026-12-01T16:00:00Z"]);

function problems(text: string): string[] {
  try {
    parseTrainConfig(".github/train.yml", text);
  } catch (thrown) {
    if (!(thrown instanceof FileProblems)) throw thrown;
    return thrown.problems.map((p) => `${p.position.line}:${p.position.column} ${p.message}`);
  }
  return [];
}

describe(".github/train.yml through the suite's config loader", () => {
  it("reports every problem of the schema at once, each at its line and column", async () => {
    const text = [
      "schedule:",
      "  anchor: 2026-05-05",
      "  every: 99999999999d",
      "  catch-up: soon",
      "mode: pr",
      "wait-for:",
      "  checks: [status-gate]",
      "  timeout: forever",
      "components:",
      "  - path: .",
      "    asets: [dist/*]",
      "colour: red",
    ].join("\n");
    expect(problems(text)).toEqual([
      "3:10 schedule.every: is '99999999999d', longer than ten years; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
      "4:13 schedule.catch-up: is 'soon'; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
      '5:7 mode: is \'pr\'; valid values: "tag", "pull-request"',
      "8:12 wait-for.timeout: is 'forever'; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
      "11:5 components[0]: unknown key 'asets'; did you mean 'assets'?; valid keys: path, name, kind, tag-prefix, skip, extra-tags, assets",
      "12:1 the file: unknown key 'colour'; valid keys: schedule, freeze, empty-train, mode, marker-prefix, pre-1.0, release-candidates, release-notes, bootstrap, pending-release, release-name, tag-message, changelog, kinds, commit, assets, wait-for, components, version-files, shared, ignore, dispatch",
    ]);
  });

  it("then every problem of meaning at once: dates, whole days, zones, windows and templates", async () => {
    const text = [
      "schedule:",
      "  anchor: 2026-02-30",
      "  every: 36h",
      "  timezone: Mars/Olympus",
      "  catch-up: 90s",
      "freeze: [2026-12-24..2026-12-01]",
      "release-name: 'v{verison}'",
      "commit:",
      "  branch: 'release/v{version} now'",
    ].join("\n");
    expect(problems(text)).toEqual([
      "2:11 schedule.anchor: is '2026-02-30', not a date of the calendar; use one like 2026-05-05",
      "3:10 schedule.every: is '36h'; trains leave on whole days: use whole days or weeks such as 7d, 14d or 2w (at most ten years)",
      "4:13 schedule.timezone: is 'Mars/Olympus'; use an IANA zone such as UTC or Europe/Berlin",
      "5:13 schedule.catch-up: is '90s'; scheduled runs often start an hour or more late, and a shorter window would call them missed: use at least 1h, such as 12h or 2d",
      "6:10 freeze: entry '2026-12-24..2026-12-01' is not a date (2026-12-24) or a range (2026-12-21..2027-01-03)",
      "7:15 release-name: is 'v{verison}'; unknown placeholder {verison}; use {name}, {version}, {tag}, {slot}, {major}, {minor}, {patch}, {previous}, {released}",
      "9:11 commit.branch: is 'release/v{version} now'; not a valid git ref name (no spaces, ~ ^ : ? * [ \\, '..', '@{', or a leading or trailing / or .)",
    ]);
  });

  it("reads the one duration grammar and the new settings with their defaults", async () => {
    const config = parseTrainConfig(
      ".github/train.yml",
      `${TRAIN_YML.replace("catch-up: 2d", "catch-up: 1h30m")}wait-for:\n  checks: status-gate\n  poll-interval: 90s\ncomponents:\n  - path: .\n    extra-tags: ["runtime-operator/v{version}", "v{major}"]\n    assets: dist/*\n`,
    );
    expect(config).toMatchObject({
      schedule: { catchUpMs: 5_400_000 },
      waitFor: { checks: ["status-gate"], timeoutMs: 3_600_000, pollIntervalMs: 90_000 },
      components: [
        { path: "", extraTags: ["runtime-operator/v{version}", "v{major}"], assets: ["dist/*"] },
      ],
      releaseName: "{tag}",
      tagMessage: "Release {tag}",
      pendingRelease: "wait",
      changelog: false,
      commit: { subject: "release: train {slot}", branch: "release/train-{slot}", signoff: false },
      assets: { attach: "now", bundles: "optional" },
      kinds: { example: ["examples/**", "**/examples/**"] },
    });
  });

  it("refuses a period beyond ten years with exit 2 at its line, never a stack", async () => {
    using repo = wasmcloudCopy();
    repo.write({ ".github/train.yml": "schedule:\n  anchor: 2026-05-05\n  every: 99999999999d\n" });
    const run = await planAt(repo.path);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(
      "status-gate train: .github/train.yml:3:10: schedule.every: is '99999999999d', longer than ten years; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m\n",
    );
  });
});

describe("a manifest that is not TOML", () => {
  it("names its file, line and column, in the plan and on the command line", async () => {
    using repo = wasmcloudCopy();
    repo.commit({
      message: "fix: broken manifest",
      files: { "crates/macros/Cargo.toml": '[package]\nname = "macros"\nversion = "0.3.1\n' },
    });
    await expect(
      planRelease(
        new LocalGit(repo.path),
        parseTrainConfig(".github/train.yml", TRAIN_YML),
        repo.head(),
      ),
    ).rejects.toThrow(/^crates\/macros\/Cargo\.toml:3:\d+: not valid TOML: /);
    const run = await planAt(repo.path);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(
      /^status-gate train: crates\/macros\/Cargo\.toml:3:\d+: not valid TOML: /,
    );
    expect(run.stderr).not.toContain("    at ");
  });
});
