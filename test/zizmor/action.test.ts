import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeMarkdown } from "../../src/core/summary.ts";
import { ForwardingProxy } from "../harness/proxy.ts";
import { type ActionRun, runAction } from "../harness/runner.ts";
import {
  corpusReport,
  corpusWorkspace,
  type FakeZizmor,
  FileServer,
  fakeArchive,
  fakeZizmorFolder,
  SEVERAL_INPUTS_FILES,
} from "./helpers.ts";

const ASSET = "zizmor-x86_64-unknown-linux-gnu.tar.gz";
const VERSION = "1.30.1";
let server: FileServer;

beforeAll(async () => {
  server = await FileServer.start();
});
afterAll(async () => {
  await server[Symbol.asyncDispose]();
});

const severalInputs = () =>
  corpusReport(
    "json-v1.several-inputs.json",
    (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
  );

/** Serves a fake archive as version `version` and runs the action with its digest pinned. */
async function runWith(
  fake: FakeZizmor,
  options: {
    inputs?: Record<string, string>;
    env?: Record<string, string>;
    workspace?: string;
    version?: string;
    event?: { name: string; payload: unknown };
  } = {},
): Promise<ActionRun & { record: string }> {
  const version = options.version ?? VERSION;
  const archive = fakeArchive({ ...fake, version });
  server.release(version, ASSET, archive.bytes);
  const record = join(mkdtempSync(join(tmpdir(), "sg-zizmor-record-")), "args");
  const run = await runAction({
    action: "actions/zizmor",
    workspace: options.workspace ?? corpusWorkspace(),
    inputs: {
      version,
      sha256: archive.sha256,
      "download-url": server.releaseTemplate,
      ...options.inputs,
    },
    token: "ghs_secrettoken",
    event: options.event,
    env: { FAKE_ZIZMOR_RECORD: record, ...options.env },
  });
  return { ...run, record: existsSync(record) ? readFileSync(record, "utf8") : "" };
}

describe("installing zizmor", () => {
  it("downloads the archive for the runner, checks its sha256, caches it, and runs it", async () => {
    const first = await runWith({ stdout: "[]", exitCode: 0 });
    expect(first.exitCode, first.stdout).toBe(0);
    expect(server.requests).toContain(`/releases/download/v${VERSION}/${ASSET}`);
    expect(first.log).toMatch(/sha256 [0-9a-f]{64} matches the digest pinned by input 'sha256'/);
    expect(first.outputs).toMatchObject({
      "zizmor-version": VERSION,
      findings: "0",
      passed: "true",
    });
    expect(first.record).toContain("--format=json-v1");
    const toolCache = join(first.runnerTemp, "_tool", "zizmor", VERSION, "x64");
    expect(existsSync(join(toolCache, ASSET))).toBe(true);
  });

  it("downloads through the runner's proxy, from a host only the proxy can resolve", async () => {
    await using proxy = await ForwardingProxy.start();
    const archive = fakeArchive({ version: VERSION });
    server.release(VERSION, ASSET, archive.bytes);
    const run = await runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: {
        sha256: archive.sha256,
        "download-url": server.releaseTemplate.replace("127.0.0.1", "zizmor-mirror.test"),
      },
      env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url },
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(proxy.countFor("zizmor-mirror.test")).toBe(1);
    expect(server.requests.at(-1)).toBe(`/releases/download/v${VERSION}/${ASSET}`);
  });

  it("uses the tool cache on the next run, verifying the cached archive again", async () => {
    const archive = fakeArchive({ version: VERSION });
    server.release(VERSION, ASSET, archive.bytes);
    const first = await runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: { sha256: archive.sha256, "download-url": server.releaseTemplate },
    });
    const requestsBefore = server.requests.length;
    const second = await runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: { sha256: archive.sha256, "download-url": server.releaseTemplate },
      env: { RUNNER_TOOL_CACHE: join(first.runnerTemp, "_tool") },
    });
    expect(second.exitCode, second.stdout).toBe(0);
    expect(server.requests.length).toBe(requestsBefore);
    expect(second.log).toContain("(tool cache)");
  });

  it("refuses a tampered archive before anything runs", async () => {
    const genuine = fakeArchive({ version: VERSION });
    const tampered = fakeArchive({ version: VERSION, stdout: "[] # evil" });
    server.release(VERSION, ASSET, tampered.bytes);
    const run = await runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: { sha256: genuine.sha256, "download-url": server.releaseTemplate },
      env: { FAKE_ZIZMOR_RECORD: join(tmpdir(), "never-written") },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(
      /has sha256 [0-9a-f]{64}, but input 'sha256' pins .*refusing to run it/,
    );
    expect(run.outputs["zizmor-version"]).toBeUndefined();
  });

  it("refuses an archive that is not the one whose digest the action pins", async () => {
    // Without a 'sha256' input the action's own digests for 1.30.1 apply; the fake is not zizmor.
    server.release(VERSION, ASSET, fakeArchive({ version: VERSION }).bytes);
    const run = await runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: { "download-url": server.releaseTemplate, "verify-attestation": "off" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(
      "but this action pins e65324f4430c2717591937edcec90ccbefaf14c174f8ec9415e03ca875b46e1a",
    );
  });

  it("refuses 1.27.0 and unpinned versions without a digest, naming the input", async () => {
    const refused = await runAction({ action: "actions/zizmor", inputs: { version: "1.27.0" } });
    expect(refused.exitCode).toBe(1);
    expect(refused.log).toMatch(/1\.27\.0.*credentials/);
    const unpinned = await runAction({
      action: "actions/zizmor",
      inputs: { version: "1.29.0", "verify-attestation": "off" },
    });
    expect(unpinned.log).toMatch(/pins no digest for zizmor 1\.29\.0.*input 'sha256'/);
  });

  it("names the supported platforms on an unsupported runner", async () => {
    const run = await runAction({
      action: "actions/zizmor",
      env: { RUNNER_OS: "Linux", RUNNER_ARCH: "ARM" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain("no release archive for Linux/ARM; supported runners are Linux/X64");
  });

  it("uses a zizmor given by path or found on PATH instead of downloading", async () => {
    const folder = fakeZizmorFolder({ stdout: "[]" });
    const byPath = await runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: { "zizmor-path": join(folder, "zizmor"), "download-url": "http://127.0.0.1:9/none" },
    });
    expect(byPath.exitCode, byPath.stdout).toBe(0);
    expect(byPath.outputs["zizmor-path"]).toBe(join(folder, "zizmor"));
    expect(byPath.log).toContain("not verified by this action");
    const onPath = await runAction({
      action: "actions/zizmor",
      workspace: corpusWorkspace(),
      inputs: { "zizmor-path": "zizmor" },
      env: { PATH: `${folder}:${process.env.PATH}` },
    });
    expect(onPath.exitCode, onPath.stdout).toBe(0);
    expect(onPath.outputs["zizmor-path"]).toBe(join(folder, "zizmor"));
    rmSync(folder, { recursive: true, force: true });
  });
});

describe("running zizmor", () => {
  it("annotates findings most severe first and lists every one in the job summary", async () => {
    const run = await runWith({ stdout: severalInputs(), exitCode: 14 });
    expect(run.exitCode).toBe(1);
    const findings = run.annotations.filter((a) => a.title?.startsWith("zizmor "));
    expect(findings).toHaveLength(7);
    expect(findings[0]).toMatchObject({
      level: "error",
      title: "zizmor template-injection",
      file: ".github/workflows/template-injection.yml",
      line: 19,
      column: 40,
    });
    expect(findings.at(-1)).toMatchObject({ level: "notice", title: "zizmor unsound-contains" });
    expect(run.summary).toContain("unsound\\-contains\\.yml");
    expect(run.summary.match(/^- .*line \d+, column/gm)).toHaveLength(7);
    expect(run.outputs).toMatchObject({
      findings: "7",
      "failing-findings": "6",
      "highest-severity": "high",
      "exit-code": "14",
      passed: "false",
    });
    expect(run.log).toContain("::error::zizmor: 6 finding(s) at or above fail-on 'high'");
  });

  it("decides by fail-on, not by zizmor's exit code", async () => {
    const never = await runWith(
      { stdout: severalInputs(), exitCode: 14 },
      { inputs: { "fail-on": "never" } },
    );
    expect(never.exitCode).toBe(0);
    expect(never.outputs.passed).toBe("true");
    // In SARIF-like modes zizmor exits 0 even with findings: the threshold still applies.
    const quiet = await runWith({ stdout: severalInputs(), exitCode: 0 });
    expect(quiet.exitCode).toBe(1);
  });

  it.each([
    [1, /tool error/],
    [2, /refused its arguments/],
    [3, /collected no inputs.*checkout step/],
  ])("reports exit %i as a tool error, never as findings", async (exitCode, message) => {
    const run = await runWith({ stdout: severalInputs(), stderr: "error: boom\n", exitCode });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(message);
    expect(run.log).toContain("error: boom");
    expect(run.outputs.findings).toBeUndefined();
    expect(run.annotations.filter((a) => a.title?.startsWith("zizmor "))).toEqual([]);
  });

  it("fails, saying why, when every finding lies outside the workspace", async () => {
    const outside = corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `/elsewhere/${SEVERAL_INPUTS_FILES[audit]}`,
    );
    const run = await runWith(
      { stdout: outside, exitCode: 14 },
      { inputs: { "fail-on": "never" } },
    );
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(
      /all 7 findings are in files outside the workspace .*nothing was gated/,
    );
    expect(run.outputs.passed).toBe("false");
  });

  it("treats unreadable output with a findings exit code as a failure, not a pass", async () => {
    const run = await runWith({ stdout: "garbage", exitCode: 13 });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain("zizmor's output could not be read");
  });

  it("fails when zizmor exits 0 but prints no report at all, instead of reading it as clean", async () => {
    const run = await runWith({ stdout: "", exitCode: 0 });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain("zizmor printed no JSON report");
    expect(run.outputs.passed).toBe("false");
  });

  it("fails when the exit code promises a finding more severe than any in the output", async () => {
    // Exit 14 says a high finding exists: output without one lost it, and must not pass.
    const empty = await runWith({ stdout: "[]", exitCode: 14 });
    expect(empty.exitCode).toBe(1);
    expect(empty.log).toContain("zizmor exited 14 (highest finding high)");
    expect(empty.outputs.passed).toBe("false");
    // Output that holds the promised finding is read as usual.
    const matching = await runWith(
      { stdout: severalInputs(), exitCode: 14 },
      { inputs: { "fail-on": "never" } },
    );
    expect(matching.exitCode).toBe(0);
    expect(matching.outputs.passed).toBe("true");
  });

  it("surfaces zizmor's WARN lines about skipped files", async () => {
    const stderr =
      " WARN collect_inputs: zizmor::registry::input: failed to validate input as workflow: input does not match expected validation schema\n";
    const run = await runWith({ stdout: "[]", stderr });
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: "warning", title: "zizmor skipped an input" }),
    );
    expect(run.summary).toContain("zizmor skipped some inputs");
  });

  it("keeps the token from zizmor unless online audits are on", async () => {
    const offline = await runWith({ stdout: "[]" });
    expect(offline.record).toContain("--offline");
    expect(offline.record).toContain("token=\n");
    const online = await runWith({ stdout: "[]" }, { inputs: { "online-audits": "true" } });
    expect(online.record).not.toContain("--offline");
    expect(online.record).toContain("token=present");
    expect(online.log).not.toContain("ghs_secrettoken");
  });

  it("masks the token it hands zizmor, so zizmor's own log cannot show it", async () => {
    const run = await runWith(
      { stderr: "error: GitHub refused token ghs_secrettoken\n", exitCode: 1 },
      { inputs: { "online-audits": "true" } },
    );
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain("error: GitHub refused token ***");
    expect(run.log).not.toContain("ghs_secrettoken");
  });

  it("passes options through and refuses unknown values before zizmor runs", async () => {
    const run = await runWith(
      { stdout: "[]" },
      {
        inputs: {
          persona: "auditor",
          "min-severity": "medium",
          collect: "workflows,actions",
          inputs: ".github/workflows",
        },
      },
    );
    expect(run.record.split("\n")).toEqual(
      expect.arrayContaining([
        "--persona=auditor",
        "--min-severity=medium",
        "--collect=workflows,actions",
        ".github/workflows",
      ]),
    );
    const bad = await runWith({ stdout: "[]" }, { inputs: { persona: "paranoid" } });
    expect(bad.exitCode).toBe(1);
    expect(bad.log).toContain("input 'persona' is 'paranoid'");
    expect(bad.record).toBe("");
  });

  it("escapes everything from zizmor's output and keeps Remote findings to the summary", async () => {
    const findings = JSON.parse(severalInputs());
    findings[0].desc =
      "evil\n::add-mask::leak\n<img src=x> [link](https://evil.example) @maintainers";
    findings[0].locations[1].symbolic.annotation = "%0A::warning::forged";
    findings[1].locations[1].symbolic.key = {
      Remote: { slug: { owner: "octo", repo: "actions", git_ref: "v1" }, path: "action.yml" },
    };
    const run = await runWith({ stdout: JSON.stringify(findings), exitCode: 14 });
    // The only mask is the token's: none comes from zizmor's output.
    expect(run.masks).toEqual(["ghs_secrettoken"]);
    expect(run.annotations.some((a) => a.message === "forged")).toBe(false);
    const injection = run.annotations.find((a) => a.title === "zizmor template-injection");
    expect(injection?.message).toContain("evil\n::add-mask::leak");
    expect(run.annotations.some((a) => a.title === "zizmor unpinned-uses")).toBe(false);
    expect(run.summary).toContain(escapeMarkdown("octo/actions@v1:action.yml"));
    expect(run.summary).not.toMatch(/<img|\]\(https|(^|[^\\])@maintainers/m);
  });

  it("writes a SARIF file for upload-sarif", async () => {
    const run = await runWith(
      { stdout: severalInputs(), exitCode: 14 },
      { inputs: { "sarif-file": "zizmor.sarif" } },
    );
    const sarif = JSON.parse(readFileSync(join(run.workspace, "zizmor.sarif"), "utf8"));
    expect(run.outputs["sarif-file"]).toBe(join(run.workspace, "zizmor.sarif"));
    expect(sarif.runs[0].results).toHaveLength(7);
    expect(run.annotations.some((a) => a.title === "zizmor SARIF upload will be refused")).toBe(
      false,
    );
  });

  it("still writes the SARIF file on a fork's pull request, with a notice that upload will fail", async () => {
    const run = await runWith(
      { stdout: severalInputs(), exitCode: 14 },
      {
        // No simulator here: the base revision's ignores are tested in github.test.ts.
        inputs: { "sarif-file": "zizmor.sarif", "fail-on": "never", "ignores-from-base": "false" },
        event: {
          name: "pull_request",
          payload: {
            pull_request: {
              number: 3,
              head: { sha: "c".repeat(40), repo: { full_name: "someone/wasmcloud" } },
              base: { repo: { full_name: "wasmcloud/wasmcloud" } },
            },
          },
        },
      },
    );
    expect(existsSync(join(run.workspace, "zizmor.sarif"))).toBe(true);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: "notice", title: "zizmor SARIF upload will be refused" }),
    );
    expect(run.exitCode).toBe(0);
  });

  it("fails only on findings absent from the baseline file", async () => {
    const workspace = corpusWorkspace();
    const known = JSON.parse(severalInputs()).filter(
      (finding: { ident: string }) => finding.ident !== "template-injection",
    );
    writeFileSync(join(workspace, "baseline.json"), JSON.stringify(known));
    const run = await runWith(
      { stdout: severalInputs(), exitCode: 14 },
      { workspace, inputs: { "new-findings-only": "baseline", "baseline-file": "baseline.json" } },
    );
    expect(run.outputs["failing-findings"]).toBe("1");
    expect(run.summary).toContain("Failed: 1 at or above the threshold");
    expect(run.annotations.filter((a) => a.title?.startsWith("zizmor "))).toHaveLength(7);
  });
});
