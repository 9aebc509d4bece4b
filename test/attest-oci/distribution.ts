import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Debian's `docker-registry` (CNCF distribution 2.8, no referrers API) on a random loopback port
 * with its own storage, optionally behind htpasswd basic auth. The bcrypt entry comes from
 * `htpasswd -B` (Debian's apache2-utils).
 */
export interface Distribution extends AsyncDisposable {
  /** `127.0.0.1:<port>`, as an image reference's registry part. */
  host: string;
  close(): Promise<void>;
}

export const DISTRIBUTION_BINARY = "/usr/bin/docker-registry";

export function distributionAvailable(): boolean {
  try {
    execFileSync(DISTRIBUTION_BINARY, ["--version"], { stdio: "ignore" });
    execFileSync("htpasswd", ["-h"], { stdio: "ignore" });
    return true;
  } catch (thrown) {
    // htpasswd -h exits non-zero after printing its usage; only a missing binary matters.
    return (thrown as { code?: string }).code !== "ENOENT";
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitUntilServing(host: string, child: ChildProcess, log: () => string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited:\n${log()}`);
    try {
      const response = await fetch(`http://${host}/v2/`);
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`docker-registry did not start:\n${log()}`);
}

export async function startDistribution(
  options: { auth?: { username: string; password: string } } = {},
): Promise<Distribution> {
  const dir = mkdtempSync(join(tmpdir(), "sg-distribution-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let auth = "";
  if (options.auth) {
    const entry = execFileSync(
      "htpasswd",
      ["-nbBC", "4", options.auth.username, options.auth.password],
      {
        encoding: "utf8",
      },
    );
    writeFileSync(join(dir, "htpasswd"), entry.trim());
    auth = `auth:\n  htpasswd:\n    realm: status-gate-test\n    path: ${join(dir, "htpasswd")}\n`;
  }
  const config = `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${join(dir, "storage")}
  delete:
    enabled: true
http:
  addr: ${host}
${auth}`;
  writeFileSync(join(dir, "config.yml"), config);
  const child = spawn(DISTRIBUTION_BINARY, ["serve", join(dir, "config.yml")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitUntilServing(host, child, () => output);
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { host, close, [Symbol.asyncDispose]: close };
}
