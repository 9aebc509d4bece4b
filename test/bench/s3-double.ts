import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small S3 of our own, written from Amazon's S3 API reference rather than taken from s3rver, so
 * a misconception s3rver shares with the store cannot hide. Path-style only (`/bucket/key`):
 * PutObject (with `If-None-Match: *`, answered 412 when the key exists), GetObject, HeadObject
 * and ListObjectsV2 (pages of `max-keys`, default 1,000, with continuation tokens). Signatures are
 * not checked. Faults make it misbehave the way a real endpoint can: a write that lands at a
 * random moment while its request is open (so concurrent writes finish out of order), a 503
 * before doing anything, and a connection dropped after the write was applied.
 */
export interface S3Fault {
  /** Which requests: method, key (`undefined` for a listing), the client's access key id. */
  when(request: { method: string; key: string | undefined; client: string }): boolean;
  /**
   * `503`: refuse before acting (retryable). `500-forever`: refuse every time. `drop`: act, then
   * reset the connection. `hold`: a write that lands only once `until()` settles (whatever other
   * clients did meanwhile).
   */
  kind: "503" | "drop" | "500-forever" | "hold";
  until?: () => Promise<unknown>;
  /** How many matching requests misbehave; forever when absent. */
  times?: number;
}

export interface S3DoubleOptions {
  bucket?: string;
  /** Each write lands after a random delay up to this many ms (its response comes after that). */
  writeDelayMs?: number;
  /** Page size of ListObjectsV2 when the client asks for more (the real maximum is 1,000). */
  pageSize?: number;
}

export interface S3Double {
  endpoint: string;
  bucket: string;
  env: Record<string, string>;
  objects: Map<string, Buffer>;
  /** Every request as `METHOD key-or-?list`, in arrival order. */
  requests: string[];
  faults: S3Fault[];
  close(): Promise<void>;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n';

function xml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function errorXml(code: string, message: string): string {
  return `${XML_HEAD}<Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`;
}

/** `aws-chunked` bodies (streaming uploads with a trailing checksum) back to their bytes. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const end = body.indexOf("\r\n", offset);
    if (end < 0) break;
    const size = Number.parseInt(
      body.subarray(offset, end).toString("latin1").split(";")[0] ?? "",
      16,
    );
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(end + 2, end + 2 + size));
    offset = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startS3Double(options: S3DoubleOptions = {}): Promise<S3Double> {
  const bucket = options.bucket ?? "benchmarks";
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const faults: S3Fault[] = [];
  const pageSize = options.pageSize ?? 1000;

  function faultFor(request: { method: string; key: string | undefined; client: string }) {
    const fault = faults.find(
      (candidate) =>
        (candidate.times === undefined || candidate.times > 0) && candidate.when(request),
    );
    if (fault?.times !== undefined) fault.times--;
    return fault;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://s3.double");
    const [, bucketName, ...rest] = url.pathname.split("/");
    const key = rest.length > 0 ? decodeURIComponent(rest.join("/")) : undefined;
    const method = request.method ?? "GET";
    const body = await readBody(request);
    requests.push(`${method} ${key ?? "?list"}`);
    if (bucketName !== bucket) {
      response.writeHead(404, { "content-type": "application/xml" });
      response.end(errorXml("NoSuchBucket", "The specified bucket does not exist"));
      return;
    }
    const client =
      /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ""))?.[1] ?? "";
    const fault = faultFor({ method, key, client });
    if (fault?.kind === "503") {
      response.writeHead(503, { "content-type": "application/xml" });
      response.end(errorXml("SlowDown", "Please reduce your request rate."));
      return;
    }
    if (fault?.kind === "500-forever") {
      response.writeHead(500, { "content-type": "application/xml" });
      response.end(errorXml("InternalError", "We encountered an internal error."));
      return;
    }
    if (method === "PUT" && key) {
      const chunked = /aws-chunked/.test(String(request.headers["content-encoding"] ?? ""));
      const content = chunked ? decodeAwsChunked(body) : body;
      // The write lands at some moment while the request is open: concurrent writes reorder.
      await sleep(Math.random() * (options.writeDelayMs ?? 0));
      if (fault?.kind === "hold") await fault.until?.();
      if (request.headers["if-none-match"] === "*" && objects.has(key)) {
        response.writeHead(412, { "content-type": "application/xml" });
        response.end(
          errorXml(
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
          ),
        );
        return;
      }
      objects.set(key, content);
      if (fault?.kind === "drop") {
        request.socket.destroy();
        return;
      }
      response.writeHead(200, { etag: `"${createHash("md5").update(content).digest("hex")}"` });
      response.end();
      return;
    }
    if ((method === "GET" || method === "HEAD") && key) {
      const content = objects.get(key);
      if (!content) {
        response.writeHead(404, { "content-type": "application/xml" });
        response.end(
          method === "HEAD"
            ? undefined
            : errorXml("NoSuchKey", "The specified key does not exist."),
        );
        return;
      }
      response.writeHead(200, {
        "content-length": content.length,
        "content-type": "application/octet-stream",
        etag: `"${createHash("md5").update(content).digest("hex")}"`,
      });
      response.end(method === "HEAD" ? undefined : content);
      return;
    }
    if (method === "GET" && url.searchParams.get("list-type") === "2") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const after =
        url.searchParams.get("continuation-token") ?? url.searchParams.get("start-after") ?? "";
      const limit = Math.min(pageSize, Number(url.searchParams.get("max-keys") ?? 1000));
      // S3 lists keys in UTF-8 binary order.
      const keys = [...objects.keys()]
        .filter((candidate) => candidate.startsWith(prefix) && candidate > after)
        .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      const page = keys.slice(0, limit);
      const truncated = keys.length > page.length;
      const contents = page
        .map(
          (name) =>
            `<Contents><Key>${xml(name)}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"x"</ETag><Size>${objects.get(name)?.length ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
        )
        .join("");
      response.writeHead(200, { "content-type": "application/xml" });
      response.end(
        `${XML_HEAD}<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${limit}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${xml(page[page.length - 1] ?? "")}</NextContinuationToken>` : ""}</ListBucketResult>`,
      );
      return;
    }
    response.writeHead(501, { "content-type": "application/xml" });
    response.end(errorXml("NotImplemented", `${method} ${url.pathname}${url.search}`));
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bucket,
    env: { AWS_ACCESS_KEY_ID: "DOUBLE", AWS_SECRET_ACCESS_KEY: "DOUBLE", AWS_REGION: "us-east-1" },
    objects,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
