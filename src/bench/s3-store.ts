import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { proxiedAgents } from "../core/network.ts";
import { ObjectExistsError, type ObjectStore, type PutOptions, type S3Location } from "./store.ts";

/**
 * An S3 bucket (or MinIO, R2, any S3-compatible endpoint with path-style addressing). The SDK
 * retries throttling, 5xx and connection errors itself, with backoff, up to `maxAttempts`.
 */
export class S3Store implements ObjectStore {
  readonly description: string;
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(location: S3Location, maxAttempts = 5) {
    this.bucket = location.bucket;
    this.description = `s3://${location.bucket}/${location.prefix}`;
    const agents = proxiedAgents({ maxSockets: 16 });
    this.client = new S3Client({
      region:
        location.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      ...(location.endpoint ? { endpoint: location.endpoint } : {}),
      forcePathStyle: location.pathStyle,
      maxAttempts,
      // The SDK's own agents ignore HTTPS_PROXY; a self-hosted runner behind a proxy needs these.
      requestHandler: { httpAgent: agents.http, httpsAgent: agents.https },
    });
  }

  async put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<void> {
    // Servers that ignore If-None-Match (older MinIO, s3rver) still must not overwrite a run.
    if (options.immutable && (await this.exists(key))) {
      throw new ObjectExistsError(`${key} already exists in ${this.description}`);
    }
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType ?? contentTypeOf(key),
          ...(options.immutable ? { IfNoneMatch: "*" } : {}),
        }),
      );
    } catch (thrown) {
      if (thrown instanceof S3ServiceException && thrown.$metadata.httpStatusCode === 412) {
        throw new ObjectExistsError(`${key} already exists in ${this.description}`);
      }
      throw thrown;
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (thrown) {
      if (thrown instanceof S3ServiceException && thrown.$metadata.httpStatusCode === 404)
        return false;
      throw thrown;
    }
  }

  async get(key: string): Promise<string | undefined> {
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      return await response.Body?.transformToString("utf8");
    } catch (thrown) {
      if (thrown instanceof S3ServiceException && thrown.$metadata.httpStatusCode === 404) {
        return undefined;
      }
      throw thrown;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
};

function contentTypeOf(key: string): string {
  return CONTENT_TYPES[key.split(".").pop() ?? ""] ?? "application/octet-stream";
}
