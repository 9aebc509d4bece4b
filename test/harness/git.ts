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

/** git's environment for tests: no system or user configuration, no prompts. */
function gitEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    ...extra,
  };
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
    return this.run(args, {});
  }

  private run(args: string[], env: Record<string, string>, input?: string): string {
    return execFileSync("git", args, {
      cwd: this.path,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      env: gitEnvironment(env),
      input,
    }).trimEnd();
  }

  /** Author, committer and dates for the next commit: the scripted ones or the next clock tick. */
  private identity(author?: { name: string; email: string }, date?: string) {
    this.clock += 60_000;
    const when = date ?? new Date(this.clock).toISOString();
    const who = author ?? { name: "Test Author", email: "author@example.com" };
    return {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_DATE: when,
    };
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
    const {
      message,
      files = {},
      author,
      date,
      allowEmpty,
    } = typeof options === "string" ? { message: options } : options;
    this.write(files);
    this.git("add", "--all");
    const flags = allowEmpty ? ["--allow-empty"] : [];
    this.run(
      ["commit", "--quiet", "--no-verify", ...flags, "-F", "-"],
      this.identity(author, date),
      message,
    );
    return this.head();
  }

  head(): string {
    return this.git("rev-parse", "HEAD");
  }

  tag(name: string, target = "HEAD", message?: string): void {
    if (message) this.run(["tag", "-a", name, "-m", message, target], this.identity());
    else this.git("tag", name, target);
  }

  checkout(branch: string, { create = false } = {}): void {
    this.git("checkout", "--quiet", ...(create ? ["-b"] : []), branch);
  }

  /** Merges `branch` into the current branch with a merge commit; returns its SHA. */
  merge(
    branch: string,
    message = `Merge ${branch}`,
    options: { author?: { name: string; email: string }; date?: string } = {},
  ): string {
    this.run(
      ["merge", "--quiet", "--no-ff", "--no-verify", "-m", message, branch],
      this.identity(options.author, options.date),
    );
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
  execFileSync("git", ["clone", "--quiet", "--depth", "1", `file://${source.path}`, path], {
    env: gitEnvironment(),
  });
  return Object.assign(Object.create(TestRepository.prototype) as TestRepository, {
    path,
    clock: Date.now(),
  });
}
