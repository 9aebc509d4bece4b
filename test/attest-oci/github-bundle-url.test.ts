import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compress } from "snappyjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnappyError, snappyDecompress } from "../../src/core/snappy.ts";
import { runCli } from "../harness/runner.ts";
import { githubClaims, type SigstoreHarness, startSigstoreHarness } from "../harness/sigstore.ts";

// Since July 2026 GitHub's list of attestations (GET /repos/{owner}/{repo}/attestations/
// {subject_digest}) answers `"bundle": null` with a `bundle_url` on blob storage that serves the
// bundle snappy-compressed. This double serves that shape, from the OpenAPI description's
// fields (bundle, repository_id, bundle_url, initiator), and a blob store that refuses any
// request carrying a credential: the token must never leave GitHub's API.

const REPOSITORY = "wasmcloud/wasmcloud";
const TOKEN = "ghs_attestation-reader-token";

/** The snappy framing format around one compressed block (checksum not computed: zeros). */
function framed(block: Uint8Array): Buffer {
  const chunk = Buffer.concat([Buffer.alloc(4), Buffer.from(block)]);
  const header = Buffer.from([0x00, 0, 0, 0]);
  header.writeUIntLE(chunk.length, 1, 3);
  const identifier = Buffer.from([0xff, 0x06, 0x00, 0x00, ...Buffer.from("sNaPpY")]);
  return Buffer.concat([identifier, header, chunk]);
}

interface Stored {
  body: Buffer;
  status?: number;
}

async function startGitHubAndBlobs() {
  const byDigest = new Map<string, string[]>();
  const blobs = new Map<string, Stored>();
  const blobRequests: { path: string; authorization: string | undefined }[] = [];
  let base = "";
  const send = (response: ServerResponse, status: number, body: string | Buffer, type: string) => {
    response.writeHead(status, { "content-type": type });
    response.end(body);
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", base);
    const blob = /^\/blobs\/([\w.-]+)$/.exec(url.pathname);
    if (blob) {
      blobRequests.push({ path: url.pathname, authorization: request.headers.authorization });
      // Pre-signed storage: a request with any credential is refused, as a leak would be.
      if (request.headers.authorization)
        return send(response, 403, "credential sent", "text/plain");
      const stored = blobs.get(blob[1] as string);
      if (!stored) return send(response, 404, "", "text/plain");
      return send(response, stored.status ?? 200, stored.body, "application/x-snappy");
    }
    const list = /^\/repos\/([^/]+)\/([^/]+)\/attestations\/([^/]+)$/.exec(url.pathname);
    const authorized = [`Bearer ${TOKEN}`, `token ${TOKEN}`].includes(
      request.headers.authorization ?? "",
    );
    if (!list || !authorized) {
      return send(
        response,
        list ? 401 : 404,
        JSON.stringify({ message: "no" }),
        "application/json",
      );
    }
    const names = byDigest.get(decodeURIComponent(list[3] as string)) ?? [];
    if (names.length === 0)
      return send(response, 404, '{"message":"Not Found"}', "application/json");
    const attestations = names.map((name) => ({
      bundle: null,
      repository_id: 101,
      bundle_url: `${base}/blobs/${name}?sv=2026-01-01&sig=redacted`,
      initiator: "user",
    }));
    send(response, 200, JSON.stringify({ attestations }), "application/json; charset=utf-8");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    blobRequests,
    store(digest: string, body: Buffer, status?: number) {
      const name = `${randomBytes(6).toString("hex")}.json.sn`;
      blobs.set(name, { body, ...(status ? { status } : {}) });
      byDigest.set(digest, [...(byDigest.get(digest) ?? []), name]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("verifying a file against GitHub's attestation store, bundles served by URL", () => {
  let sigstore: SigstoreHarness;
  let github: Awaited<ReturnType<typeof startGitHubAndBlobs>>;
  let dir: string;
  let trustedRoot: string;

  beforeAll(async () => {
    [sigstore, github] = await Promise.all([startSigstoreHarness(), startGitHubAndBlobs()]);
    dir = mkdtempSync(join(tmpdir(), "sg-bundle-url-"));
    trustedRoot = sigstore.writeTrustedRoot(dir);
  });
  afterAll(async () => {
    await Promise.all([sigstore?.close(), github?.close()]);
  });

  async function releaseFile(name: string) {
    const path = join(dir, name);
    writeFileSync(path, `${name} ${randomBytes(8).toString("hex")}`);
    const digest = `sha256:${createHash("sha256").update(readFileSync(path)).digest("hex")}`;
    const bundle = await sigstore.sign(
      { subjects: [{ name, digest: { sha256: digest.slice(7) } }] },
      { claims: githubClaims({ repository: REPOSITORY }) },
    );
    return { path, digest, bundle: Buffer.from(JSON.stringify(bundle)) };
  }

  const verify = (path: string) =>
    runCli(
      [
        "attest",
        "verify",
        "--file",
        path,
        "--repo",
        REPOSITORY,
        "--trusted-root",
        trustedRoot,
        "--format",
        "json",
      ],
      { env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url } },
    );

  it("reads snappy blocks, framed streams and plain JSON, never sending the token to the blob store", async () => {
    for (const encode of [
      (bytes: Buffer) => Buffer.from(compress(bytes)),
      (bytes: Buffer) => framed(compress(bytes)),
      (bytes: Buffer) => bytes,
    ]) {
      const file = await releaseFile("wash");
      github.store(file.digest, encode(file.bundle));
      const result = await verify(file.path);
      expect(result.stdout + result.stderr).not.toContain(TOKEN);
      const [subject] = JSON.parse(result.stdout);
      expect(subject.verified, result.stdout).toBe(true);
      expect(result.exitCode).toBe(0);
    }
    expect(github.blobRequests.length).toBeGreaterThan(0);
    expect(github.blobRequests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it("names a bundle that cannot be fetched, and still verifies with the next one", async () => {
    const file = await releaseFile("wadm");
    github.store(file.digest, Buffer.from("server error"), 500);
    const failed = await verify(file.path);
    const [alone] = JSON.parse(failed.stdout);
    expect(alone.failures).toEqual([
      expect.objectContaining({ check: "bundle", message: expect.stringContaining("HTTP 500") }),
    ]);
    expect(failed.exitCode).toBe(1);
    github.store(file.digest, Buffer.from(compress(file.bundle)));
    const result = await verify(file.path);
    expect(JSON.parse(result.stdout)[0].verified).toBe(true);
    expect(result.exitCode).toBe(0);
  });
});

describe("snappy decompression", () => {
  it("agrees with an independent encoder on text, repeats and random bytes", () => {
    const inputs = [
      Buffer.from(""),
      Buffer.from("a"),
      Buffer.from("abcabcabc".repeat(1000)),
      randomBytes(70_000),
      Buffer.concat([randomBytes(300), Buffer.alloc(100_000, 7), randomBytes(300)]),
      Buffer.from(
        JSON.stringify({ text: "x".repeat(5000), list: Array.from({ length: 500 }, (_, i) => i) }),
      ),
    ];
    for (const input of inputs) {
      expect(snappyDecompress(compress(input), 1 << 20).equals(input)).toBe(true);
    }
  });

  it("refuses a block that announces more than the limit before allocating it", () => {
    // Preamble of 2^32 - 1 bytes, then nothing.
    const bomb = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => snappyDecompress(bomb, 1 << 20)).toThrow(SnappyError);
    expect(() => snappyDecompress(compress(Buffer.alloc(2 << 20)), 1 << 20)).toThrow(SnappyError);
  });

  it("refuses copies that reach before the start and truncated input", () => {
    expect(() => snappyDecompress(Buffer.from([0x05, 0x01, 0x05]), 100)).toThrow(SnappyError);
    const good = Buffer.from(compress(Buffer.from("hello hello hello hello")));
    expect(() => snappyDecompress(good.subarray(0, good.length - 2), 100)).toThrow(SnappyError);
  });
});
