import { randomBytes } from "node:crypto";
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ConfigurationError } from "../core/errors.ts";

/** The few object-store operations the uploader needs; S3 and a local directory provide them. */
export interface ObjectStore {
  /** Where the objects live, for messages: `s3://bucket/prefix` or a directory. */
  readonly description: string;
  /** Writes an object; with `immutable`, refuses to replace an existing one. */
  put(key: string, body: string | Uint8Array, options?: PutOptions): Promise<void>;
  /** The object's text, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** Every key under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
}

export interface PutOptions {
  immutable?: boolean;
  contentType?: string;
}

export class ObjectExistsError extends Error {
  override readonly name = "ObjectExistsError";
}

/** A plain directory: for self-hosted runners, tests, and GitHub Pages builds. */
export class DirectoryStore implements ObjectStore {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
    this.description = root;
  }

  /**
   * Readers never see half a file: the body is written aside, then renamed into place, or for an
   * immutable object hard-linked, which fails when the name is taken.
   */
  async put(key: string, body: string | Uint8Array, options: PutOptions = {}): Promise<void> {
    const path = this.pathOf(key);
    mkdirSync(dirname(path), { recursive: true });
    const aside = `${path}.${randomBytes(6).toString("hex")}.partial`;
    writeFileSync(aside, body);
    try {
      if (options.immutable) linkSync(aside, path);
      else renameSync(aside, path);
    } catch (thrown) {
      if ((thrown as NodeJS.ErrnoException).code === "EEXIST") {
        throw new ObjectExistsError(`${key} already exists in ${this.description}`);
      }
      throw thrown;
    } finally {
      rmSync(aside, { force: true });
    }
  }

  async get(key: string): Promise<string | undefined> {
    try {
      return readFileSync(this.pathOf(key), "utf8");
    } catch (thrown) {
      if ((thrown as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw thrown;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const directory = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const keys: string[] = [];
    const visit = (path: string) => {
      for (const entry of readdirSync(path, { withFileTypes: true })) {
        const child = join(path, entry.name);
        if (entry.isDirectory()) visit(child);
        else if (!entry.name.endsWith(".partial"))
          keys.push(relative(this.root, child).split(sep).join("/"));
      }
    };
    if (existsSync(join(this.root, directory))) visit(join(this.root, directory));
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  private pathOf(key: string): string {
    if (key === "" || key.split("/").some((part) => part === ".." || part === "")) {
      throw new Error(`refusing object key '${key}'`);
    }
    return join(this.root, key);
  }
}

export interface S3Location {
  bucket: string;
  prefix: string;
  region?: string;
  endpoint?: string;
  pathStyle: boolean;
}

/** `s3://bucket/some/prefix` → bucket and prefix (always ending in `/` when not empty). */
export function parseS3Url(url: string, input = "storage"): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) {
    throw new ConfigurationError(
      `input '${input}' is '${url}'; use s3://bucket/prefix or a local directory path`,
    );
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1] as string, prefix: prefix ? `${prefix}/` : "" };
}

/**
 * Opens `s3://...` through the AWS SDK (loaded only then) or a directory. Credentials come from
 * the environment the way aws-actions/configure-aws-credentials leaves them (keys, session token,
 * or a web identity token file for OIDC).
 */
export async function openStore(
  location: string,
  s3: Omit<S3Location, "bucket" | "prefix">,
  cwd: string,
): Promise<{ store: ObjectStore; prefix: string }> {
  if (!location.startsWith("s3://")) {
    return { store: new DirectoryStore(resolve(cwd, location)), prefix: "" };
  }
  const { bucket, prefix } = parseS3Url(location);
  const { S3Store } = await import("./s3-store.ts");
  return { store: new S3Store({ ...s3, bucket, prefix }), prefix };
}
