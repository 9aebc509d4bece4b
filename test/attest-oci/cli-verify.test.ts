import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";

// The CLI on real bundles (fixtures/real/README.md), offline with cli/cli's trusted root, as
// `gh attestation verify --bundle … --custom-trusted-root …` would check them.

const DIR = join(import.meta.dirname, "fixtures/real/cli-cli");
const ROOT = join(DIR, "trusted_root.json");
const at = (name: string) => join(DIR, name);
/** A proxy that refuses every connection stands for a machine without network. */
const OFFLINE = { HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" };
/** A file verified against its bundle with no trusted root given: TUF must be reached. */
const WITHOUT_ROOT = [
  "attest",
  "verify",
  "--file",
  at("custom-issuer-artifact"),
  "--bundle",
  at("custom-issuer.sigstore.json"),
  "--repo",
  "too-legit/attest",
];
const verify = (...args: string[]) =>
  runCli(["attest", "verify", ...args, "--trusted-root", ROOT], { env: {} });

describe("status-gate attest verify, offline, on real bundles", () => {
  it("verifies a local file against a bundle, hashed as its statement names it", async () => {
    const result = await verify(
      "--file",
      at("sigstore-js-2.1.0.tgz"),
      "--bundle",
      at("sigstore-js-2.1.0-bundle.json"),
      "--digest-alg",
      "sha512",
      "--repo",
      "sigstore/sigstore-js",
      "--workflow",
      ".github/workflows/release.yml",
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(
      "verified, signed by https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
    );
    expect(result.exitCode).toBe(0);
  });

  it("verifies a digest against a bundle, and prints JSON with --format json", async () => {
    const digest = "sha256:49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25";
    const args = [
      "--bundle",
      at("reusable-workflow-attestation.sigstore.json"),
      "--digest",
      digest,
      "--repo",
      "malancas/attest-demo",
      "--signer-workflow",
      "github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d",
      "--format",
      "json",
    ];
    const result = await verify(...args);
    expect(result.exitCode).toBe(0);
    const [subject] = JSON.parse(result.stdout);
    expect(subject).toMatchObject({ digest, verified: true });
    const refused = await verify(...args.slice(0, 6), "--format", "json");
    expect(refused.exitCode).toBe(1);
    expect(JSON.parse(refused.stdout)[0].failures[0].check).toBe("identity");
  });

  it("keeps --json as a deprecated alias that prints the same JSON and a notice on stderr", async () => {
    const args = [
      "--bundle",
      at("custom-issuer.sigstore.json"),
      "--file",
      at("custom-issuer-artifact"),
      "--repo",
      "too-legit/attest",
    ];
    const old = await verify(...args, "--json");
    const current = await verify(...args, "--format", "json");
    expect(old.stdout).toBe(current.stdout);
    expect(old.stderr).toContain("--json is deprecated; use --format json");
    expect(JSON.parse(old.stdout)[0].failures[0].check).toBe("issuer");
    expect(old.exitCode).toBe(1);
  });

  it("refuses a GitHub-instance bundle when only public-good is trusted, naming the check", async () => {
    const result = await verify(
      "--file",
      at("github_provenance_demo-0.0.12-py3-none-any.whl"),
      "--bundle",
      at("github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl"),
      "--repo",
      "actions/attest-demo",
    );
    expect(result.stdout).toContain("certificate-chain check failed");
    expect(result.exitCode).toBe(1);
  });

  it("refuses a v0.1 bundle with what to do", async () => {
    const result = await verify(
      "--file",
      at("sigstore-js-2.1.0.tgz"),
      "--digest-alg",
      "sha512",
      "--bundle",
      at("sigstore-js-2.1.0-bundle-v0.1.json"),
      "--repo",
      "sigstore/sigstore-js",
    );
    expect(result.stdout).toContain("bundle v0.1 is not supported");
    expect(result.exitCode).toBe(1);
  });

  it("shows terminal controls from an unsigned bundle field instead of sending them to the terminal", async () => {
    // Anyone can write the unsigned parts of a bundle (or push a referrer holding it). Sent raw,
    // ESC sequences could erase the '✗' line and print a '✓' in its place, or retitle the window.
    const bundle = JSON.parse(readFileSync(at("sigstore-js-2.1.0-bundle.json"), "utf8"));
    const forged = "\u001b[2K\r\u001b[32m✓ verified\u001b]0;title\u0007";
    bundle.verificationMaterial.tlogEntries[0].kindVersion.kind = forged;
    const file = join(mkdtempSync(join(tmpdir(), "sg-esc-")), "bundle.json");
    writeFileSync(file, JSON.stringify(bundle));
    const result = await verify(
      ...["--file", at("sigstore-js-2.1.0.tgz"), "--digest-alg", "sha512", "--bundle", file],
      ...["--repo", "sigstore/sigstore-js"],
    );
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("transparency-log check failed");
    // Any control character but the line breaks between lines.
    expect(result.stdout).not.toMatch(/[^\P{Cc}\n]/u);
    expect(result.stdout).toContain("<U+001B>[2K<U+000D><U+001B>[32m");
  });
});

describe("status-gate attest, usage", () => {
  it("names flags as flags, with one prefix", async () => {
    const result = await runCli(["attest", "verify", "--repo", "a/b", "--subjects", "Bad Ref!"], {
      env: {},
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^status-gate attest: --subjects: image reference 'Bad Ref!'/);
    expect(result.stderr).not.toContain("input '");
    expect(result.stderr.match(/attest:/g)).toHaveLength(1);
  });

  it("says there is nothing to verify, exit 2", async () => {
    const result = await runCli(["attest", "verify", "--repo", "a/b"], { env: {} });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("nothing to verify");
  });

  it("asks for --bundle with --digest", async () => {
    const result = await runCli(
      ["attest", "verify", "--repo", "a/b", "--digest", `sha256:${"a".repeat(64)}`],
      { env: {} },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--digest needs --bundle FILE");
  });

  it("without network and without --trusted-root: exit 2, saying to pass --trusted-root", async () => {
    const cache = mkdtempSync(join(tmpdir(), "sg-tuf-"));
    const result = await runCli(WITHOUT_ROOT, { env: { ...OFFLINE, RUNNER_TEMP: cache } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("pass --trusted-root FILE");
    expect(result.stderr).toContain("gh attestation trusted-root");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("keeps its TUF cache out of the shared temp dir, where another user could plant links or roots", async () => {
    const shared = mkdtempSync(join(tmpdir(), "sg-shared-tmp-"));
    const home = mkdtempSync(join(tmpdir(), "sg-home-"));
    const victim = join(home, ".bashrc");
    writeFileSync(victim, "keep me");
    // What another user of the machine can lay down in /tmp before this user runs the CLI.
    mkdirSync(join(shared, "status-gate-tuf"));
    symlinkSync(victim, join(shared, "status-gate-tuf", "tuf-repo.github.com.root.json"));
    const result = await runCli(WITHOUT_ROOT, { env: { ...OFFLINE, TMPDIR: shared, HOME: home } });
    expect(result.exitCode).toBe(2);
    expect(readFileSync(victim, "utf8")).toBe("keep me");
    expect(readdirSync(join(shared, "status-gate-tuf"))).toEqual(["tuf-repo.github.com.root.json"]);
  });

  it("steers verifiers to pin --workflow and --ref refs/tags/* in --help", async () => {
    const result = await runCli(["attest", "--help"], { env: {} });
    expect(result.stdout).toContain("--workflow .github/workflows/release.yml --ref 'refs/tags/*'");
  });
});
