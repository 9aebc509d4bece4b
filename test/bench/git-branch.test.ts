import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../harness/runner.ts";
import { type GitHttpDouble, startGitHttpDouble } from "./git-http-double.ts";
import { storedRunMetadata, temporaryDirectory } from "./helpers.ts";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

/** The files of the branch's tip in a bare repository. */
function filesOn(bare: string, branch: string): string[] {
  return git(bare, "ls-tree", "-r", "--name-only", branch).split("\n").filter(Boolean);
}

describe("storage: git-branch against a real bare repository", () => {
  it("keeps all 20 runs pushed at once (fetch, rebuild, push again when the branch moved)", async () => {
    using directory = temporaryDirectory();
    const bare = join(directory.path, "origin.git");
    git(directory.path, "init", "--quiet", "--bare", bare);
    const uploads = Array.from({ length: 20 }, async (_, index) => {
      const file = join(directory.path, `leg-${index}.json`);
      writeFileSync(
        file,
        JSON.stringify([{ name: `shard ${index}`, value: 100 + index, unit: "bytes" }]),
      );
      return runCli(
        [
          "bench",
          "upload",
          file,
          "--storage",
          "git-branch",
          "--storage-repository",
          bare,
          "--commit",
          "a".repeat(40),
          "--run-id",
          "77",
          "--job",
          "bench",
          "--matrix-leg",
          String(index),
        ],
        { cwd: directory.path, timeoutMs: 240_000 },
      );
    });
    const runs = await Promise.all(uploads);
    for (const run of runs) expect(run.stderr).toBe("");
    expect(runs.map((run) => run.exitCode)).toEqual(Array(20).fill(0));
    const files = filesOn(bare, "gh-pages");
    const stored = files.filter((file) => file.startsWith("runs/"));
    expect(stored).toHaveLength(20);
    expect(stored).toContain(
      `runs/${stored[0]?.split("/")[1]}/${"a".repeat(40)}/77-1-bench-7.json`,
    );
    const index = JSON.parse(git(bare, "show", "gh-pages:site/data/index.json"));
    expect(index.runs).toHaveLength(20);
    expect(index.benchmarks).toHaveLength(20);
    expect(files).toContain("site/index.html");
    // One commit per upload, none lost or squashed.
    expect(Number(git(bare, "rev-list", "--count", "gh-pages"))).toBe(20);
  }, 300_000);

  it("rebuilds the site deterministically: a second build from the branch gives the same bytes", async () => {
    using directory = temporaryDirectory();
    const bare = join(directory.path, "origin.git");
    git(directory.path, "init", "--quiet", "--bare", bare);
    writeFileSync(
      join(directory.path, "r.json"),
      JSON.stringify([{ name: "a", value: 1, unit: "ms" }]),
    );
    const storage = [
      "--storage",
      "git-branch",
      "--storage-repository",
      bare,
      "--storage-branch",
      "perf",
    ];
    expect(
      (
        await runCli(["bench", "upload", "r.json", ...storage, "--commit", "b".repeat(40)], {
          cwd: directory.path,
        })
      ).exitCode,
    ).toBe(0);
    const built = git(bare, "show", "perf:site/data/index.json");
    for (const out of ["one", "two"]) {
      const site = await runCli(["bench", "site", ...storage, "--out", out], {
        cwd: directory.path,
      });
      expect(site.exitCode).toBe(0);
    }
    const read = (out: string) =>
      execFileSync("cat", [join(directory.path, out, "data/index.json")], { encoding: "utf8" });
    expect(read("one")).toBe(read("two"));
    expect(read("one")).toBe(built);
    // Building the site is read-only: the branch did not move.
    expect(Number(git(bare, "rev-list", "--count", "perf"))).toBe(1);
  });
});

describe("storage: git-branch holding what an attacker or another tool left on it", () => {
  /** A gh-pages branch with these files (and symbolic links), committed to a bare repository. */
  function branchWith(
    root: string,
    files: Record<string, string | Buffer>,
    links: Record<string, string>,
  ) {
    const bare = join(root, "origin.git");
    const work = join(root, "work");
    git(root, "init", "--quiet", "--bare", bare);
    git(root, "init", "--quiet", "-b", "gh-pages", work);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), text);
    }
    for (const [path, target] of Object.entries(links)) {
      mkdirSync(dirname(join(work, path)), { recursive: true });
      symlinkSync(target, join(work, path));
    }
    git(work, "add", "--all", "--force", ".");
    git(work, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "tampered");
    git(work, "push", "--quiet", bare, "gh-pages");
    return bare;
  }

  async function upload(root: string, bare: string) {
    writeFileSync(join(root, "r.json"), JSON.stringify([{ name: "a", value: 1, unit: "bytes" }]));
    return runCli(
      [
        "bench",
        "upload",
        "r.json",
        "--storage",
        "git-branch",
        "--storage-repository",
        bare,
        "--commit",
        "c".repeat(40),
      ],
      { cwd: root },
    );
  }

  it("never writes or reads through a symbolic link on the branch", async () => {
    using directory = temporaryDirectory();
    const outside = join(directory.path, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "secret.txt"), "do not read me");
    const bare = branchWith(
      directory.path,
      {},
      {
        site: outside,
        [`runs/2026-01-01/${"d".repeat(40)}/1-1.json`]: join(outside, "secret.txt"),
      },
    );
    const run = await upload(directory.path, bare);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readdirSync(outside)).toEqual(["secret.txt"]);
    const files = filesOn(bare, "gh-pages");
    expect(files).toContain("site/index.html");
    expect(files.filter((file) => file.startsWith("runs/"))).toHaveLength(1);
    expect(git(bare, "ls-tree", "-r", "gh-pages")).not.toMatch(/^120000/m);
  });

  it("stores the run even when the branch's .gitignore would ignore it", async () => {
    using directory = temporaryDirectory();
    const bare = branchWith(directory.path, { ".gitignore": "runs/\nsite/\n*.json\n" }, {});
    const run = await upload(directory.path, bare);
    expect(run.exitCode, run.stderr).toBe(0);
    const files = filesOn(bare, "gh-pages");
    expect(files.filter((file) => file.startsWith("runs/"))).toHaveLength(1);
    expect(files).toContain("site/data/index.json");
  });

  it("reads and writes the runs as they are whatever the branch's .gitattributes say", async () => {
    using directory = temporaryDirectory();
    const earlier = {
      schema: 1,
      run: storedRunMetadata({ commit: "d".repeat(40) }),
      results: [
        {
          id: "a",
          metric: "value",
          value: 1,
          unit: "bytes",
          lower: null,
          upper: null,
          source: "r.json",
        },
      ],
    };
    const bare = branchWith(
      directory.path,
      {
        ".gitattributes": "*.json working-tree-encoding=UTF-16LE\n* text eol=crlf ident\n",
        // As the attributes ask: UTF-16 in the working tree (git keeps UTF-8 in the branch).
        [`runs/2026-01-01/${"d".repeat(40)}/1-1.json`]: Buffer.from(
          JSON.stringify(earlier),
          "utf16le",
        ),
      },
      {},
    );
    const run = await upload(directory.path, bare);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    const index = JSON.parse(git(bare, "show", "gh-pages:site/data/index.json"));
    expect(index.runs).toHaveLength(2);
  });
});

describe("storage: git-branch credentials", () => {
  it("sends the token only to the repository's own server, never to another host", async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(String(request.headers.authorization ?? ""));
      response.writeHead(401, { "www-authenticate": 'Basic realm="x"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    using directory = temporaryDirectory();
    writeFileSync(
      join(directory.path, "r.json"),
      JSON.stringify([{ name: "a", value: 1, unit: "B" }]),
    );
    const token = "ghs_secret_token_value";
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    const upload = (serverUrl: string) =>
      runCli(
        [
          "bench",
          "upload",
          "r.json",
          "--storage",
          "git-branch",
          "--commit",
          "c".repeat(40),
          "--storage-repository",
          `${origin}/wasmcloud/wasmcloud.git`,
        ],
        { cwd: directory.path, env: { GITHUB_TOKEN: token, GITHUB_SERVER_URL: serverUrl } },
      );
    try {
      const elsewhere = await upload("https://github.com");
      expect(elsewhere.exitCode).not.toBe(0);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.join("\n")).not.toContain(basic);
      seen.length = 0;
      const own = await upload(origin);
      expect(own.exitCode).not.toBe(0);
      expect(seen).toContain(`basic ${basic}`);
      expect(`${own.stdout}${own.stderr}`).not.toContain(token);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("storage: git-branch over HTTP, as a forge serves it", () => {
  async function uploadOver(double: GitHttpDouble, cwd: string, leg: string) {
    writeFileSync(join(cwd, `${leg}.json`), JSON.stringify([{ name: leg, value: 1, unit: "B" }]));
    return runCli(
      [
        "bench",
        "upload",
        `${leg}.json`,
        "--storage",
        "git-branch",
        "--commit",
        "c".repeat(40),
        "--job",
        "bench",
        "--matrix-leg",
        leg,
        "--run-id",
        "5",
        "--storage-repository",
        `${double.url}/origin.git`,
      ],
      {
        cwd,
        env: { GITHUB_TOKEN: "ghs_token", GITHUB_SERVER_URL: double.url },
        timeoutMs: 240_000,
      },
    );
  }

  it("retries a push the server answered 502, and a listing it answered 502", async () => {
    using directory = temporaryDirectory();
    git(directory.path, "init", "--quiet", "--bare", join(directory.path, "origin.git"));
    const double = await startGitHttpDouble(directory.path);
    try {
      double.failListings = 1;
      double.failPushes = 2;
      const run = await uploadOver(double, directory.path, "0");
      expect(run.exitCode, run.stderr).toBe(0);
      expect(double.pushes).toBe(3);
      expect(filesOn(join(directory.path, "origin.git"), "gh-pages")).toContain(
        "site/data/index.json",
      );
    } finally {
      await double.close();
    }
  });

  it("keeps all of 20 legs pushing at once through the server", async () => {
    using directory = temporaryDirectory();
    git(directory.path, "init", "--quiet", "--bare", join(directory.path, "origin.git"));
    const double = await startGitHttpDouble(directory.path);
    try {
      const runs = await Promise.all(
        Array.from({ length: 20 }, (_, leg) => uploadOver(double, directory.path, String(leg))),
      );
      expect(runs.map((run) => run.exitCode)).toEqual(Array(20).fill(0));
      const bare = join(directory.path, "origin.git");
      const stored = filesOn(bare, "gh-pages").filter((file) => file.startsWith("runs/"));
      expect(stored).toHaveLength(20);
      expect(JSON.parse(git(bare, "show", "gh-pages:site/data/index.json")).runs).toHaveLength(20);
    } finally {
      await double.close();
    }
  }, 600_000);
});
