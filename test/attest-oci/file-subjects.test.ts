import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { githubClaims } from "../harness/sigstore.ts";
import { REPOSITORY, type Services, startServices, verifyCli, WORKFLOW } from "./fixtures.ts";

// A pull request decides what lands in the workspace: files, names and symbolic links. Attesting
// its build output must not write through a link to somewhere else, nor publish names and digests
// of files outside the workspace that a link points at, nor list paths that split in two.

describe("file subjects from a workspace a pull request shaped", () => {
  let services: Services;
  let outside: string;

  beforeAll(async () => {
    services = await startServices();
    outside = mkdtempSync(join(tmpdir(), "sg-outside-"));
  });
  afterAll(() => services?.close());

  const attest = (workspace: string, inputs: Record<string, string>, runId = 1) =>
    services.attestOci(
      { "github-attestations": "false", ...inputs },
      {
        claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId }),
        workspace,
      },
    );

  function workspaceWith(files: Record<string, string>): string {
    const workspace = mkdtempSync(join(tmpdir(), "sg-ws-"));
    mkdirSync(join(workspace, "dist"));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(workspace, name), text);
    return workspace;
  }

  it("replaces a <file>.sigstore.json link with the bundle instead of writing through it", async () => {
    const workspace = workspaceWith({ "dist/app": "the app" });
    const victim = join(outside, "victim.txt");
    writeFileSync(victim, "keep me");
    symlinkSync(victim, join(workspace, "dist/app.sigstore.json"));
    const run = await attest(workspace, { "subject-path": "dist/*" });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
    const written = join(workspace, "dist/app.sigstore.json");
    expect(lstatSync(written).isSymbolicLink()).toBe(false);
    expect(JSON.parse(readFileSync(written, "utf8")).mediaType).toContain("sigstore.bundle");
    const verified = await verifyCli(services.trustedRoot, ["--file", join(workspace, "dist/app")]);
    expect(verified.exitCode).toBe(0);
  });

  it("refuses a link in the workspace that leads outside it, naming both", async () => {
    const workspace = workspaceWith({ "dist/app": "the app" });
    const secret = join(outside, "id_ed25519");
    writeFileSync(secret, "secret key");
    symlinkSync(secret, join(workspace, "dist/key"));
    const run = await attest(workspace, { "subject-path": "dist/*" }, 2);
    expect(run.exitCode).not.toBe(0);
    const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors.join("\n")).toContain("dist/key");
    expect(errors.join("\n")).toContain("outside the workspace");
    expect(services.sigstore.requests.fulcio).toBe(1);
    expect(readlinkSync(join(workspace, "dist/key"))).toBe(secret);
  });

  it("refuses a broken link with its name, without a stack", async () => {
    const workspace = workspaceWith({ "dist/app": "the app" });
    symlinkSync(join(outside, "gone"), join(workspace, "dist/dangling"));
    const run = await attest(workspace, { "subject-path": "dist/*" }, 3);
    expect(run.exitCode).not.toBe(0);
    expect(run.log).not.toMatch(/at .*\.js:\d+/);
    const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors.join("\n")).toContain("dist/dangling");
  });

  it("refuses a file name with a line break, which would split bundle-paths and digests", async () => {
    const workspace = workspaceWith({ "dist/app\nsha256:0000": "the app" });
    const run = await attest(workspace, { "subject-path": "dist/*" }, 4);
    expect(run.exitCode).not.toBe(0);
    const errors = run.annotations.filter((a) => a.level === "error").map((a) => a.message);
    expect(errors.join("\n")).toMatch(/line break|control character/);
  });

  it("refuses a checksums line whose name holds control characters, as it refuses such a file", async () => {
    // sha256sum lists a pull request's file names as they are (only '\\' and line breaks are
    // escaped): ESC sequences would be signed into a public log and printed by 'attest push'.
    const workspace = workspaceWith({
      "dist/SHA256SUMS": `${"ab".repeat(32)}  wash\n${"cd".repeat(32)}  \u001b]0;x\u0007wash\u001b[2K\n`,
    });
    const before = services.sigstore.requests.fulcio;
    const run = await attest(workspace, { "subject-checksums": "dist/SHA256SUMS" }, 6);
    expect(run.exitCode).not.toBe(0);
    const errors = run.annotations.filter((a) => a.level === "error");
    expect(errors.map((a) => a.message).join("\n")).toMatch(/control character/);
    expect(errors.some((a) => a.file === "dist/SHA256SUMS" && a.line === 2)).toBe(true);
    expect(services.sigstore.requests.fulcio).toBe(before);
  });

  it("attests two files with the same bytes, and a link inside the workspace, each with its own bundle", async () => {
    const workspace = workspaceWith({ "dist/a": "same bytes", "dist/b": "same bytes" });
    symlinkSync(join(workspace, "dist/a"), join(workspace, "dist/c"));
    const run = await attest(workspace, { "subject-path": "dist/*" }, 5);
    expect(run.exitCode).toBe(0);
    const subjects = JSON.parse(run.outputs.subjects as string);
    expect(subjects.map((s: { name: string }) => s.name)).toEqual(["a", "b", "c"]);
    expect(new Set(subjects.map((s: { digest: string }) => s.digest)).size).toBe(1);
    expect((run.outputs["bundle-paths"] as string).split("\n")).toEqual(
      ["a", "b", "c"].map((name) => join(workspace, "dist", `${name}.sigstore.json`)),
    );
  });
});
