import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGitHubSimulator } from "../harness/github-sim/index.ts";
import { type RunActionOptions, runAction, runCli } from "../harness/runner.ts";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";

export const REPOSITORY = "wasmcloud/wasmcloud";
export const WORKFLOW = ".github/workflows/release.yml";
export const USER = { username: "ci-bot", password: "s3cret-registry-pass" };

/** A Docker config with a login for each host, as docker/login-action writes it. */
export function dockerConfig(
  logins: Record<string, { username: string; password: string }>,
): string {
  const dir = mkdtempSync(join(tmpdir(), "sg-docker-config-"));
  mkdirSync(dir, { recursive: true });
  const auths = Object.fromEntries(
    Object.entries(logins).map(([host, login]) => [
      host,
      { auth: Buffer.from(`${login.username}:${login.password}`).toString("base64") },
    ]),
  );
  writeFileSync(join(dir, "config.json"), JSON.stringify({ auths }));
  return dir;
}

/** The local services an attest-oci run talks to: Sigstore, GitHub, and a trusted root file. */
export async function startServices(options: { privateUserRepository?: boolean } = {}) {
  const sigstore: SigstoreHarness = await startSigstoreHarness();
  const github = await startGitHubSimulator();
  const [owner, name] = REPOSITORY.split("/") as [string, string];
  github.state.addRepository({
    owner,
    name,
    ...(options.privateUserRepository ? { ownerType: "User" as const, private: true } : {}),
  });
  const trustDir = mkdtempSync(join(tmpdir(), "sg-trust-"));
  const trustedRoot = sigstore.writeTrustedRoot(trustDir);
  const visibility = options.privateUserRepository ? "private" : "public";
  const ownerType = options.privateUserRepository ? "User" : "Organization";

  /** Runs the built action with the runner's environment pointed at the local services. */
  function attestOci(
    inputs: Record<string, string>,
    extra: {
      env?: Record<string, string>;
      claims?: Record<string, unknown>;
      workspace?: string;
    } = {},
  ) {
    const options: RunActionOptions = {
      action: "actions/attest-oci",
      repository: REPOSITORY,
      ...(extra.workspace ? { workspace: extra.workspace } : {}),
      apiUrl: github.url,
      token: github.token,
      event: { name: "push", payload: { repository: { visibility, owner: { type: ownerType } } } },
      // The trusted root checks a stored bundle before a re-run reuses it (and verify mode).
      inputs: {
        "fulcio-url": sigstore.fulcioUrl,
        "tsa-url": sigstore.tsaUrl,
        "trusted-root": trustedRoot,
        ...inputs,
      },
      env: {
        ...sigstore.runnerEnv(
          extra.claims ?? githubClaims({ repository: REPOSITORY, workflow: WORKFLOW }),
        ),
        ...extra.env,
      },
    };
    return runAction(options);
  }

  const close = async () => {
    await sigstore.close();
    await github.close();
  };
  return { sigstore, github, trustedRoot, attestOci, close };
}

export type Services = Awaited<ReturnType<typeof startServices>>;

/** `startServices` for `await using`. */
export async function startServicesDisposable(options: { privateUserRepository?: boolean } = {}) {
  const services = await startServices(options);
  return { ...services, [Symbol.asyncDispose]: services.close };
}

/**
 * `status-gate attest verify <args> --repo wasmcloud/wasmcloud --trusted-root <root>` from the
 * built CLI (later options win, so `args` may name another repository).
 */
export function verifyCli(trustedRoot: string, args: string[], env: Record<string, string> = {}) {
  return runCli(
    ["attest", "verify", "--repo", REPOSITORY, "--trusted-root", trustedRoot, ...args],
    { env },
  );
}
