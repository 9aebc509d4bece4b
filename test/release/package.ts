import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PROJECT_ROOT } from "../harness/runner.ts";

/**
 * A machine with Node.js 24 and nothing else: only the directory of this Node.js and the system's
 * own (for npm and git) on PATH, never the repository's node_modules/.bin; a fresh HOME and npm
 * cache; a registry address that refuses connections, so anything that tries to download fails.
 */
export function bareMachineEnv(home: string): Record<string, string> {
  return {
    PATH: [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(":"),
    HOME: home,
    LANG: "C.UTF-8",
    npm_config_cache: join(home, ".npm"),
    npm_config_registry: "http://127.0.0.1:9/",
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
  };
}

export interface Command {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function execute(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Command {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `execute` without blocking this process, for commands that talk to a server in the test. */
export function executeAsync(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<Command> {
  return new Promise((resolve) => {
    execFile(command, args, { ...options, timeout: 120_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

export interface PackedPackage {
  /** The tarball `npm pack` wrote. */
  tarball: string;
  /** What `npm pack --json` said about it: every file, its name and version. */
  manifest: {
    name: string;
    version: string;
    filename: string;
    files: { path: string }[];
  };
  dispose(): void;
}

/**
 * `npm pack` of this repository as the release workflow runs it (the committed dist/, no build
 * step). The tarball lands in a temp folder.
 */
export function packRepository(): PackedPackage {
  const folder = mkdtempSync(join(tmpdir(), "sg-pack-"));
  const home = join(folder, "home");
  mkdirSync(home);
  const packed = execute("npm", ["pack", "--json", "--pack-destination", folder], {
    cwd: PROJECT_ROOT,
    env: bareMachineEnv(home),
  });
  if (packed.status !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [manifest] = JSON.parse(packed.stdout) as PackedPackage["manifest"][];
  if (!manifest) throw new Error(`npm pack printed no package:\n${packed.stdout}`);
  return {
    tarball: join(folder, manifest.filename),
    manifest,
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}
