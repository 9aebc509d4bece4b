import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Git, GitError, gitConfigEnvironment } from "../core/git.ts";
import { DirectoryStore, type ObjectStore, type PutOptions } from "./store.ts";

/** Where a git-branch store lives: a repository (URL or path) and a branch. */
export interface GitBranchLocation {
  repository: string;
  branch: string;
  /** A token sent as HTTP basic auth through `GIT_CONFIG_*`, never on a command line... */
  token?: string;
  /** ...and only to this server (`https://github.com`, a GHES host), whatever `repository` says. */
  server?: string;
  /** Where the working copy goes (`RUNNER_TEMP`); the system's temporary folder otherwise. */
  temp?: string;
}

/** Many uploads at once (20 matrix legs) race for the branch; each retry starts from its tip. */
const PUSH_ATTEMPTS = 40;
const BOT = {
  GIT_AUTHOR_NAME: "github-actions[bot]",
  GIT_AUTHOR_EMAIL: "41898282+github-actions[bot]@users.noreply.github.com",
  GIT_COMMITTER_NAME: "github-actions[bot]",
  GIT_COMMITTER_EMAIL: "41898282+github-actions[bot]@users.noreply.github.com",
};

/**
 * Runs and the dashboard on a branch (`gh-pages`) of a git repository, as GitHub Pages serves
 * them. Objects are files of a shallow working copy of the branch; {@link atomically} commits what
 * an upload wrote and pushes it. A push refused because another upload got there first is retried
 * from the new tip: the upload's own run files are written again (immutable, so never a conflict)
 * and the site rebuilt from everything then on the branch, so every concurrent upload is kept.
 */
export class GitBranchStore implements ObjectStore {
  readonly description: string;
  private readonly git: Git;
  private readonly files: DirectoryStore;
  private readonly location: GitBranchLocation;
  readonly directory: string;
  readonly writesWithWorkflowToken: boolean;

  constructor(location: GitBranchLocation) {
    this.location = location;
    this.description = `${location.branch} branch of ${redact(location.repository)}/`;
    this.directory = mkdtempSync(join(location.temp ?? tmpdir(), "status-gate-bench-git-"));
    this.files = new DirectoryStore(this.directory);
    // Scoped to the server like actions/checkout does: a storage repository on another host
    // (a mirror, a typo) never receives the workflow's token.
    const server = location.server?.replace(/\/*$/, "/");
    this.writesWithWorkflowToken =
      !!location.token && !!server && location.repository.startsWith(server);
    const auth =
      location.token && server
        ? gitConfigEnvironment({
            [`http.${server}.extraheader`]: `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${location.token}`).toString("base64")}`,
          })
        : {};
    this.git = new Git(this.directory, { ...BOT, ...auth });
  }

  /** The working copy at the branch's tip (an empty branch when it does not exist yet). */
  async open(): Promise<this> {
    await this.git.run(["init", "--quiet"]);
    await this.git.run(["remote", "add", "origin", this.location.repository]);
    // The branch's files are data, stored byte for byte: whatever its .gitattributes say (an
    // encoding, line endings, a filter), this file of highest precedence turns them off, and
    // symbolic links are checked out as plain files (then removed, see refresh).
    await this.git.run(["config", "core.symlinks", "false"]);
    writeFileSync(
      join(this.directory, ".git", "info", "attributes"),
      "* -text -eol -filter -ident -working-tree-encoding\n",
    );
    await this.refresh();
    return this;
  }

  private async refresh(): Promise<void> {
    const { branch } = this.location;
    const remoteRef = `refs/remotes/origin/${branch}`;
    const exists = (
      await this.remote(["ls-remote", "--heads", "origin", `refs/heads/${branch}`])
    ).trim();
    if (exists) {
      await this.remote([
        "fetch",
        "--quiet",
        "--depth=1",
        "origin",
        `+refs/heads/${branch}:${remoteRef}`,
      ]);
      await this.git.run(["checkout", "--quiet", "--force", "-B", branch, remoteRef]);
    } else {
      // A branch of its own, with no history: the store's first upload creates it.
      await this.git.succeeds(["update-ref", "-d", `refs/heads/${branch}`]);
      await this.git.run(["symbolic-ref", "HEAD", `refs/heads/${branch}`]);
      await this.git.run(["rm", "-r", "--quiet", "--force", "--cached", "--ignore-unmatch", "."]);
    }
    await this.git.run(["clean", "-d", "-x", "--force", "--quiet"]);
    await this.dropSymbolicLinks();
  }

  /**
   * A symbolic link on the branch (`site -> /home/runner/...`) would make the store write or read
   * outside its working copy: it is no run and no part of the site, so it leaves the branch with
   * this upload's commit.
   */
  private async dropSymbolicLinks(): Promise<void> {
    const links = (await this.git.records(["ls-files", "--stage", "-z"]))
      .filter((entry) => entry.startsWith("120000 "))
      .map((entry) => entry.slice(entry.indexOf("\t") + 1));
    for (const link of links) {
      await this.git.run(["rm", "--cached", "--quiet", "--", link]);
      rmSync(join(this.directory, link), { force: true });
    }
  }

  put(key: string, body: string | Uint8Array, options?: PutOptions): Promise<void> {
    return this.files.put(key, body, options);
  }

  get(key: string): Promise<string | undefined> {
    return this.files.get(key);
  }

  async list(prefix: string): Promise<string[]> {
    return (await this.files.list(prefix)).filter((key) => !key.startsWith(".git/"));
  }

  /**
   * Runs `work` on the branch's tip, commits what it wrote and pushes; when the push is refused
   * because the branch moved, starts again from the new tip. Nothing written is a no-op.
   */
  async atomically<T>(message: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) await this.refresh();
      const result = await work();
      // --force: a .gitignore on the branch (or the runner's global one) must not drop a run.
      await this.git.run(["add", "--all", "--force", "."]);
      if (await this.git.succeeds(["diff", "--cached", "--quiet"])) return result;
      await this.git.run(["commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", message]);
      try {
        // A push that failed in transit and is sent again after it landed is a no-op.
        await this.remote(["push", "--quiet", "origin", `HEAD:refs/heads/${this.location.branch}`]);
        return result;
      } catch (thrown) {
        if (!(thrown instanceof GitError) || !isRace(thrown) || attempt >= PUSH_ATTEMPTS) {
          throw thrown;
        }
        // Spread the retries so twenty legs do not collide again in lockstep.
        await sleep(Math.min(2000, 50 * attempt) * (0.5 + Math.random()));
      }
    }
  }

  /** A command that talks to the server, sent again after a transient failure (a 5xx, a reset). */
  private async remote(args: readonly string[]): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.git.run(args);
      } catch (thrown) {
        if (!(thrown instanceof GitError) || !isTransient(thrown) || attempt >= NETWORK_ATTEMPTS) {
          throw thrown;
        }
        await sleep(500 * 2 ** (attempt - 1) * (0.5 + Math.random()));
      }
    }
  }

  close(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

const NETWORK_ATTEMPTS = 5;

/** The server or the network failed, not the request: worth sending again. */
function isTransient(error: GitError): boolean {
  return /returned error: 5\d\d|HTTP 5\d\d|RPC failed|remote end hung up|early EOF|unexpected disconnect|Connection (?:reset|refused|timed out)|Operation timed out|Could not resolve host|Failed to connect|SSL_ERROR|gnutls_handshake|errno=/i.test(
    error.stderr,
  );
}

/** The push lost a race: the branch moved, or the server was updating the ref just then. */
function isRace(error: GitError): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|incorrect old value|stale info/i.test(
    error.stderr,
  );
}

function redact(repository: string): string {
  return repository.replace(/\/\/[^/@]*@/, "//");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
