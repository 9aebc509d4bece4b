import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pusher } from "../attest-oci/artifacts.ts";
import {
  type Distribution,
  distributionAvailable,
  startDistribution,
} from "../attest-oci/distribution.ts";
import { finishJobs, settleRuns } from "../gate/scenario.ts";
import { runCli } from "../harness/runner.ts";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";
import {
  failedSteps,
  type JobResult,
  runWorkflow,
  type WorkflowRunOptions,
} from "../release/workflow-runner.ts";
import { type TrainWorld, trainWorld } from "../train-release/world.ts";
import { ciRuns, pinnedWorkflows, runStatusGate, seedRuns } from "./ci-runs.ts";
import { exampleWorkflow } from "./example.ts";
import { CANARY_BINARIES, type Shims, slackWebhook, writeShims } from "./shims.ts";
import { wasmcloudShaped } from "./world.ts";

// Issue 19: the migrated release (release.yml + train.yml) on a wasmCloud-shaped repository,
// through the workflow runner: the Tuesday train opens its signed-off release pull request once,
// the pull request merges, the train waits for the status gate's verdict on the merge commit
// (the example's status-gate.yml, judging CI that the migrated workflows' logic produced), tags,
// and the jobs after it read the train's outputs: the canary binaries attested (file subjects)
// and attached, the canary images promoted by digest in Debian's docker-registry and attested,
// the dispatches and Slack. Sigstore is @sigstore/mock, GitHub the simulator.

const REPOSITORY = "wasmcloud/wasmcloud";
const SLOT = "2026-12-01T16:00:00Z";
const IMAGES = ["wash", "runtime-gateway", "runtime-operator"];
/** WASMCLOUD_BOT_PAT, a token other than the workflow's GITHUB_TOKEN (`w.sim.token`). */
const BOT_PAT = "ghp_wasmcloudbot0000000000000000000000";

const available = distributionAvailable();

describe.skipIf(!available)("a release of wasmCloud on status-gate", () => {
  let registry: Distribution;
  let sigstore: SigstoreHarness;
  let trustedRoot: string;
  let w: TrainWorld;
  let shims: Shims;
  let slack: Awaited<ReturnType<typeof slackWebhook>>;
  const folders: string[] = [];
  const runs: Record<string, Record<string, JobResult>> = {};
  let merged = "";
  let canaryDigests: Record<string, string> = {};

  const repositoryPayload = {
    default_branch: "main",
    full_name: REPOSITORY,
    name: "wasmcloud",
    visibility: "public",
    owner: { login: "wasmcloud", type: "Organization" },
  };

  /** One run of release.yml, as run `runId`, with the edge replaced as each entry says. */
  async function release(
    runId: string,
    event: { name: string; payload: Record<string, unknown> },
    sha: string,
    now: string,
  ) {
    // Only the push of the merged release pull request gets as far as the jobs after the train.
    const releasing = event.name === "push";
    const claims = githubClaims({
      repository: REPOSITORY,
      workflow: ".github/workflows/release.yml",
      ref: "refs/heads/main",
      sha,
      runId: Number(runId),
      eventName: event.name,
    });
    const sigstoreInputs = {
      "fulcio-url": sigstore.fulcioUrl,
      "tsa-url": sigstore.tsaUrl,
      "trusted-root": trustedRoot,
    };
    const noop = (reason: string) => ({ reason, script: () => `echo ${JSON.stringify(reason)}` });
    const options: WorkflowRunOptions = {
      workflow: join(w.repo.path, ".github/workflows/release.yml"),
      runId,
      event,
      ref: "refs/heads/main",
      sha,
      repository: REPOSITORY,
      origin: w.origin,
      apiUrl: w.sim.url,
      token: w.sim.token,
      secrets: {
        WASMCLOUD_BOT_PAT: BOT_PAT,
        GITHUB_TOKEN: w.sim.token,
        SLACK_RELEASE_WEBHOOK_URL: slack.url,
      },
      env: {
        ...sigstore.runnerEnv(claims),
        ...shims.env,
        PATH: `${shims.bin}:${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      },
      extraInputs: {
        // The schedule's moment (the runner's clock is not the slot's).
        "train.train": { now },
        ...(releasing
          ? { "binaries.attest": sigstoreInputs, "images.attest": sigstoreInputs }
          : {}),
      },
      substitutes: releasing
        ? {
            "images.login": noop("the local registry needs no login"),
            "images.buildx": noop("docker buildx imagetools is the stand-in on PATH"),
            "announce.winget": noop("winget-pkgs is another repository on github.com"),
          }
        : {},
    };
    const jobs = await runWorkflow(options);
    for (const job of Object.values(jobs)) folders.push(job.workspace);
    runs[runId] = jobs;
    return jobs;
  }

  const failures = failedSteps;

  /** `status-gate attest verify` as a user would run it: signed by release.yml of the repository. */
  const verifyReleaseAttestation = (subject: string[], cwd: string) =>
    runCli(
      [
        "attest",
        "verify",
        ...subject,
        "--repo",
        REPOSITORY,
        "--workflow",
        ".github/workflows/release.yml",
        "--trusted-root",
        trustedRoot,
      ],
      { cwd },
    );

  beforeAll(async () => {
    registry = await startDistribution();
    sigstore = await startSigstoreHarness();
    const trustDir = mkdtempSync(join(tmpdir(), "sg-trust-"));
    folders.push(trustDir);
    trustedRoot = sigstore.writeTrustedRoot(trustDir);
    shims = writeShims();
    folders.push(shims.bin);
    slack = await slackWebhook();
    // The edge, in the copy of the example: the local registry is ghcr.io, and the train polls
    // for the gate's verdict every second instead of every minute.
    const repo = wasmcloudShaped((path, text) =>
      path === ".github/workflows/release.yml"
        ? text.replaceAll("ghcr.io/wasmcloud/", `${registry.host}/wasmcloud/`)
        : path === ".github/train.yml"
          ? text.replace("poll-interval: 60s", "poll-interval: 1s")
          : text,
    );
    w = await trainWorld(repo, { repository: REPOSITORY, moreTokens: [BOT_PAT] });
    w.protectMain();
  }, 60_000);

  afterAll(async () => {
    await w?.[Symbol.asyncDispose]();
    await sigstore?.close();
    await registry?.close();
    slack?.server.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it("departs the Tuesday train once: one signed-off release pull request, auto-merge asked", async () => {
    const main = w.repo.git("rev-parse", "main");
    const schedule = (cron: string) => ({
      name: "schedule",
      payload: { schedule: cron, repository: repositoryPayload },
    });
    const first = await release("7101", schedule("0 16 * * 2"), main, SLOT);
    expect(failures(first)).toEqual([]);
    expect(first.train?.outputs).toMatchObject({ departed: "false" });
    const second = await release("7102", schedule("0 22 * * 2"), main, "2026-12-01T22:00:00Z");
    expect(failures(second)).toEqual([]);
    expect(["binaries", "images", "publish", "announce"].map((job) => second[job]?.result)).toEqual(
      ["skipped", "skipped", "skipped", "skipped"],
    );

    const pulls = [...w.github.pulls.values()];
    expect(pulls.map((pull) => [pull.title, pull.head.ref, pull.state])).toEqual([
      ["release: v2.1.0", "release/v2.1.0", "open"],
    ]);
    // The departure marker, and the succession lock of the first train (it follows none).
    expect([...w.github.refs.keys()].filter((ref) => ref.startsWith("refs/tags/train/"))).toEqual([
      "refs/tags/train/2026-12-01",
      "refs/tags/train/after/none",
    ]);
    w.repo.git("fetch", "--quiet", "origin", "release/v2.1.0");
    const message = w.repo.git("log", "-1", "--format=%B", "FETCH_HEAD");
    expect(message).toContain(
      "Signed-off-by: wasmcloud-bot <wasmcloud-bot@users.noreply.github.com>",
    );
    expect(w.repo.git("show", "FETCH_HEAD:charts/runtime-operator/Chart.yaml")).toContain(
      'appVersion: "2.1.0"',
    );
    // Auto-merge by rebase, asked when the pull request opened (the 22:00 run found the train
    // departed and did nothing); Slack heard once.
    expect(second.train?.steps.find((step) => step.id === "train")?.outputs.reason).toBe(
      "already-departed",
    );
    expect(shims.calls().filter((call) => call.args[0] === "pr")).toEqual([
      {
        tool: "gh",
        args: ["pr", "merge", `https://github.com/${REPOSITORY}/pull/1`, "--auto", "--rebase"],
      },
    ]);
    expect(slack.messages).toEqual([
      expect.stringMatching(
        /release train 2026-12-01 is waiting for its pull request: \S+\/pull\/1/,
      ),
    ]);
  }, 300_000);

  it("tags the merge commit only after the status gate's verdict on it, then releases", async () => {
    const before = w.repo.git("rev-parse", "main");
    const pull = [...w.github.pulls.values()][0];
    merged = await w.mergePullRequest(pull?.number as number, "rebase");
    // The canary images CI pushed for the merge commit, by their sha- tags.
    const push = pusher(registry.host);
    canaryDigests = {};
    for (const image of IMAGES) {
      canaryDigests[image] = (
        await push.multiPlatformImage(`wasmcloud/${image}`, `sha-${merged}`)
      ).digest;
    }
    const event = {
      name: "push",
      payload: {
        ref: "refs/heads/main",
        before,
        after: merged,
        forced: false,
        repository: repositoryPayload,
      },
    };
    const context = {
      repository: w.repo.path,
      origin: w.origin,
      apiUrl: w.sim.url,
      token: w.sim.token,
      event,
      sha: merged,
    };
    const changedFiles = w.repo.git("diff", "--name-only", before, merged).split("\n");
    const ci = await ciRuns(
      { ...context, ref: "refs/heads/main", changedFiles },
      pinnedWorkflows(w.repo.path),
    );
    seedRuns(w.github, ci, { sha: merged, event: "push", branch: "main" });
    // Every canary of the merge commit runs on main, the binaries' legs cut at 100 characters.
    const canaries = ci.flatMap((run) =>
      run.jobs.filter((job) => job.runs && /canary/.test(job.name)),
    );
    expect(canaries.map((job) => job.name)).toContain(
      "canary-binaries (x86_64-unknown-linux-gnu, x86_64-unknown-linux-gnu.2.17, cargo zigbuild, wash-x8...",
    );

    let polls = 0;
    w.sim.onRequest((request) => {
      if (request.operationId !== "checks/list-for-ref" || !request.path.includes(merged)) return;
      // CI finishes while the gate and the train wait on the merge commit.
      if (++polls === 3) {
        finishJobs(w.github, "success");
        settleRuns(w.github);
      }
    });
    const releaseRun = release("7103", event, merged, "2026-12-01T18:00:00Z");
    const gate = runStatusGate(context, "120s");
    const [jobs, gated] = await Promise.all([releaseRun, gate]);
    for (const job of Object.values(gated)) folders.push(job.workspace);
    const verdictStep = gated.gate?.steps.find((step) => step.id === "gate");
    expect(verdictStep?.outcome, verdictStep?.log).toBe("success");
    expect(JSON.parse(verdictStep?.outputs.required ?? "[]")).toEqual(
      expect.arrayContaining([
        "wash-canary-binaries",
        "wash-canary-publish",
        "runtime-gateway-canary",
        "charts-canary",
      ]),
    );
    expect(failures(jobs)).toEqual([]);
    expect(Object.fromEntries(Object.entries(jobs).map(([id, job]) => [id, job.result]))).toEqual({
      train: "success",
      binaries: "success",
      images: "success",
      publish: "success",
      announce: "success",
      "notify-failure": "skipped",
    });

    // The tags came after the gate completed its verdict check on the merge commit.
    const requests = w.sim.requests;
    const verdictAt = requests.findIndex(
      (request) =>
        /check-runs/.test(request.path) &&
        (request.body as { conclusion?: string } | undefined)?.conclusion === "success",
    );
    const tagAt = requests.findIndex(
      (request) =>
        request.operationId === "git/create-ref" &&
        (request.body as { ref?: string }).ref === "refs/tags/v2.1.0",
    );
    expect(verdictAt).toBeGreaterThan(0);
    expect(tagAt).toBeGreaterThan(verdictAt);
    for (const tag of ["v2.1.0", "runtime-operator/v2.1.0"])
      expect(w.tagCommit(tag), tag).toBe(merged);
    expect(w.tagCommit("wasmcloud-macros-v0.3.2")).toBeUndefined();
  }, 600_000);

  it("attaches the canary binaries with their Sigstore bundles, then publishes the release", async () => {
    const release = w.github.releases.find((candidate) => candidate.tagName === "v2.1.0");
    expect(release).toMatchObject({ name: "v2.1.0", draft: false });
    expect(release?.assets.map((asset) => asset.name).sort()).toEqual(
      CANARY_BINARIES.flatMap((name) => [name, `${name}.sigstore.json`]).sort(),
    );
    // Each binary's bundle verifies for that very file, signed by release.yml.
    const workspace = runs["7103"]?.binaries?.workspace as string;
    const name = CANARY_BINARIES[0] as string;
    const verify = await verifyReleaseAttestation(
      ["--file", join(workspace, "artifacts", name, name)],
      workspace,
    );
    expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
  });

  it("makes each write that must start a workflow with the bot's token, as GITHUB_TOKEN's start none", () => {
    // What listens: CI on the release pull request, charts.yml on `v*` tags, bench.yml's releases
    // timeline on a published release.
    expect(exampleWorkflow("charts.yml").on.push).toMatchObject({ tags: ["v*"] });
    expect(exampleWorkflow("bench.yml").on.release).toEqual({ types: ["published"] });
    const written = w.sim.requests.filter(
      (request) =>
        request.status < 400 &&
        (request.operationId === "pulls/create" ||
          (request.operationId === "git/create-ref" &&
            /^refs\/tags\/v/.test((request.body as { ref: string }).ref)) ||
          (request.operationId === "repos/update-release" &&
            (request.body as { draft?: boolean }).draft === false)),
    );
    expect(
      written.map((request) => [request.operationId, request.requestHeaders.authorization]),
    ).toEqual([
      ["pulls/create", `token ${BOT_PAT}`],
      ["git/create-ref", `token ${BOT_PAT}`],
      ["repos/update-release", `token ${BOT_PAT}`],
    ]);
  });

  it("promotes each canary image to 2.1.0 by digest and attests it in the registry", async () => {
    const subjects = runs["7103"]?.images?.outputs.subjects?.trim().split("\n") ?? [];
    expect(subjects).toEqual(
      IMAGES.map((image) => `${registry.host}/wasmcloud/${image}:2.1.0@${canaryDigests[image]}`),
    );
    for (const image of IMAGES) {
      const verify = await verifyReleaseAttestation(
        [`${registry.host}/wasmcloud/${image}:2.1.0`],
        tmpdir(),
      );
      expect(verify.exitCode, verify.stdout + verify.stderr).toBe(0);
    }
  });

  it("dispatches Homebrew and the docs with the version, and tells Slack", () => {
    const dispatches = shims.calls().filter((call) => call.args[0] === "api");
    expect(dispatches.map((call) => call.args.slice(1))).toEqual([
      [
        "repos/wasmCloud/homebrew-wasmcloud/dispatches",
        "-f",
        "event_type=brew-formula-update",
        "-f",
        "client_payload[tag_version]=2.1.0",
      ],
      [
        "repos/wasmCloud/wasmcloud.com/dispatches",
        "-f",
        "event_type=wasmcloud-release",
        "-f",
        "client_payload[version]=2.1.0",
      ],
    ]);
    expect(slack.messages.at(-1)).toMatch(
      /^:rocket: v2\.1\.0 released from the canary builds: \S+\n/,
    );
    expect(slack.messages.at(-1)).toContain("plugins");
  });

  it("keeps the same release when the push run is re-run (nothing written twice)", () => {
    expect(w.github.releases.filter((release) => release.tagName === "v2.1.0")).toHaveLength(1);
    const tagWrites = w.sim.requests.filter(
      (request) => request.operationId === "git/create-ref" && request.status < 400,
    );
    expect(tagWrites.map((request) => (request.body as { ref: string }).ref).sort()).toEqual(
      [
        "refs/tags/runtime-operator/v2.1.0",
        "refs/tags/train/2026-12-01",
        "refs/tags/train/after/none",
        "refs/tags/v2.1.0",
      ].sort(),
    );
    expect(readFileSync(join(w.origin, "HEAD"), "utf8")).toContain("refs/heads/main");
    expect(
      execFileSync("git", ["--git-dir", w.origin, "rev-parse", "main"], {
        encoding: "utf8",
      }).trim(),
    ).toBe(merged);
  });
});
