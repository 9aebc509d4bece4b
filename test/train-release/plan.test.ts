import { afterAll, afterEach, describe, expect, it } from "vitest";
import { parseTrainConfig, type TrainConfig } from "../../src/train-release/config.ts";
import { findDrift } from "../../src/train-release/drift.ts";
import { LocalGit } from "../../src/train-release/git.ts";
import { planJson, planRelease, type ReleasePlan } from "../../src/train-release/plan.ts";
import {
  filesToEdit,
  releaseEdits,
  releaseMessage,
  writeReleaseCommit,
} from "../../src/train-release/release-commit.ts";
import { shallowClone, type TestRepository } from "../harness/git.ts";
import { crateToml, disposeTemplate, TRAIN_YML, wasmcloudCopy } from "./repos.ts";

const repos: TestRepository[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo[Symbol.dispose]();
});
afterAll(disposeTemplate);

function setUp(extraConfig = "") {
  const repo = wasmcloudCopy();
  repos.push(repo);
  const config = parseTrainConfig(".github/train.yml", TRAIN_YML + extraConfig);
  return { repo, config, git: new LocalGit(repo.path) };
}

const byName = (plan: ReleasePlan, name: string) => {
  const found = plan.components.find((item) => item.name === name);
  if (!found) throw new Error(`no component ${name} in ${plan.components.map((c) => c.name)}`);
  return found;
};

function plan(git: LocalGit, config: TrainConfig, manual = {}) {
  return planRelease(git, config, git.resolve("HEAD"), manual);
}

describe("component discovery (scenario 6)", () => {
  it("finds the co-versioned workspace group, member crates, examples and npm packages", async () => {
    const { git, config } = setUp();
    const found = (await plan(git, config)).components.map((item) => [
      item.name,
      item.kind,
      item.path,
      item.component.tagPrefix,
      item.version,
    ]);
    expect(found).toEqual([
      ["wasmcloud", "group", "", "v", "2.0.3"],
      ["macros", "crate", "crates/macros", "macros-v", "0.3.1"],
      ["blobby", "example", "examples/blobby", "blobby-v", "0.1.0"],
      ["http-hello", "example", "examples/http-hello", "http-hello-v", "0.2.0"],
      ["@wasmcloud/host", "package", "typescript/packages/host", "host-v", "1.4.0"],
    ]);
    const group = byName(await plan(git, config), "wasmcloud").component;
    expect(group.owns).toEqual(["", "crates/runtime", "crates/wash"]);
    expect(group.fields.map((field) => `${field.path}#${field.key}`)).toEqual([
      "Cargo.toml#workspace.package.version",
      "charts/runtime-operator/Chart.yaml#version",
      "charts/runtime-operator/Chart.yaml#appVersion",
    ]);
    expect(group.locks).toEqual([
      {
        path: "Cargo.lock",
        format: "cargo",
        packages: ["wasmcloud", "runtime", "wash"],
        memberPaths: [],
      },
    ]);
  });

  it("applies overrides of name, kind and tag prefix, and skips a component", async () => {
    const { git, config } = setUp(
      "components:\n  - path: examples/blobby\n    skip: true\n  - path: crates/macros\n    name: wasmcloud-macros\n    tag-prefix: macros/v\n",
    );
    const names = (await plan(git, config)).components.map(
      (item) => `${item.name}:${item.component.tagPrefix}`,
    );
    expect(names).toContain("wasmcloud-macros:macros/v");
    expect(names.some((name) => name.startsWith("blobby"))).toBe(false);
  });
});

describe("kinds from the folder's role (issue 16, 5)", () => {
  it("makes members of an example's own workspace examples, and configured folders too", async () => {
    const { repo, config } = setUp();
    repo.commit({
      message: "feat: grpc example and a template",
      files: {
        "examples/grpc/Cargo.toml": '[workspace]\nmembers = ["client", "server"]\n',
        "examples/grpc/client/Cargo.toml": crateToml("grpc-client", "0.1.0"),
        "examples/grpc/server/Cargo.toml": crateToml("grpc-server", "0.1.0"),
        "templates/hello/Cargo.toml": crateToml("hello-template", "0.1.0"),
      },
    });
    const git = new LocalGit(repo.path);
    const kinds = (result: ReleasePlan) =>
      Object.fromEntries(result.components.map((item) => [item.name, item.kind]));
    expect(kinds(await plan(git, config))).toMatchObject({
      "grpc-client": "example",
      "grpc-server": "example",
      "hello-template": "crate",
      macros: "crate",
    });
    const roles = parseTrainConfig(
      ".github/train.yml",
      `${TRAIN_YML}kinds:\n  example: ["examples/**", "templates/**"]\n`,
    );
    expect(kinds(await plan(git, roles))).toMatchObject({
      "hello-template": "example",
      "grpc-client": "example",
    });
  });
});

describe("changes by path ownership in local git (scenario 7)", () => {
  it("gives each commit to the component owning its files", async () => {
    const { repo, git, config } = setUp();
    repo.commit({
      message: "fix(http-hello): answer HEAD",
      files: { "examples/http-hello/src/lib.rs": "// fixed" },
    });
    repo.commit({
      message: "feat: wash dev --watch",
      files: { "crates/wash/src/lib.rs": "// watch" },
    });
    const result = await plan(git, config);
    expect(byName(result, "http-hello")).toMatchObject({
      departs: true,
      version: "0.2.1",
      how: "patch",
    });
    expect(byName(result, "wasmcloud")).toMatchObject({
      departs: true,
      version: "2.1.0",
      how: "minor",
    });
    expect(byName(result, "blobby")).toMatchObject({ departs: false, version: "0.1.0" });
    expect(byName(result, "macros").departs).toBe(false);
  });

  it("maps a shared input to the components the configuration says it affects", async () => {
    const { repo, git, config } = setUp();
    repo.commit({
      message: "fix: new toolchain",
      files: { "rust-toolchain.toml": '[toolchain]\nchannel = "1.91"\n' },
    });
    const departing = (await plan(git, config)).departing.map((item) => item.name).sort();
    expect(departing).toEqual(["@wasmcloud/host", "blobby", "http-hello", "macros", "wasmcloud"]);
  });

  it("ignores workflow changes by default", async () => {
    const { repo, git, config } = setUp();
    repo.commit({ message: "fix: workflow", files: { ".github/workflows/ci.yml": "on: push\n" } });
    expect((await plan(git, config)).departing).toEqual([]);
  });

  it("refuses a shallow checkout with the fix", async () => {
    const { repo } = setUp();
    const shallow = shallowClone(repo);
    repos.push(shallow);
    expect(() => new LocalGit(shallow.path).assertFullHistory()).toThrow(/shallow.*fetch-depth: 0/);
  });
});

describe("versions from conventional commits (scenario 8)", () => {
  it("applies Cargo's pre-1.0 rules and lists commits that do not parse", async () => {
    const { repo, git, config } = setUp();
    repo.commit({
      message: "feat(macros): derive more",
      files: { "crates/macros/src/lib.rs": "// a" },
    });
    repo.commit({ message: "Update blobby", files: { "examples/blobby/src/lib.rs": "// b" } });
    const result = await plan(git, config);
    expect(byName(result, "macros")).toMatchObject({ version: "0.3.2", how: "patch" });
    expect(byName(result, "blobby")).toMatchObject({
      version: "0.1.1",
      unparsed: ["Update blobby"],
    });
    repo.commit({
      message: "refactor(macros)!: rename attributes",
      files: { "crates/macros/src/lib.rs": "// c" },
    });
    expect(byName(await plan(git, config), "macros")).toMatchObject({
      version: "0.4.0",
      how: "minor",
    });
    const semverConfig = parseTrainConfig(".github/train.yml", `${TRAIN_YML}pre-1.0: semver\n`);
    expect(byName(await plan(git, semverConfig), "macros")).toMatchObject({ version: "1.0.0" });
  });

  it("reads a BREAKING CHANGE footer as major", async () => {
    const { repo, git, config } = setUp();
    repo.commit({
      message: "fix: config loader\n\nBREAKING CHANGE: the file moved",
      files: { "crates/wash/src/lib.rs": "// d" },
    });
    expect(byName(await plan(git, config), "wasmcloud")).toMatchObject({
      version: "3.0.0",
      how: "major",
    });
  });
});

describe("empty trains (scenario 9)", () => {
  it("leaves nothing when only ci, docs and chore commits landed", async () => {
    const { repo, git, config } = setUp();
    repo.commit({ message: "docs: explain wash", files: { "crates/wash/README.md": "docs" } });
    repo.commit({ message: "chore: tidy", files: { "examples/blobby/src/lib.rs": "// tidy" } });
    repo.commit({ message: "ci: cache", files: { "src/lib.rs": "// ci" } });
    expect((await plan(git, config)).departing).toEqual([]);
  });

  it("releases a patch of everything when the policy is always", async () => {
    const { git } = setUp();
    const always = parseTrainConfig(".github/train.yml", `${TRAIN_YML}empty-train: always\n`);
    expect(planJson(await plan(git, always)).map((item) => `${item.name} ${item.version}`)).toEqual(
      [
        "wasmcloud 2.0.4",
        "macros 0.3.2",
        "blobby 0.1.1",
        "http-hello 0.2.1",
        "@wasmcloud/host 1.4.1",
      ],
    );
  });
});

describe("hand-bumped versions (scenario 10)", () => {
  it("takes a version bumped by hand as the release version", async () => {
    const { repo, git, config } = setUp();
    repo.commit({
      message: "feat(blobby)!: new storage API",
      files: { "examples/blobby/Cargo.toml": crateToml("blobby", "0.5.0") },
    });
    expect(byName(await plan(git, config), "blobby")).toMatchObject({
      version: "0.5.0",
      how: "manual",
      departs: true,
    });
  });
});

describe("release candidates (scenario 11)", () => {
  it("refuses, cuts the next candidate or finalizes as configured", async () => {
    const { repo, git, config } = setUp();
    repo.commit({ message: "feat: rc work", files: { "crates/wash/src/lib.rs": "// rc" } });
    repo.tag("v2.1.0-rc.2");
    repo.commit({ message: "fix: rc fix", files: { "crates/wash/src/lib.rs": "// rc fix" } });
    repo.commit({ message: "fix: hello", files: { "examples/http-hello/src/lib.rs": "// h" } });
    // The candidate in flight holds back its own component only.
    const refused = await plan(git, config);
    expect(byName(refused, "wasmcloud")).toMatchObject({
      departs: false,
      how: "blocked",
      version: "2.1.0-rc.2",
      blocked: expect.stringMatching(
        /release candidate 2\.1\.0-rc\.2 in flight.*version wasmcloud=2\.1\.0/,
      ),
    });
    expect(refused.departing.map((item) => `${item.name} ${item.version}`)).toEqual([
      "http-hello 0.2.1",
    ]);
    const nextRc = parseTrainConfig(
      ".github/train.yml",
      `${TRAIN_YML}release-candidates: next-rc\n`,
    );
    expect(byName(await plan(git, nextRc), "wasmcloud")).toMatchObject({
      version: "2.1.0-rc.3",
      how: "next-rc",
    });
    const finalize = parseTrainConfig(
      ".github/train.yml",
      `${TRAIN_YML}release-candidates: finalize\n`,
    );
    expect(byName(await plan(git, finalize), "wasmcloud")).toMatchObject({
      version: "2.1.0",
      how: "finalize",
    });
  });
});

describe("semver tag order (scenario 12)", () => {
  it("takes v2.10.0 over v2.9.0 as the previous release", async () => {
    const { repo, git, config } = setUp();
    repo.commit({ message: "fix: a", files: { "crates/wash/src/lib.rs": "// a" } });
    repo.tag("v2.10.0");
    repo.commit({ message: "fix: b", files: { "crates/wash/src/lib.rs": "// b" } });
    repo.tag("v2.9.0");
    repo.commit({ message: "fix: c", files: { "crates/wash/src/lib.rs": "// c" } });
    expect(byName(await plan(git, config), "wasmcloud")).toMatchObject({
      previous: "2.10.0",
      previousTag: "v2.10.0",
      version: "2.10.1",
    });
  });
});

describe("new components and the bootstrap commit (scenario 13)", () => {
  it("releases a new component at its manifest version, scanning only after bootstrap", async () => {
    const { repo, git } = setUp();
    const bootstrap = repo.commit({
      message: "Import old history",
      files: { "examples/kv/Cargo.toml": crateToml("kv", "0.7.0"), "examples/kv/src/lib.rs": "" },
    });
    const config = parseTrainConfig(".github/train.yml", `${TRAIN_YML}bootstrap: ${bootstrap}\n`);
    expect(byName(await plan(git, config), "kv")).toMatchObject({
      departs: false,
      previous: undefined,
      version: "0.7.0",
    });
    repo.commit({
      message: "feat(kv): first feature",
      files: { "examples/kv/src/lib.rs": "// kv" },
    });
    expect(byName(await plan(git, config), "kv")).toMatchObject({
      departs: true,
      how: "initial",
      version: "0.7.0",
      tag: "kv-v0.7.0",
    });
  });
});

describe("drift on pull requests (scenario 14)", () => {
  it("reports an example that changed without a version bump", async () => {
    const { repo, git, config } = setUp();
    repo.commit({
      message: "feat(http-hello): stream bodies",
      files: { "examples/http-hello/src/lib.rs": "// stream" },
    });
    repo.commit({
      message: "feat(blobby): hand bump",
      files: { "examples/blobby/Cargo.toml": crateToml("blobby", "0.2.0") },
    });
    const { drift } = await findDrift(git, config, git.resolve("HEAD"));
    expect(drift).toEqual([
      {
        name: "http-hello",
        path: "examples/http-hello",
        manifest: "examples/http-hello/Cargo.toml",
        released: "0.2.0",
        commits: 1,
        next: "0.2.1",
      },
    ]);
  });
});

describe("manual dispatch (scenario 4)", () => {
  it("uses the chosen bump or an exact version", async () => {
    const { repo, git, config } = setUp();
    repo.commit({ message: "fix: small", files: { "crates/wash/src/lib.rs": "// s" } });
    expect(byName(await plan(git, config, { bump: "major" }), "wasmcloud").version).toBe("3.0.0");
    const exact = await plan(git, config, {
      versions: new Map([
        ["*", "2.5.0"],
        ["blobby", "0.9.0"],
      ]),
    });
    expect(byName(exact, "wasmcloud")).toMatchObject({ version: "2.5.0", how: "exact" });
    expect(byName(exact, "blobby")).toMatchObject({ version: "0.9.0", departs: true });
    await expect(plan(git, config, { versions: new Map([["*", "2.0.1"]]) })).rejects.toThrow(
      /not above its released 2\.0\.3/,
    );
  });
});

describe("the release commit (scenario 15)", () => {
  it("changes each bumped manifest, chart and lock entry in place and nothing else", async () => {
    const { repo, git, config } = setUp();
    repo.commit({ message: "feat: wash plugins", files: { "crates/wash/src/lib.rs": "// p" } });
    repo.commit({
      message: "fix(http-hello): x",
      files: { "examples/http-hello/src/lib.rs": "// x" },
    });
    repo.commit({
      message: "fix(host): y",
      files: { "typescript/packages/host/index.js": "// y" },
    });
    const cutoff = git.resolve("HEAD");
    const result = await planRelease(git, config, cutoff);
    const originals = git.readBlobs(cutoff, filesToEdit(result.departing, result.cargoManifests));
    const edits = releaseEdits(
      result.departing,
      (path) => originals.get(path),
      result.cargoManifests,
    );
    const identity = {
      name: "bot",
      email: "bot@example.com",
      date: new Date("2026-12-01T16:00:00Z"),
    };
    const sha = writeReleaseCommit(
      git,
      cutoff,
      edits,
      releaseMessage("2026-12-01", result.departing),
      identity,
    );
    expect(
      writeReleaseCommit(
        git,
        cutoff,
        edits,
        releaseMessage("2026-12-01", result.departing),
        identity,
      ),
    ).toBe(sha);
    expect(repo.git("diff", "--name-only", cutoff, sha).split("\n")).toEqual([
      "Cargo.lock",
      "Cargo.toml",
      "charts/runtime-operator/Chart.yaml",
      "examples/http-hello/Cargo.lock",
      "examples/http-hello/Cargo.toml",
      "typescript/package-lock.json",
      "typescript/packages/host/package.json",
    ]);
    const changed = repo
      .git("diff", "--unified=0", cutoff, sha)
      .split("\n")
      .filter((line) => /^[-+][^-+]/.test(line));
    expect(changed).toEqual([
      '-version = "2.0.3"',
      '+version = "2.1.0"',
      '- "wash 2.0.3",',
      '+ "wash 2.1.0",',
      '-version = "2.0.3"',
      '+version = "2.1.0"',
      '-version = "2.0.3"',
      '+version = "2.1.0"',
      '-version = "2.0.3" # the train bumps this',
      '+version = "2.1.0" # the train bumps this',
      "-version: 2.0.3",
      '-appVersion: "2.0.3"',
      "+version: 2.1.0",
      '+appVersion: "2.1.0"',
      '-version = "0.2.0"',
      '+version = "0.2.1"',
      '-version = "0.2.0"',
      '+version = "0.2.1"',
      '-      "version": "1.4.0"',
      '+      "version": "1.4.1"',
      '-  "version": "1.4.0",',
      '+  "version": "1.4.1",',
    ]);
    expect(repo.git("status", "--porcelain")).toBe("");
  });
});

describe("path dependencies in the release commit (scenario 15)", () => {
  it("moves a member's requirement on a crate whose new version it no longer accepts", async () => {
    const { repo, git, config } = setUp();
    const washToml = repo.git("show", "HEAD:crates/wash/Cargo.toml");
    repo.commit({
      message: "refactor(macros)!: new attribute syntax",
      files: {
        "crates/macros/src/lib.rs": "// v2",
        "crates/wash/Cargo.toml": `${washToml}\nmacros = { path = "../macros", version = "0.3.1" }\n`,
      },
    });
    const result = await plan(git, config);
    const originals = git.readBlobs(
      result.cutoff,
      filesToEdit(result.departing, result.cargoManifests),
    );
    const edits = releaseEdits(
      result.departing,
      (path) => originals.get(path),
      result.cargoManifests,
    );
    expect(edits.get("crates/wash/Cargo.toml")).toContain(
      'macros = { path = "../macros", version = "0.4.0" }',
    );
  });
});
