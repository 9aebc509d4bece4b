import { execFile, execFileSync } from "node:child_process";

/**
 * The one way the suite runs git: never prompts for credentials (`GIT_TERMINAL_PROMPT=0`, no
 * askpass, no credential manager dialog), never fetches missing objects of a partial clone behind
 * the user's back, prints paths as they are (`core.quotepath=off`), and stops after a timeout.
 * Failures are {@link GitError}s that name the command and carry git's own words.
 */
export interface GitOptions {
  /** Extra environment for git (credentials go here, as `GIT_CONFIG_*`, never on the command line). */
  env?: NodeJS.ProcessEnv;
  /** Standard input. */
  input?: string | Buffer;
  /** Default two minutes: a network command that hangs must not hold the job for six hours. */
  timeoutMs?: number;
}

export class GitError extends Error {
  override readonly name = "GitError";
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(args: readonly string[], exitCode: number | null, stderr: string, reason?: string) {
    const said = stderr.trim().split("\n").slice(-3).join(" ").trim();
    super(
      `git ${describeArgs(args)} ${reason ?? `failed (exit ${exitCode ?? "signal"})`}${said ? `: ${said}` : ""}`,
    );
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_BUFFER = 1024 * 1024 * 1024;

/** Arguments as shown in messages: values of `-c` options are hidden, since they may hold credentials. */
function describeArgs(args: readonly string[]): string {
  return args.map((arg, index) => (args[index - 1] === "-c" ? "<config>" : arg)).join(" ");
}

export function gitEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    GCM_INTERACTIVE: "never",
    GIT_NO_LAZY_FETCH: "1",
    // The user's pager, editor and locale must not change what the suite reads.
    GIT_PAGER: "cat",
    GIT_EDITOR: "true",
    LC_ALL: "C",
    ...extra,
  };
}

/**
 * `GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n`: git configuration that never shows in `ps` or a log, added
 * after the entries the workflow's own environment already passes this way (which still apply).
 * An `extraheader` (a credential) replaces the headers git would send besides: the one
 * actions/checkout persists in the repository's configuration would make a second
 * `Authorization`, which GitHub refuses ("Duplicate header", status 400). An empty value resets
 * the list, for the headers of every server and for those of the key's own.
 */
export function gitConfigEnvironment(
  settings: Record<string, string>,
  inherited: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const entries = Object.entries(settings).flatMap(([key, value]): [string, string][] =>
    /^http\.(?:.*\.)?extraheader$/i.test(key)
      ? [
          ["http.extraheader", ""],
          [key, ""],
          [key, value],
        ]
      : [[key, value]],
  );
  const count = inherited.GIT_CONFIG_COUNT ?? "";
  const first = /^\d+$/.test(count) ? Number(count) : 0;
  const env: NodeJS.ProcessEnv = { GIT_CONFIG_COUNT: String(first + entries.length) };
  entries.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${first + index}`] = key;
    env[`GIT_CONFIG_VALUE_${first + index}`] = value;
  });
  return env;
}

export class Git {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(dir: string, env: NodeJS.ProcessEnv = {}) {
    this.dir = dir;
    this.env = env;
  }

  /** Standard output of a git command; a {@link GitError} when it fails. */
  run(args: readonly string[], options: GitOptions = {}): Promise<string> {
    const full = ["-c", "core.quotepath=off", ...args];
    return new Promise((resolve, reject) => {
      const child = execFile(
        "git",
        full,
        {
          cwd: this.dir,
          env: gitEnvironment({ ...this.env, ...options.env }),
          maxBuffer: MAX_BUFFER,
          timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          killSignal: "SIGKILL",
          encoding: "utf8",
        },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const killed = (error as { killed?: boolean }).killed;
          const code = typeof error.code === "number" ? error.code : null;
          const reason = killed
            ? `timed out after ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000}s`
            : typeof error.code === "string"
              ? `could not start (${error.code})`
              : undefined;
          reject(new GitError(args, code, stderr, reason));
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  /** The same, blocking: for code that reads a checkout step by step (the release train). */
  runSync(args: readonly string[], options: GitOptions = {}): string {
    return this.runSyncBytes(args, options).toString("utf8");
  }

  /**
   * Standard output as bytes, for output that counts in bytes (`cat-file --batch` announces each
   * object's size in bytes, which a decoded string no longer has).
   */
  runSyncBytes(args: readonly string[], options: GitOptions = {}): Buffer {
    try {
      return execFileSync("git", ["-c", "core.quotepath=off", ...args], {
        cwd: this.dir,
        env: gitEnvironment({ ...this.env, ...options.env }),
        input: options.input,
        maxBuffer: MAX_BUFFER,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: "SIGKILL",
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (thrown) {
      const failure = thrown as { status?: number | null; stderr?: string; code?: string };
      const reason =
        failure.code === "ETIMEDOUT"
          ? `timed out after ${(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000}s`
          : failure.code && failure.status == null
            ? `could not start (${failure.code})`
            : undefined;
      throw new GitError(args, failure.status ?? null, String(failure.stderr ?? ""), reason);
    }
  }

  /** Whether the command succeeds (`merge-base --is-ancestor`, `cat-file -e`). */
  async succeeds(args: readonly string[], options: GitOptions = {}): Promise<boolean> {
    try {
      await this.run(args, options);
      return true;
    } catch (thrown) {
      if (thrown instanceof GitError && thrown.exitCode !== null) return false;
      throw thrown;
    }
  }

  /** Trimmed output, or undefined when the command fails or prints nothing (`rev-parse --verify`). */
  async value(args: readonly string[]): Promise<string | undefined> {
    try {
      return (await this.run(args)).trim() || undefined;
    } catch (thrown) {
      if (thrown instanceof GitError && thrown.exitCode !== null) return undefined;
      throw thrown;
    }
  }

  /** NUL-separated output (`-z`) split into its records. */
  async records(args: readonly string[], options: GitOptions = {}): Promise<string[]> {
    return splitRecords(await this.run(args, options));
  }
}

export function splitRecords(output: string): string[] {
  return output.split("\0").filter((record) => record.length > 0);
}
