import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The command-line tools the release workflow calls that are not on this machine, as small
// stand-ins on PATH: `gh` (GitHub's CLI: auto-merge, the canary artifacts, dispatches to other
// repositories) records what it is asked and serves the canary binaries; `docker buildx
// imagetools` speaks the OCI distribution API to the registry, as the real one does.

/** The canary-binaries artifacts `gh run download` finds on the release commit's wash.yml run. */
export const CANARY_BINARIES = [
  "wash-x86_64-unknown-linux-gnu",
  "wash-aarch64-unknown-linux-musl",
  "wash-aarch64-apple-darwin",
  "wash-x86_64-pc-windows-msvc.zip",
];

const GH = `
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const args = process.argv.slice(2);
appendFileSync(process.env.SHIM_LOG, JSON.stringify({ tool: "gh", args }) + "\\n");
const [group, command] = args;
if (group === "run" && command === "list") {
  console.log("4242");
} else if (group === "run" && command === "download") {
  const dir = args[args.indexOf("--dir") + 1];
  const patterns = args.flatMap((arg, at) => (args[at - 1] === "--pattern" ? [arg] : []));
  const matches = (name) => patterns.some((p) => new RegExp("^" + p.replace(/[.]/g, "\\\\.").replace(/[*]/g, ".*") + "$").test(name));
  for (const name of ${JSON.stringify(CANARY_BINARIES)}.filter(matches)) {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, name), "the canary build of " + name + "\\n");
  }
}
`;

const DOCKER = `
import { appendFileSync } from "node:fs";
import { createHash } from "node:crypto";
const args = process.argv.slice(2);
appendFileSync(process.env.SHIM_LOG, JSON.stringify({ tool: "docker", args }) + "\\n");
const ACCEPT = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");
const url = (ref) => {
  const at = ref.indexOf("@");
  const colon = at >= 0 ? at : ref.lastIndexOf(":");
  const name = ref.slice(0, colon);
  const slash = name.indexOf("/");
  return { manifest: "http://" + name.slice(0, slash) + "/v2/" + name.slice(slash + 1) + "/manifests/" + ref.slice(colon + 1) };
};
async function manifest(ref) {
  const response = await fetch(url(ref).manifest, { headers: { accept: ACCEPT } });
  if (response.status === 404) {
    console.error("ERROR: " + ref + ": not found");
    process.exit(1);
  }
  if (!response.ok) {
    console.error("ERROR: " + ref + ": " + response.status);
    process.exit(1);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  return { bytes, mediaType: response.headers.get("content-type") };
}
if (args[0] !== "buildx" || args[1] !== "imagetools") process.exit(2);
if (args[2] === "inspect") {
  const { bytes, mediaType } = await manifest(args[3]);
  const digest = "sha256:" + createHash("sha256").update(bytes).digest("hex");
  console.log(JSON.stringify({ mediaType, digest, size: bytes.length }));
} else if (args[2] === "create") {
  const target = args[args.indexOf("--tag") + 1];
  const source = args[args.length - 1];
  const { bytes, mediaType } = await manifest(source);
  const response = await fetch(url(target).manifest, {
    method: "PUT",
    headers: { "content-type": mediaType },
    body: bytes,
  });
  if (!response.ok) {
    console.error("ERROR: pushing " + target + ": " + response.status);
    process.exit(1);
  }
}
`;

export interface Shims {
  /** The folder to put first on PATH. */
  bin: string;
  /** Everything the stand-ins were asked, in order. */
  calls(): { tool: string; args: string[] }[];
  env: Record<string, string>;
}

export function writeShims(): Shims {
  const bin = mkdtempSync(join(tmpdir(), "sg-shims-"));
  const log = join(bin, "calls.jsonl");
  writeFileSync(log, "");
  for (const [tool, source] of [
    ["gh", GH],
    ["docker", DOCKER],
  ] as const) {
    writeFileSync(join(bin, `${tool}.mjs`), source);
    writeFileSync(
      join(bin, tool),
      `#!/bin/sh\nexec node ${JSON.stringify(join(bin, `${tool}.mjs`))} "$@"\n`,
    );
    chmodSync(join(bin, tool), 0o755);
  }
  return {
    bin,
    env: { SHIM_LOG: log },
    calls: () =>
      existsSync(log)
        ? readFileSync(log, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line))
        : [],
  };
}

/** A Slack incoming webhook on loopback that keeps every message posted to it. */
export async function slackWebhook(): Promise<{
  url: string;
  messages: string[];
  server: Server;
}> {
  const messages: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      messages.push((JSON.parse(body) as { text: string }).text);
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    messages,
    server,
  };
}
