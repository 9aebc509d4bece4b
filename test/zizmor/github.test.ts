import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { runAction } from "../harness/runner.ts";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";
import {
  corpusReport,
  corpusWorkspace,
  FileServer,
  fakeArchive,
  fixture,
  SEVERAL_INPUTS_FILES,
} from "./helpers.ts";

const ASSET = "zizmor-x86_64-unknown-linux-gnu.tar.gz";
/** A diff adding line 20 of unsound-contains.yml, where one of its findings sits. */
const ADDED_IF_LINE = [
  "@@ -19,2 +19,3 @@",
  "         run: echo hello",
  `+${fixture("inputs/unsound-contains.yml").split("\n")[19]}`,
  " ",
].join("\n");
let sim: GitHubSimulator;
let files: FileServer;
let sigstore: SigstoreHarness;
/** Head commit of pull request 1: check runs belong there, not on the merge commit. */
let HEAD_SHA = "";

beforeAll(async () => {
  [sim, files, sigstore] = await Promise.all([
    startGitHubSimulator(),
    FileServer.start(),
    startSigstoreHarness(),
  ]);
  const repository = sim.state.addRepository({ owner: "wasmcloud", name: "wasmcloud" });
  HEAD_SHA = repository.addPullRequest({ number: 1, head: "audit-me", files: ["README.md"] }).head
    .sha;
  sim.state.addRepository({ owner: "zizmorcore", name: "zizmor", ownerType: "Organization" });
});
afterAll(async () => {
  await Promise.all([sim.close(), files[Symbol.asyncDispose](), sigstore.close()]);
});

/** A JSON v1 report of `count` findings, cloned from the corpus's unsound-contains finding. */
function manyFindings(count: number): string {
  const [template] = JSON.parse(
    corpusReport("json-v1.several-inputs.json", () => "./.github/workflows/unsound-contains.yml"),
  ).filter((finding: { ident: string }) => finding.ident === "unsound-contains");
  return JSON.stringify(
    Array.from({ length: count }, (_, at) => {
      const copy = structuredClone(template);
      copy.locations[0].concrete.location.start_point.row = at % 30;
      copy.locations[0].concrete.location.end_point.row = at % 30;
      copy.determinations.severity = at % 2 ? "High" : "Low";
      return copy;
    }),
  );
}

function pullRequestEvent(number: number) {
  const pull = sim.state.repository("wasmcloud/wasmcloud").pulls.get(number);
  const repo = { full_name: "wasmcloud/wasmcloud" };
  return {
    name: "pull_request",
    payload: {
      pull_request: {
        number,
        head: { sha: pull?.head.sha, ref: pull?.head.ref, repo },
        base: { sha: pull?.base.sha, ref: pull?.base.ref, repo },
      },
    },
  };
}

async function runWithReport(
  stdout: string,
  inputs: Record<string, string>,
  event = pullRequestEvent(1),
) {
  const archive = fakeArchive({ stdout, exitCode: 14 });
  files.release("1.30.1", ASSET, archive.bytes);
  return runAction({
    action: "actions/zizmor",
    workspace: corpusWorkspace(),
    inputs: { sha256: archive.sha256, "download-url": files.releaseTemplate, ...inputs },
    event,
    apiUrl: sim.url,
    token: sim.token,
  });
}

describe("check run", () => {
  it("carries every finding as an annotation, 50 per request, on the pull request's head", async () => {
    const run = await runWithReport(manyFindings(120), {
      "check-run": "true",
      "check-name": "zizmor audit",
    });
    expect(run.exitCode).toBe(1);
    const repository = sim.state.repository("wasmcloud/wasmcloud");
    const checkRun = repository.checkRuns.find((candidate) => candidate.name === "zizmor audit");
    expect(checkRun).toMatchObject({ headSha: HEAD_SHA, conclusion: "failure" });
    expect(checkRun?.annotations).toHaveLength(120);
    const calls = sim.requests.filter((request) => request.url.includes("/check-runs"));
    expect(calls.map((request) => request.method)).toEqual(["POST", "PATCH", "PATCH"]);
    expect(run.outputs["check-run-id"]).toBe(String(checkRun?.id));
    // Workflow commands stay within GitHub's display caps: 10 errors and 10 warnings.
    expect(run.annotations.filter((a) => a.title === "zizmor unsound-contains")).toHaveLength(20);
  });

  it("degrades with a notice when the token may not write checks", async () => {
    sim.faults.inject({ route: "checks/create", kind: "server-error", status: 403 });
    const run = await runWithReport(manyFindings(3), { "check-run": "true", "fail-on": "never" });
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: "notice", title: "zizmor: check run 'zizmor' not posted" }),
    );
    expect(run.summary).toContain("3 findings");
  });
});

describe("new findings only on pull requests", () => {
  it("fails only on findings in lines the pull request changed", async () => {
    const repository = sim.state.repository("wasmcloud/wasmcloud");
    repository.addPullRequest({
      number: 7,
      head: "feature",
      files: [
        {
          filename: ".github/workflows/unsound-contains.yml",
          status: "modified",
          patch: ADDED_IF_LINE,
        },
      ],
    });
    const report = corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    );
    const run = await runWithReport(
      report,
      { "new-findings-only": "changed-lines" },
      pullRequestEvent(7),
    );
    expect(run.outputs["failing-findings"]).toBe("1");
    expect(run.outputs.findings).toBe("7");
    expect(run.annotations.filter((a) => a.title?.startsWith("zizmor "))).toHaveLength(7);
    expect(run.summary).toContain("new findings only (changed-lines)");
  });
});

describe("new findings only, when GitHub lists only some of the changed files", () => {
  it("counts every finding rather than trust a truncated file list", async () => {
    // The files API lists at most 3,000 files; the event says how many the pull request changed.
    sim.state.repository("wasmcloud/wasmcloud").addPullRequest({
      number: 8,
      head: "huge",
      files: [{ filename: "README.md", status: "modified", patch: "@@ -1 +1 @@\n+x" }],
    });
    const event = pullRequestEvent(8);
    const payload = { pull_request: { ...event.payload.pull_request, changed_files: 3500 } };
    const report = corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    );
    const run = await runWithReport(
      report,
      { "new-findings-only": "changed-lines" },
      { ...event, payload },
    );
    expect(run.outputs["failing-findings"]).toBe("6");
    expect(run.log).toContain("lists 1 of the 3500 files");
  });
});

describe("zizmor's own attestation", () => {
  const VERSION = "1.29.0";

  async function attestedRun(claims: Record<string, unknown>, attestBytes?: Buffer) {
    const archive = fakeArchive({ version: VERSION, stdout: "[]" });
    const bundle = await signRetryingResets(
      {
        subjects: [
          { name: ASSET, digest: { sha256: attestBytes ? sha256(attestBytes) : archive.sha256 } },
        ],
      },
      { claims },
    );
    sim.state
      .repository("zizmorcore/zizmor")
      .addAttestation(bundle as unknown as Record<string, unknown>);
    files.release(VERSION, ASSET, archive.bytes);
    return runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: {
        version: VERSION,
        "download-url": files.releaseTemplate,
        "trusted-root": sigstore.writeTrustedRoot(mkdtempSync(join(tmpdir(), "sg-root-"))),
      },
      apiUrl: sim.url,
      token: sim.token,
    });
  }

  const releaseClaims = (ref = `refs/tags/v${VERSION}`, repository = "zizmorcore/zizmor") =>
    githubClaims({ repository, workflow: ".github/workflows/release-binaries.yml", ref });

  it("verifies a version with no pinned digest by its release workflow's attestation", async () => {
    const run = await attestedRun(releaseClaims());
    expect(run.exitCode, run.stdout).toBe(0);
    expect(run.log).toContain(
      "attested by https://github.com/zizmorcore/zizmor/.github/workflows/release-binaries.yml@refs/tags/v1.29.0",
    );
  });

  it("refuses an archive attested by another workflow, ref or repository", async () => {
    for (const claims of [
      githubClaims({
        repository: "zizmorcore/zizmor",
        workflow: ".github/workflows/ci.yml",
        ref: `refs/tags/v${VERSION}`,
      }),
      releaseClaims("refs/heads/main"),
    ]) {
      const run = await attestedRun(claims);
      expect(run.exitCode).toBe(1);
      expect(run.log).toMatch(/identity check failed/);
      expect(run.outputs["zizmor-version"]).toBeUndefined();
    }
  });

  it("refuses a tampered archive, whose digest no attestation covers", async () => {
    const run = await attestedRun(releaseClaims(), Buffer.from("the genuine archive"));
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/has no attestation for sha256:[0-9a-f]{64}/);
  });
});

/**
 * The harness's Fulcio closes idle keep-alive sockets after a few seconds, and the signing client
 * may reuse one just then (ECONNRESET) when the runs between signatures are slow; that is the
 * test service's hiccup, not a verification result, so it is retried.
 */
async function signRetryingResets(...args: Parameters<SigstoreHarness["sign"]>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sigstore.sign(...args);
    } catch (thrown) {
      const cause = (thrown as { cause?: { code?: string } }).cause;
      if (cause?.code !== "ECONNRESET" || attempt === 3) throw thrown;
    }
  }
}

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}
