import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { githubClaims } from "../harness/sigstore.ts";
import { REPOSITORY, startServicesDisposable, USER, WORKFLOW } from "./fixtures.ts";
import { seedImage } from "./hostile.ts";
import { startOciDouble } from "./oci-double.ts";

/** Every path under a directory, for comparing before and after. */
function tree(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe("a dry run writes nothing anywhere", () => {
  it("in the action: no registry write, no signature, no GitHub write, no file", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startOciDouble({ auth: { scheme: "bearer", ...USER } });
    const image = seedImage(registry, "dry/app", "v1");
    const workspace = mkdtempSync(join(tmpdir(), "sg-dry-"));
    mkdirSync(join(workspace, "dist"));
    writeFileSync(join(workspace, "dist/wash"), "binary");
    const before = tree(workspace);
    const run = await services.attestOci(
      {
        subjects: image.reference,
        "subject-path": "dist/*",
        "subject-checksums": `${"ab".repeat(32)}  wash.tar.gz`,
        "registry-username": USER.username,
        "registry-password": USER.password,
        "dry-run": "true",
      },
      { claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW }), workspace },
    );
    expect(run.exitCode).toBe(0);
    expect(registry.writes).toEqual([]);
    expect(services.sigstore.requests).toEqual({ fulcio: 0, tsa: 0, rekor: 0, token: 0 });
    expect(services.github.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(tree(workspace)).toEqual(before);
    // No bundle folder and no TUF cache in the step's temp dir.
    expect(tree(run.runnerTemp).some((p) => p.includes("attest-oci") || p.includes("tuf"))).toBe(
      false,
    );
    const subjects = JSON.parse(run.outputs.subjects as string);
    expect(subjects.map((s: { kind: string }) => s.kind)).toEqual(["image", "file", "file"]);
    expect(subjects.every((s: { "dry-run": boolean }) => s["dry-run"])).toBe(true);
  });

  it("checks the custom predicate as the real run would, and fails the same way", async () => {
    await using services = await startServicesDisposable();
    const workspace = mkdtempSync(join(tmpdir(), "sg-dry-predicate-"));
    writeFileSync(join(workspace, "sbom.json"), "not json");
    const inputs = {
      "subject-checksums": `${"ab".repeat(32)}  wash.tar.gz`,
      "predicate-type": "https://spdx.dev/Document/v2.3",
      "predicate-path": join(workspace, "sbom.json"),
    };
    const claims = githubClaims({ repository: REPOSITORY, workflow: WORKFLOW });
    const dry = await services.attestOci({ ...inputs, "dry-run": "true" }, { claims, workspace });
    const real = await services.attestOci(inputs, { claims, workspace });
    expect(real.exitCode).toBe(1);
    expect(dry.exitCode).toBe(1);
    const error = (run: typeof dry) => run.annotations.find((a) => a.level === "error")?.message;
    expect(error(dry)).toBe(error(real));
    expect(error(dry)).toContain("is not JSON");
  });

  it("in the CLI: no attestations folder in the working directory", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startOciDouble();
    const image = seedImage(registry, "dry/cli", "v1");
    const cwd = mkdtempSync(join(tmpdir(), "sg-dry-cli-"));
    const claims = githubClaims({ repository: REPOSITORY, workflow: WORKFLOW });
    const result = await runCli(["attest", "push", image.reference, "--dry-run"], {
      cwd,
      env: { ...services.sigstore.runnerEnv(claims), GITHUB_REPOSITORY: REPOSITORY },
    });
    expect(result.exitCode).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
    expect(registry.writes).toEqual([]);
    expect(services.sigstore.requests.fulcio).toBe(0);
  });
});
