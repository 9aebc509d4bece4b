import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface CommitOptions {
  message: string;
  /** Files to write (string content) or delete (null), relative to the repository root. */
  files?: Record<string, string | null>;
  author?: { name: string; email: string };
  /** ISO date used for both author and committer dates. */
  date?: string;
  /** Create the commit even with no change. */
  allowEmpty?: boolean;
}

/**
 * A real git repository in a temp dir with a scripted history. Use it as
 * `await using repo = createRepository()` (or `using`), which removes it afterwards.
 */
export class TestRepository {
  readonly path: string;
  private clock = Date.parse("2026-01-05T10:00:00Z");

  constructor(options: { defaultBranch?: string; path?: string } = {}) {
    this.path = options.path ?? mkdtempSync(join(tmpdir(), "sg-repo-"));
    this.git("init", "--quiet", `--initial-branch=${options.defaultBranch ?? "main"}`);
    this.git("config", "user.name", "Test Author");
    this.git("config", "user.email", "author@example.com");
    this.git("config", "commit.gpgsign", "false");
    this.git("config", "tag.gpgsign", "false");
  }

  /** Runs git in the repository and returns trimmed stdout. */
  git(...args: string[]): string {
    return execFileSync("git", args, {
      cwd: this.path,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0" },
    }).trimEnd();
  }

  write(files: Record<string, string | null>): void {
    for (const [path, content] of Object.entries(files)) {
      const target = join(this.path, path);
      if (content === null) {
        unlinkSync(target);
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }

  /** Writes the files, stages everything and commits; returns the new commit's SHA. */
  commit(options: CommitOptions | string): string {
    const { message, files = {}, author, date, allowEmpty } =
      typeof options === "string" ? { message: options } : options;
    this.write(files);
    this.git("add", "--all");
    this.clock += 60_000;
    const when = date ?? new Date(this.clock).toISOString();
    const who = author ?? { name: "Test Author", email: "author@example.com" };
    execFileSync(
      "git",
      ["commit", "--quiet", "--no-verify", ...(allowEmpty ? ["--allow-empty"] : []), "-F", "-"],
      {
        cwd: this.path,
        input: message,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_COMMITTER_NAME: who.name,
          GIT_COMMITTER_EMAIL: who.email,
          GIT_AUTHOR_DATE: when,
          GIT_COMMITTER_DATE: when,
        },
      },
    );
    return this.head();
  }

  head(): string {
    return this.git("rev-parse", "HEAD");
  }

  tag(name: string, target = "HEAD", message?: string): void {
    if (message) this.git("tag", "-a", name, "-m", message, target);
    else this.git("tag", name, target);
  }

  checkout(branch: string, { create = false } = {}): void {
    this.git("checkout", "--quiet", ...(create ? ["-b"] : []), branch);
  }

  /** Merges `branch` into the current branch with a merge commit; returns its SHA. */
  merge(branch: string, message = `Merge ${branch}`): string {
    this.git("merge", "--quiet", "--no-ff", "-m", message, branch);
    return this.head();
  }

  [Symbol.dispose](): void {
    rmSync(this.path, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this[Symbol.dispose]();
  }
}

export function createRepository(options?: { defaultBranch?: string }): TestRepository {
  return new TestRepository(options);
}

/** A shallow clone of `source` (depth 1) in a new temp dir. */
export function shallowClone(source: TestRepository): TestRepository {
  const path = mkdtempSync(join(tmpdir(), "sg-shallow-"));
  execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${source.path}`, path]);
  return Object.assign(Object.create(TestRepository.prototype) as TestRepository, {
    path,
    clock: Date.now(),
  });
}
