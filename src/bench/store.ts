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
  /**
   * Stores that publish in one step (a git branch) run a whole upload inside this, and run it
   * again from their new state when a concurrent upload won the race.
   */
  atomically?<T>(message: string, work: () => Promise<T>): Promise<T>;
  /** Writes with the workflow's token (a git branch of this server), not credentials of its own. */
  readonly writesWithWorkflowToken?: boolean;
  /** Removes what the store keeps on this machine (a git working copy). */
  close?(): void;
}

/** `work` as one step of the store, when the store has steps; as it is otherwise. */
export function atomically<T>(store: ObjectStore, message: string, work: () => Promise<T>) {
  return store.atomically ? store.atomically(message, work) : work();
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
export function parseS3Url(
  url: string,
  input = "input 'storage'",
): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) {
    throw new ConfigurationError(
      `${input} is '${url}'; use s3://bucket/prefix, git-branch or a local directory path`,
    );
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1] as string, prefix: prefix ? `${prefix}/` : "" };
}

/** `storage: git-branch`: the branch and repository it lives in. */
export const GIT_BRANCH_STORAGE = "git-branch";

export interface StorageSettings {
  /** `s3://bucket/prefix`, `git-branch`, or a directory. */
  location: string;
  s3: Omit<S3Location, "bucket" | "prefix">;
  git: {
    branch: string;
    repository: string | undefined;
    token?: string;
    /** The only server the token is sent to. */
    server?: string;
    temp?: string;
  };
}

export interface OpenedStore {
  store: ObjectStore;
  prefix: string;
}

/**
 * Opens `s3://...` through the AWS SDK (loaded only then), `git-branch` as a working copy of the
 * branch, or a directory. S3 credentials come from the environment the way
 * aws-actions/configure-aws-credentials leaves them (keys, session token, or a web identity token
 * file for OIDC).
 */
export async function openStore(settings: StorageSettings, cwd: string): Promise<OpenedStore> {
  const { location } = settings;
  if (location === GIT_BRANCH_STORAGE) {
    const repository = settings.git.repository;
    if (!repository) {
      throw new ConfigurationError(
        "storage 'git-branch' needs the repository to push to; outside Actions give --storage-repository",
      );
    }
    const { GitBranchStore } = await import("./git-store.ts");
    const store = new GitBranchStore({ ...settings.git, repository });
    try {
      return { store: await store.open(), prefix: "" };
    } catch (thrown) {
      store.close();
      throw thrown;
    }
  }
  if (!location.startsWith("s3://")) {
    return { store: new DirectoryStore(resolve(cwd, location)), prefix: "" };
  }
  const { bucket, prefix } = parseS3Url(location);
  const { S3Store } = await import("./s3-store.ts");
  return { store: new S3Store({ ...settings.s3, bucket, prefix }), prefix };
}
