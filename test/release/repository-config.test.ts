import { existsSync, globSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../harness/runner.ts";

// The files that keep this suite's own releases and pins going: Dependabot's configuration, the
// train's configuration and the release workflow's schedule agree with each other and the tree.

const read = (path: string) => parse(readFileSync(join(PROJECT_ROOT, path), "utf8"));

interface Update {
  "package-ecosystem": string;
  directory?: string;
  directories?: string[];
  cooldown?: { "default-days"?: number };
  "commit-message"?: { prefix?: string };
}
const dependabot = read(".github/dependabot.yml") as { version: number; updates: Update[] };
const directoriesOf = (update: Update) =>
  (update.directories ?? [update.directory ?? ""]).flatMap((pattern) =>
    pattern.includes("*")
      ? globSync(pattern.replace(/^\//, ""), { cwd: PROJECT_ROOT }).map((path) => `/${path}`)
      : [pattern],
  );
/** A `uses:` pinned to a commit SHA, in a workflow or an action.yml. */
const PINNED_USES = /uses:\s*[\w.-]+\/[\w./-]+@[0-9a-f]{40}/;

describe(".github/dependabot.yml", () => {
  it("updates GitHub Actions and npm, each after a cooldown", () => {
    expect(dependabot.version).toBe(2);
    const ecosystems = new Set(dependabot.updates.map((update) => update["package-ecosystem"]));
    expect(ecosystems).toEqual(new Set(["github-actions", "npm"]));
    for (const update of dependabot.updates) {
      expect(update.cooldown?.["default-days"]).toBeGreaterThanOrEqual(7);
    }
  });

  it("covers every folder whose workflows or action.yml pin an action by SHA, and only real folders", () => {
    const covered = dependabot.updates
      .filter((update) => update["package-ecosystem"] === "github-actions")
      .flatMap(directoriesOf);
    for (const directory of covered) {
      expect(existsSync(join(PROJECT_ROOT, directory)), directory).toBe(true);
    }
    const pinning = [
      ...globSync(".github/workflows/*.yml", { cwd: PROJECT_ROOT }).map(() => "/"),
      ...globSync("**/action.yml", { cwd: PROJECT_ROOT, exclude: ["node_modules/**"] })
        .filter((file) => PINNED_USES.test(readFileSync(join(PROJECT_ROOT, file), "utf8")))
        .map((file) => (file === "action.yml" ? "/" : `/${file.replace(/\/action\.yml$/, "")}`)),
    ];
    expect([...new Set(pinning)].filter((directory) => !covered.includes(directory))).toEqual([]);
  });

  it("ships a patch release for npm updates (dist/ bundles them), and none for this repository's CI", () => {
    const prefixOf = (match: (update: Update) => boolean) =>
      dependabot.updates.find(match)?.["commit-message"]?.prefix;
    expect(
      prefixOf(
        (update) => update.directory === "/" && update["package-ecosystem"] === "github-actions",
      ),
    ).toBe("ci(deps)");
    expect(prefixOf((update) => update["package-ecosystem"] === "npm")).toBe("fix(deps)");
  });
});

describe(".github/train.yml and the release workflow", () => {
  const train = read(".github/train.yml") as {
    schedule: { anchor: string; at: string; timezone: string };
    mode: string;
    components: { path: string; name: string; "tag-prefix": string }[];
  };
  const workflow = read(".github/workflows/release.yml") as {
    on: { schedule: { cron: string }[]; workflow_dispatch: { inputs: Record<string, unknown> } };
  };

  it("releases the package at the root, tagged vX.Y.Z, in tag mode", () => {
    expect(train.mode).toBe("tag");
    expect(train.components).toEqual([
      expect.objectContaining({ path: ".", name: "status-gate", "tag-prefix": "v" }),
    ]);
  });

  it("wakes the train on its departure weekday, at its departure time", () => {
    const anchor = new Date(`${train.schedule.anchor}T00:00:00Z`);
    const [hour, minute] = train.schedule.at.split(":").map(Number);
    expect(train.schedule.timezone).toBe("UTC");
    const [first] = workflow.on.schedule;
    expect(first?.cron).toBe(`${minute} ${hour} * * ${anchor.getUTCDay()}`);
  });

  it("can be started by hand with the train's force, bump, version and dry-run", () => {
    expect(Object.keys(workflow.on.workflow_dispatch.inputs).sort()).toEqual(
      ["bump", "dry-run", "force", "version"].sort(),
    );
  });
});
