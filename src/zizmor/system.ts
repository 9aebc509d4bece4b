import { execFile, spawn } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { type RunnerContext, runnerContext } from "../core/context.ts";
import { createGitHubClient, type GitHubClient } from "../core/github.ts";
import { info, mask } from "../core/log.ts";
import { VerificationError } from "./install.ts";
import type { ProcessResult, RunDeps } from "./run.ts";
import { runnerPlatform } from "./versions.ts";

const execFileAsync = promisify(execFile);

/**
 * The real machine: HTTP downloads (the global `fetch`, which follows the runner's proxy), `tar`
 * to unpack, child processes for zizmor, the step's log, and a GitHub client made on first use.
 */
export function systemDeps(
  token: { value: string | undefined; source: string },
  context: RunnerContext = runnerContext(),
  env: NodeJS.ProcessEnv = process.env,
): RunDeps {
  let client: GitHubClient | undefined;
  return {
    env,
    context,
    platform: runnerPlatform(env),
    download,
    extract,
    versionOf: async (binary) => (await execFileAsync(binary, ["--version"], { env })).stdout,
    runProcess,
    mask,
    log: info,
    github: () => {
      client ??= createGitHubClient({ token: token.value ?? "", tokenSource: token.source }, env);
      return client;
    },
  };
}

async function download(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(120_000) });
  } catch (thrown) {
    throw new Error(`downloading ${url} failed: ${(thrown as Error).message}`);
  }
  if (!response.ok) throw new Error(`downloading ${url} failed: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** `tar` unpacks both formats (bsdtar on Windows and macOS reads zip archives). */
async function extract(archive: string, into: string): Promise<void> {
  await execFileAsync("tar", ["-xf", archive, "-C", into]);
  for (const name of ["zizmor", "zizmor.exe"]) {
    const binary = join(into, name);
    if (existsSync(binary)) chmodSync(binary, 0o755);
  }
}

function runProcess(
  binary: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { cwd: options.cwd, env: options.env });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) =>
      reject(new VerificationError(`zizmor could not be started: ${error.message}`)),
    );
    child.on("close", (exitCode, signal) =>
      resolvePromise({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      }),
    );
  });
}
