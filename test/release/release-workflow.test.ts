import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestRepository } from "../harness/git.ts";
import { DIST, PROJECT_ROOT, runCli } from "../harness/runner.ts";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";
import { type TrainWorld, trainWorld } from "../train-release/world.ts";
import { type LocalRegistry, serveOnePackage } from "./registry.ts";
import { failedSteps, type JobResult, runWorkflow } from "./workflow-runner.ts";

// A dry run of .github/workflows/release.yml, through the harness: this repository's files in a
// real git repository with a local bare origin, the GitHub simulator as github.com, Sigstore's
// mock services as Fulcio and the timestamp authority, a local npm registry as npmjs.org.

const REPOSITORY = "wasmcloud/status-gate";
const WORKFLOW = ".github/workflows/release.yml";
const MANIFEST = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));
const VERSION = MANIFEST.version as string;

/** This repository as it is now (dist/ from the build under test) in a new git repository. */
function suiteRepository(): TestRepository {
  const repo = new TestRepository();
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter((file) => file && !file.startsWith("dist/") && existsSync(join(PROJECT_ROOT, file)));
  for (const file of files) {
    mkdirSync(dirname(join(repo.path, file)), { recursive: true });
    cpSync(join(PROJECT_ROOT, file), join(repo.path, file));
  }
  cpSync(DIST, join(repo.path, "dist"), { recursive: true });
  repo.git("add", "-A");
  repo.git("commit", "--quiet", "-m", "feat: the suite, ready for its first release");
  return repo;
}

/**
 * GitHub's git side shows the refs its API made: tags the train created through the API (and
 * moved) appear in the origin that checkouts clone, pointing at their commits.
 */
function syncTags(w: TrainWorld): void {
  for (const ref of w.github.refs.keys()) {
    if (!ref.startsWith("refs/tags/")) continue;
    const commit = w.github.resolve(ref)?.sha;
    if (commit) w.repo.git("--git-dir", w.origin, "update-ref", ref, commit);
  }
}

/**
 * The README's command that verifies a release file with this suite's CLI, as arguments of
 * `status-gate` for `file` (the README names v1.0.0's tarball).
 */
function readmeVerifyCommand(file: string): string[] {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const command =
    /^\$ npx @wasmcloud\/status-gate (attest verify --file (?:[^\n]*\\\n)*[^\n]*)/m.exec(
      readme,
    )?.[1];
  if (!command) throw new Error("the README shows no `attest verify --file` command");
  const args = command.replace(/\\\n/g, " ").trim().split(/\s+/);
  const at = args.indexOf("--file") + 1;
  expect(args[at]).toMatch(/^status-gate-v\d+\.\d+\.\d+\.tar\.gz$/);
  args[at] = file;
  return args;
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

let world: TrainWorld;
let sigstore: SigstoreHarness;
let npm: LocalRegistry;
let trustedRoot: string;
const folders: string[] = [];

beforeAll(async () => {
  world = await trainWorld(suiteRepository(), { repository: REPOSITORY });
  sigstore = await startSigstoreHarness();
  const trustDir = mkdtempSync(join(tmpdir(), "sg-trust-"));
  folders.push(trustDir);
  trustedRoot = sigstore.writeTrustedRoot(trustDir);
  npm = await serveOnePackage(MANIFEST);
}, 60_000);

afterAll(async () => {
  await world?.[Symbol.asyncDispose]();
  await sigstore?.close();
  await npm?.[Symbol.asyncDispose]();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** One run of the release workflow, started by hand with `force`, as run `runId`. */
async function release(runId: string, inputs: Record<string, unknown> = { force: true }) {
  const sha = world.repo.git("--git-dir", world.origin, "rev-parse", "main");
  const claims = githubClaims({
    repository: REPOSITORY,
    workflow: WORKFLOW,
    ref: "refs/heads/main",
    sha,
    runId: Number(runId),
    eventName: "workflow_dispatch",
  });
  const linkModules = {
    reason: "no registry at test time: the packages of this checkout's lock file are linked",
    script: (original: string) => {
      expect(original).toBe("npm ci --no-audit --no-fund");
      return `ln -s ${JSON.stringify(join(PROJECT_ROOT, "node_modules"))} node_modules`;
    },
  };
  const jobs = await runWorkflow({
    workflow: join(world.repo.path, WORKFLOW),
    event: { name: "workflow_dispatch", payload: { inputs }, inputs },
    ref: "refs/heads/main",
    sha,
    runId,
    repository: REPOSITORY,
    origin: world.origin,
    apiUrl: world.sim.url,
    token: world.sim.token,
    env: sigstore.runnerEnv(claims),
    registries: { "https://registry.npmjs.org": npm.url },
    beforeCheckout: () => syncTags(world),
    substitutes: {
      "verify.install": linkModules,
      "publish.install": linkModules,
      "publish.verify-attestation": {
        reason: "the test's Sigstore is trusted through its own root, not public-good's",
        script: (original) =>
          original.replace(
            "--ref refs/heads/main",
            `--ref refs/heads/main --trusted-root ${JSON.stringify(trustedRoot)}`,
          ),
      },
      "npm.npm-publish": {
        reason: "npm signs its provenance with public-good Sigstore only",
        script: (original) => original.replace("--provenance", "--provenance=false"),
      },
    },
    extraInputs: {
      "publish.attest": {
        "fulcio-url": sigstore.fulcioUrl,
        "tsa-url": sigstore.tsaUrl,
        "trusted-root": trustedRoot,
      },
    },
  });
  for (const job of Object.values(jobs)) folders.push(job.workspace);
  return jobs;
}

const failures = failedSteps;

describe("a dry run of the release workflow", () => {
  let first: Record<string, JobResult>;
  beforeAll(async () => {
    first = await release("7001");
  }, 300_000);

  it("checks dist/, departs, builds, attests and publishes, every job green", () => {
    expect(failures(first)).toEqual([]);
    expect(Object.fromEntries(Object.entries(first).map(([id, job]) => [id, job.result]))).toEqual({
      verify: "success",
      train: "success",
      publish: "success",
      npm: "success",
    });
    const checkDist = first.verify?.steps.find((step) => step.id === "check-dist");
    expect(checkDist?.log).toContain("dist/ matches a fresh build");
    expect(first.train?.outputs).toMatchObject({
      departed: "true",
      tag: `v${VERSION}`,
      version: VERSION,
    });
  });

  it("tags the release, moves v1 and v1.Y to it, and publishes it with notes and its files", () => {
    const tagged = world.tagCommit(`v${VERSION}`);
    expect(tagged).toMatch(/^[0-9a-f]{40}$/);
    const [major, minor] = VERSION.split(".");
    expect(world.tagCommit(`v${major}`)).toBe(tagged);
    expect(world.tagCommit(`v${major}.${minor}`)).toBe(tagged);
    const release = world.github.releases.find((candidate) => candidate.tagName === `v${VERSION}`);
    expect(release).toMatchObject({ draft: false, name: `v${VERSION}` });
    expect(release?.body).toContain("the suite, ready for its first release");
    expect(release?.assets.map((asset) => asset.name).sort()).toEqual(
      ["SHA256SUMS", `status-gate-v${VERSION}.tar.gz`, `wasmcloud-status-gate-${VERSION}.tgz`]
        .flatMap((name) => [name, `${name}.sigstore.json`])
        .sort(),
    );
  });

  it("builds dist/ again from the tag and finds it equal to the committed one", () => {
    const checkDist = first.publish?.steps.find((step) => step.id === "check-dist");
    expect(checkDist?.log).toContain("dist/ matches a fresh build");
    const tagged = world.tagCommit(`v${VERSION}`);
    const workspace = first.publish?.workspace as string;
    expect(
      execFileSync("git", ["rev-parse", "HEAD"], { cwd: workspace, encoding: "utf8" }).trim(),
    ).toBe(tagged);
  });

  it("attests the action's tarball and the npm package, and both verify", async () => {
    const assets = join(first.publish?.workspace as string, "release-assets");
    const tarball = `status-gate-v${VERSION}.tar.gz`;
    const npmPackage = `wasmcloud-status-gate-${VERSION}.tgz`;
    expect(readdirSync(assets).sort()).toEqual(
      [
        "SHA256SUMS",
        "SHA256SUMS.sigstore.json",
        npmPackage,
        `${npmPackage}.sigstore.json`,
        tarball,
        `${tarball}.sigstore.json`,
      ].sort(),
    );
    expect(readFileSync(join(assets, "SHA256SUMS"), "utf8")).toBe(
      `${sha256(join(assets, tarball))}  ${tarball}\n${sha256(join(assets, npmPackage))}  ${npmPackage}\n`,
    );
    // The tarball is the tagged tree, under one folder named after the release.
    const listing = execFileSync("tar", ["-tzf", join(assets, tarball)], { encoding: "utf8" });
    expect(listing).toContain(`status-gate-v${VERSION}/action.yml\n`);
    expect(listing).toContain(`status-gate-v${VERSION}/dist/gate.js\n`);
    // GitHub's attestation store holds the statement for each file's digest.
    const stored = world.sim.requestsFor("repos/create-attestation");
    expect(stored).toHaveLength(1);
    const verifyStep = first.publish?.steps.find((step) => step.id === "verify-attestation");
    expect(verifyStep?.outcome).toBe("success");
    // And a user's verification, with the README's own command, from another folder.
    for (const file of [tarball, npmPackage]) {
      const args = [...readmeVerifyCommand(file), "--trusted-root", trustedRoot];
      const run = await runCli(args, { cwd: assets });
      expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    }
  });

  it("stores what `gh attestation verify` looks up: a v0.3 bundle per file digest, naming the file", async () => {
    const assets = join(first.publish?.workspace as string, "release-assets");
    for (const file of [`status-gate-v${VERSION}.tar.gz`, `wasmcloud-status-gate-${VERSION}.tgz`]) {
      const digest = sha256(join(assets, file));
      const bundle = JSON.parse(readFileSync(join(assets, `${file}.sigstore.json`), "utf8"));
      expect(bundle.mediaType).toBe("application/vnd.dev.sigstore.bundle.v0.3+json");
      const statement = JSON.parse(
        Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"),
      );
      expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
      expect(statement.subject).toContainEqual({ name: file, digest: { sha256: digest } });
      // gh asks GitHub for the attestations of the file's digest.
      const response = await fetch(
        `${world.sim.url}/repos/${REPOSITORY}/attestations/sha256:${digest}`,
        { headers: { authorization: `Bearer ${world.sim.token}` } },
      );
      expect(response.status).toBe(200);
      const { attestations } = (await response.json()) as { attestations: { bundle: unknown }[] };
      expect(attestations.map((attestation) => attestation.bundle)).toContainEqual(bundle);
    }
  });

  it("refuses a tarball that is not the attested one", async () => {
    const assets = join(first.publish?.workspace as string, "release-assets");
    const tampered = mkdtempSync(join(tmpdir(), "sg-tampered-"));
    folders.push(tampered);
    const name = `status-gate-v${VERSION}.tar.gz`;
    cpSync(join(assets, `${name}.sigstore.json`), join(tampered, `${name}.sigstore.json`));
    execFileSync("bash", ["-c", `printf tampered > ${JSON.stringify(join(tampered, name))}`]);
    const run = await runCli(
      [
        "attest",
        "verify",
        "--file",
        join(tampered, name),
        "--repo",
        REPOSITORY,
        "--trusted-root",
        trustedRoot,
      ],
      { cwd: tmpdir() },
    );
    expect(run.exitCode).toBe(1);
  });

  it("publishes to npm exactly the package it attested", () => {
    const assets = join(first.publish?.workspace as string, "release-assets");
    const published = npm.published.get(`${MANIFEST.name}@${VERSION}`);
    expect(published).toBeDefined();
    expect(
      createHash("sha256")
        .update(published as Buffer)
        .digest("hex"),
    ).toBe(sha256(join(assets, `wasmcloud-status-gate-${VERSION}.tgz`)));
  });
});

describe("the next release", () => {
  let second: Record<string, JobResult>;
  const [major, minor, patch] = VERSION.split(".").map(Number);
  const next = `${major}.${minor}.${(patch as number) + 1}`;
  let firstCommit: string | undefined;
  beforeAll(async () => {
    firstCommit = world.tagCommit(`v${VERSION}`);
    world.repo.git("fetch", "--quiet", "origin");
    world.repo.git("reset", "--quiet", "--hard", "origin/main");
    world.repo.commit({
      message: "fix: say how to verify a release",
      files: {
        "README.md": `${readFileSync(join(world.repo.path, "README.md"), "utf8")}\nfixed\n`,
      },
    });
    await world.push("main");
    second = await release("7002");
  }, 300_000);

  it("releases the fix as a patch and moves v1 and v1.Y from the last release to it", () => {
    expect(failures(second)).toEqual([]);
    expect(second.train?.outputs).toMatchObject({ departed: "true", tag: `v${next}` });
    const tagged = world.tagCommit(`v${next}`);
    expect(tagged).not.toBe(firstCommit);
    expect(world.tagCommit(`v${VERSION}`)).toBe(firstCommit);
    expect(world.tagCommit(`v${major}`)).toBe(tagged);
    expect(world.tagCommit(`v${major}.${minor}`)).toBe(tagged);
    const release = world.github.releases.find((candidate) => candidate.tagName === `v${next}`);
    expect(release).toMatchObject({ draft: false, name: `v${next}` });
    expect(release?.body).toContain("say how to verify a release");
    expect(release?.body).not.toContain("the suite, ready for its first release");
  });

  it("keeps both releases in CHANGELOG.md, newest first, in the release commit", () => {
    const tagged = world.tagCommit(`v${next}`) as string;
    const changelog = world.repo.git("--git-dir", world.origin, "show", `${tagged}:CHANGELOG.md`);
    expect(changelog.startsWith("# Changelog\n")).toBe(true);
    const newer = changelog.indexOf(`## ${next} (`);
    const older = changelog.indexOf(`## ${VERSION} (`);
    expect(newer).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newer);
    expect(changelog.slice(newer, older)).toContain("say how to verify a release");
    expect(world.repo.git("--git-dir", world.origin, "show", `${tagged}:package.json`)).toContain(
      `"version": "${next}"`,
    );
  });

  it("publishes the new version to npm", () => {
    expect(npm.published.has(`${MANIFEST.name}@${next}`)).toBe(true);
  });
});

describe("a commit whose dist/ differs from its sources", () => {
  it("stops the release before the train: no tag, no release, nothing published", async () => {
    using repo = suiteRepository();
    repo.commit({
      message: "fix: a change to the sources without rebuilding dist/",
      files: {
        "src/gate/main.ts": `${readFileSync(join(PROJECT_ROOT, "src/gate/main.ts"), "utf8")}\nconsole.log("changed");\n`,
      },
    });
    await using other = await trainWorld(repo, { repository: REPOSITORY });
    const sha = repo.git("rev-parse", "HEAD");
    const jobs = await runWorkflow({
      workflow: join(repo.path, WORKFLOW),
      event: { name: "workflow_dispatch", payload: {}, inputs: { force: true } },
      ref: "refs/heads/main",
      sha,
      repository: REPOSITORY,
      origin: other.origin,
      apiUrl: other.sim.url,
      token: other.sim.token,
      substitutes: {
        "verify.install": {
          reason: "no registry at test time",
          script: () => `ln -s ${JSON.stringify(join(PROJECT_ROOT, "node_modules"))} node_modules`,
        },
      },
    });
    for (const job of Object.values(jobs)) folders.push(job.workspace);
    expect(jobs.verify?.result).toBe("failure");
    const checkDist = jobs.verify?.steps.find((step) => step.id === "check-dist");
    expect(checkDist?.log).toContain("dist/ differs from a fresh build");
    expect(jobs.train?.result).toBe("skipped");
    expect(jobs.publish?.result).toBe("skipped");
    expect([...other.github.refs.keys()].filter((ref) => ref.startsWith("refs/tags/"))).toEqual([]);
    expect(other.github.releases).toEqual([]);
  }, 120_000);
});
