import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Git, GitError, gitConfigEnvironment } from "../../src/core/git.ts";
import { TestRepository } from "../harness/git.ts";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("Git", () => {
  it("prints paths as they are and splits NUL-separated records", async () => {
    using repo = new TestRepository();
    repo.commit({ message: "first", files: { "café/naïve file.txt": "x", "a\nb.txt": "y" } });
    const git = new Git(repo.path);
    expect((await git.records(["ls-files", "-z"])).sort()).toEqual([
      "a\nb.txt",
      "café/naïve file.txt",
    ]);
    // Without -z, git would quote and octal-escape non-ASCII paths unless quotepath is off.
    expect((await git.run(["ls-files", "café"])).trim()).toBe("café/naïve file.txt");
  });

  it("answers yes/no questions and values without throwing on git's 'no'", async () => {
    using repo = new TestRepository();
    const first = repo.commit({ message: "first", files: { a: "1" } });
    const git = new Git(repo.path);
    expect(await git.succeeds(["cat-file", "-e", `${first}^{commit}`])).toBe(true);
    expect(await git.succeeds(["cat-file", "-e", `${"0".repeat(40)}^{commit}`])).toBe(false);
    expect(await git.value(["rev-parse", "--verify", "--quiet", "nope^{commit}"])).toBeUndefined();
    expect(await git.value(["rev-parse", "HEAD"])).toBe(first);
  });

  it("names the command and says what git said when it fails", async () => {
    using repo = new TestRepository();
    const git = new Git(repo.path);
    const failure = await git.run(["show", "no-such-rev"]).catch((thrown) => thrown);
    expect(failure).toBeInstanceOf(GitError);
    expect(failure.message).toMatch(
      /^git show no-such-rev failed \(exit 128\): fatal: .*no-such-rev/,
    );
    expect(() => git.runSync(["show", "no-such-rev"])).toThrow(
      /^git show no-such-rev failed \(exit 128\)/,
    );
  });

  it("hides the values of -c options, which may hold credentials, from messages", async () => {
    using repo = new TestRepository();
    const git = new Git(repo.path);
    const failure = await git
      .run(["-c", "http.extraheader=AUTHORIZATION: basic c2VjcmV0", "show", "nope"])
      .catch((thrown) => thrown);
    expect(failure.message).toContain("git -c <config> show nope failed");
    expect(failure.message).not.toContain("c2VjcmV0");
  });

  it("never waits for a password: a remote that asks for one fails at once", async () => {
    // A git HTTP server that answers every request with a Basic challenge.
    const server = createServer((_request, response) => {
      response.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      using repo = new TestRepository();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;
      const failure = await new Git(repo.path)
        .run(["ls-remote", url], { timeoutMs: 20_000 })
        .catch((thrown) => thrown);
      expect(failure).toBeInstanceOf(GitError);
      expect(failure.message).toMatch(
        /could not read Username|Authentication failed|terminal prompts disabled/,
      );
    } finally {
      server.close();
    }
  });

  it("stops a command that hangs after its timeout, saying so", async () => {
    // A server that accepts the connection and never answers.
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      using repo = new TestRepository();
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo.git`;
      const failure = await new Git(repo.path)
        .run(["ls-remote", url], { timeoutMs: 500 })
        .catch((thrown) => thrown);
      expect(failure.message).toMatch(/^git ls-remote .* timed out after 0\.5s/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("passes configuration through the environment, never the command line", async () => {
    using repo = new TestRepository();
    const env = gitConfigEnvironment({ "status-gate.probe": "from-env" });
    const git = new Git(repo.path, env);
    expect((await git.run(["config", "--get", "status-gate.probe"])).trim()).toBe("from-env");
  });

  it("keeps configuration the workflow passes through the environment itself", async () => {
    // A workflow's own `GIT_CONFIG_COUNT` (a proxy, a CA bundle, an insteadOf) still applies.
    vi.stubEnv("GIT_CONFIG_COUNT", "1");
    vi.stubEnv("GIT_CONFIG_KEY_0", "status-gate.workflow");
    vi.stubEnv("GIT_CONFIG_VALUE_0", "from-workflow");
    using repo = new TestRepository();
    const git = new Git(repo.path, gitConfigEnvironment({ "status-gate.probe": "ours" }));
    expect((await git.run(["config", "--get", "status-gate.workflow"])).trim()).toBe(
      "from-workflow",
    );
    expect((await git.run(["config", "--get", "status-gate.probe"])).trim()).toBe("ours");
  });
});

describe("a credential header beside the one actions/checkout persisted", () => {
  // GitHub refuses a request with two Authorization headers: "Duplicate header", status 400.
  async function githubLikeServer() {
    const received: string[][] = [];
    const server = createServer((request, response) => {
      const authorization = request.headersDistinct.authorization ?? [];
      received.push(authorization);
      if (authorization.length > 1) {
        response.writeHead(400).end('Duplicate header: "Authorization"');
      } else response.writeHead(404).end("Not Found");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { base, received, [Symbol.dispose]: () => server.close() };
  }

  it.each([
    [
      "scoped to the server, as actions/checkout writes it",
      (base: string) => `http.${base}/.extraheader`,
    ],
    ["for every server", () => "http.extraheader"],
  ])("sends only ours when the checkout's is %s", async (_, persistedKey) => {
    using server = await githubLikeServer();
    using repo = new TestRepository();
    const git = new Git(repo.path);
    await git.run(["config", persistedKey(server.base), "AUTHORIZATION: basic Y2hlY2tvdXQ="]);
    const ours = gitConfigEnvironment({
      [`http.${server.base}/.extraheader`]: "AUTHORIZATION: basic b3Vycw==",
    });
    const failure = await new Git(repo.path, ours)
      .run(["ls-remote", `${server.base}/owner/repo.git`])
      .catch((thrown) => thrown);
    expect(failure).toBeInstanceOf(GitError);
    expect(failure.message).not.toContain("400");
    expect(server.received.length).toBeGreaterThan(0);
    for (const headers of server.received) expect(headers).toEqual(["basic b3Vycw=="]);
  });
});
