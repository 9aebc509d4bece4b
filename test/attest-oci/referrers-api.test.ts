import { mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { githubClaims } from "../harness/sigstore.ts";
import { type PushedArtifact, pusher } from "./artifacts.ts";
import {
  REPOSITORY,
  type Services,
  startServices,
  startServicesDisposable,
  USER,
  WORKFLOW,
} from "./fixtures.ts";
import { type RegistryDouble, startRegistryDouble } from "./registry-double.ts";

describe("attesting on a registry with the referrers API and bearer tokens", () => {
  let services: Services;
  let registry: RegistryDouble;
  let component: PushedArtifact;
  let credentials: Record<string, string>;

  beforeAll(async () => {
    [services, registry] = await Promise.all([
      startServices(),
      startRegistryDouble({ auth: USER }),
    ]);
    component = await pusher(registry.host, USER).wasmComponent("wasmcloud/components/echo", "v1");
    credentials = { "registry-username": USER.username, "registry-password": USER.password };
  });
  afterAll(async () => {
    await Promise.all([services?.close(), registry?.close()]);
  });

  it("stores the bundle through the referrers API, with no fallback tag, using input credentials", async () => {
    const run = await services.attestOci({ subjects: component.reference, ...credentials });
    expect(run.exitCode).toBe(0);
    const [subject] = JSON.parse(run.outputs.subjects as string);
    expect(subject.storage).toBe("referrers-api");
    expect(subject["referrer-digest"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(registry.requests.some((r) => r.includes("/manifests/sha256-"))).toBe(false);
    expect(registry.grantedScopes).toContain("repository:wasmcloud/components/echo:pull,push");
    expect(run.masks).toContain(USER.password);
    expect(run.log).not.toContain(USER.password);
  });

  it("verifies the component from the referrers API", async () => {
    const run = await services.attestOci({
      mode: "verify",
      subjects: component.reference,
      "trusted-root": services.trustedRoot,
      "signer-workflow": WORKFLOW,
      ...credentials,
    });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.outputs.subjects as string)[0].verified).toBe(true);
  });

  it("takes the layer digest that wash push prints next to the tag as the component's manifest", async () => {
    const rekorBefore = services.sigstore.requests.rekor;
    const run = await services.attestOci(
      {
        subjects: `${component.reference}@${component.layerDigest}`,
        "github-attestations": "false",
        "rekor-url": services.sigstore.rekorUrl,
        ...credentials,
      },
      { claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, runId: 3003 }) },
    );
    expect(run.exitCode).toBe(0);
    // Timestamped by the TSA and logged in Rekor; GitHub's store was switched off.
    expect(services.sigstore.requests.rekor).toBe(rekorBefore + 1);
    expect(
      services.github.requests.filter((r) => r.operationId === "repos/create-attestation"),
    ).toHaveLength(1);
    expect(JSON.parse(run.outputs.subjects as string)[0].digest).toBe(component.digest);
    const notice = run.annotations.find((a) => a.level === "notice");
    expect(notice?.message).toContain("wash push");
  });

  it("explains a bare layer digest instead of failing with a 404", async () => {
    const host = registry.host;
    const run = await services.attestOci({
      subjects: `${host}/wasmcloud/components/echo@${component.layerDigest}`,
      ...credentials,
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toContain("names a blob, not a manifest");
    expect(run.log).not.toMatch(/at .*\.js:\d+/);
  });

  it("fails with the reference's name when it does not exist, without a stack", async () => {
    const missing = `${registry.host}/wasmcloud/components/nope:v9`;
    const run = await services.attestOci({ subjects: missing, ...credentials });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toContain(`'${missing}' does not exist`);
    expect(run.log).not.toMatch(/at .*\.js:\d+/);
  });

  it("refuses a tag and digest that disagree", async () => {
    const other = `sha256:${"0".repeat(64)}`;
    const run = await services.attestOci({
      subjects: `${component.reference}@${other}`,
      ...credentials,
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toContain(`points to ${component.digest}, not ${other}`);
  });

  it("is refused by the registry without credentials, and says how to log in", async () => {
    const run = await services.attestOci({ subjects: component.reference });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toContain("registry-username");
  });

  it("fails verification when the expected workflow did not sign", async () => {
    const run = await services.attestOci(
      {
        mode: "verify",
        subjects: component.reference,
        "trusted-root": services.trustedRoot,
        "signer-workflow": ".github/workflows/nightly.yml",
        ...credentials,
      },
      { claims: githubClaims({ repository: REPOSITORY }) },
    );
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verified).toBe("false");
    expect(run.annotations.some((a) => a.message.includes("identity check failed"))).toBe(true);
    // The step fails through the outcome, once, with the action's prefix and the reason.
    const failure = run.annotations.filter(
      (a) => a.level === "error" && a.message.startsWith("attest-oci: "),
    );
    expect(failure).toHaveLength(1);
    expect(failure[0]?.message).toMatch(
      /^attest-oci: 1 of 1 subject\(s\) have no attestation that verifies: .*identity check failed/,
    );
  });
});

describe("the attest push command", () => {
  /** `status-gate attest push <reference> <args>` in `cwd`, as a job's shell runs it. */
  const pushFromShell = (services: Services, cwd: string, reference: string, args: string[] = []) =>
    runCli(
      [
        ...["attest", "push", reference, "--no-github-attestations", ...args],
        ...["--fulcio-url", services.sigstore.fulcioUrl, "--tsa-url", services.sigstore.tsaUrl],
      ],
      {
        cwd,
        env: {
          ...services.sigstore.runnerEnv(
            githubClaims({ repository: REPOSITORY, workflow: WORKFLOW }),
          ),
          GITHUB_REPOSITORY: REPOSITORY,
        },
      },
    );

  it("attests from a job's shell with the same run as the action", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startRegistryDouble();
    const component = await pusher(registry.host).wasmComponent("wasmcloud/cli-pushed", "v1");
    const cwd = mkdtempSync(join(tmpdir(), "sg-cli-"));
    const result = await pushFromShell(services, cwd, component.reference, ["--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const [subject] = JSON.parse(result.stdout);
    expect(subject.digest).toBe(component.digest);
    expect(subject.storage).toBe("referrers-api");
    expect(subject["bundle-path"]).toBe(
      join(cwd, "attestations", `${component.digest.slice(7)}.sigstore.json`),
    );
  });

  it("never writes through an 'attestations' link a pull request put in the checkout", async () => {
    await using services = await startServicesDisposable();
    await using registry = await startRegistryDouble();
    const component = await pusher(registry.host).wasmComponent("wasmcloud/linked", "v1");
    const cwd = mkdtempSync(join(tmpdir(), "sg-cli-"));
    const elsewhere = mkdtempSync(join(tmpdir(), "sg-elsewhere-"));
    symlinkSync(elsewhere, join(cwd, "attestations"));
    const result = await pushFromShell(services, cwd, component.reference);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /^status-gate attest: .*attestations' is a symbolic link to '.*sg-elsewhere-[^']*'.*folder/m,
    );
    // Refused before anything is signed or stored.
    expect(services.sigstore.requests.fulcio).toBe(0);
  });
});

describe("a private repository owned by a user", () => {
  let services: Services;
  let registry: RegistryDouble;

  beforeAll(async () => {
    [services, registry] = await Promise.all([
      startServices({ privateUserRepository: true }),
      startRegistryDouble(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([services?.close(), registry?.close()]);
  });

  it("stores the attestation in the registry and notes that GitHub's store is not available", async () => {
    const component = await pusher(registry.host).wasmComponent("someone/app", "v1");
    // A reference by digest alone is used as it is: no tag to resolve.
    const run = await services.attestOci({
      subjects: `${registry.host}/someone/app@${component.digest}`,
    });
    expect(run.exitCode).toBe(0);
    const notice = run.annotations.find((a) => a.level === "notice");
    expect(notice?.message).toContain("private repository owned by a user");
    expect(services.github.requests.some((r) => r.route?.includes("attestations"))).toBe(false);
    const [subject] = JSON.parse(run.outputs.subjects as string);
    expect(subject.storage).toBe("referrers-api");
    expect(subject.digest).toBe(component.digest);
    expect(subject["attestation-id"]).toBeNull();
  });
});
