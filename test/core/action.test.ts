import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleEntry } from "../harness/bundle.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { ForwardingProxy } from "../harness/proxy.ts";
import { type ActionRun, runAction } from "../harness/runner.ts";

const ACTION = "test/core/fixtures/throwing-action";
let main: string;
let removeBundle: () => void;

beforeAll(async () => {
  ({ main, remove: removeBundle } = await bundleEntry(
    join(import.meta.dirname, "fixtures/throwing-action/main.ts"),
  ));
});

afterAll(() => removeBundle());

const run = (what: string): Promise<ActionRun> =>
  runAction({ action: ACTION, main, inputs: { throw: what } });
const errorsOf = (result: ActionRun) => result.annotations.filter((a) => a.level === "error");
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe("runAction", () => {
  it("succeeds quietly when nothing is thrown", async () => {
    const result = await run("nothing");
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([]);
  });

  it.each([
    ["string", "throwing: plain string thrown"],
    ["object", 'throwing: {"code":42,"reason":"object thrown"}'],
    ["undefined", "throwing: undefined"],
    ["object-with-message", "throwing: a plain object's message"],
    ["error", "throwing: cannot read properties of undefined (reading 'sha')"],
  ])("fails the step for a thrown %s as '<action>: <message>'", async (what, message) => {
    const result = await run(what);
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).map((a) => a.message)).toEqual([message]);
  });

  it("prints the stack of a bug", async () => {
    const result = await run("error");
    expect(result.stdout).toContain("TypeError: cannot read properties of undefined");
    expect(result.stdout).toMatch(STACK_FRAME);
    expect(result.stdout).toContain("deepInTheCode");
  });

  it("prints no stack for a configuration error", async () => {
    const result = await run("configuration");
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.objectContaining({
        message: "throwing: input 'level' is 'loud'; valid values are 'low', 'high'",
        file: undefined,
      }),
    ]);
    expect(result.stdout).not.toMatch(STACK_FRAME);
  });

  it("annotates a configuration error at its file position, once, without a stack", async () => {
    const result = await run("configuration-at-file");
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toEqual([
      {
        level: "error",
        message: "throwing: .github/gate.yml:4:7: unknown check 'buld'",
        title: "throwing configuration",
        file: ".github/gate.yml",
        line: 4,
        column: 7,
        endLine: 4,
        endColumn: 11,
      },
    ]);
    expect(result.stdout).not.toMatch(STACK_FRAME);
  });

  it("refuses a missing required input as a configuration error", async () => {
    const result = await runAction({ action: ACTION, main, inputs: { throw: "" } });
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).map((a) => a.message)).toEqual([
      "throwing: input 'throw' is required but empty; set it under 'with:'",
    ]);
  });

  it("keeps a thrown message from injecting a workflow command", async () => {
    const result = await run("command-in-message");
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result).map((a) => a.message)).toEqual(["throwing: bad\n::error::injected"]);
  });
});

describe("publishing an outcome", () => {
  it("writes outputs, annotations at their positions and the files, then fails once with the prefix", async () => {
    const result = await runAction({
      action: ACTION,
      main,
      inputs: { throw: "outcome" },
      event: { name: "push", payload: {} },
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toEqual({
      count: "3",
      passed: "false",
      names: '["a","b"]',
      event: "push",
    });
    expect(result.annotations).toEqual([
      {
        level: "warning",
        title: "rule-x: a finding",
        message: "line one\n::error::not a command",
        file: "a.yml",
        line: 4,
        column: 7,
      },
      expect.objectContaining({ level: "notice", message: "a note without a file" }),
      // The action's own name once, though the failure already started with it.
      expect.objectContaining({ level: "error", message: "throwing: 2 findings at the threshold" }),
    ]);
    expect(result.log).toContain("Wrote /tmp/x.sarif: the findings as SARIF");
  });

  it("writes the summary, showing invisible characters", async () => {
    const result = await run("summary");
    expect(result.exitCode).toBe(0);
    expect(result.summary).toBe("## Verdict\n\n\\*\\*not bold\\*\\* &lt;U\\+202E&gt;\n");
  });

  it("annotates every problem of a config file at its own line, and fails the step", async () => {
    const result = await run("problems");
    expect(result.exitCode).toBe(1);
    expect(errorsOf(result)).toEqual([
      expect.objectContaining({
        file: "conf.yml",
        line: 1,
        column: 8,
        message:
          "throwing: conf.yml:1:8: every: is '99999999999d', longer than ten years; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
      }),
      expect.objectContaining({
        file: "conf.yml",
        line: 2,
        column: 7,
        message: 'throwing: conf.yml:2:7: kind: is \'nope\'; valid values: "a", "b"',
      }),
      expect.objectContaining({
        file: "conf.yml",
        line: 3,
        column: 1,
        message:
          "throwing: conf.yml:3:1: the file: unknown key 'extra'; valid keys: every, kind, other",
      }),
    ]);
    expect(result.stdout).not.toMatch(STACK_FRAME);
  });
});

// One simulator, with a repository and a commit, for the check runs' tests.
let sim: GitHubSimulator;
let sha: string;
beforeAll(async () => {
  sim = await startGitHubSimulator();
  sha = sim.state.addRepository({ owner: "octo-org", name: "app" }).addCommit().sha;
});
afterAll(() => sim.close());

describe("check runs of an outcome", () => {
  it("posts them with every annotation and outputs the id", async () => {
    const result = await runAction({
      action: ACTION,
      main,
      inputs: { throw: "check-run" },
      repository: "octo-org/app",
      sha,
      apiUrl: sim.url,
      graphqlUrl: sim.graphqlUrl,
      env: { FIXTURE_TOKEN: sim.token },
    });
    expect(result.annotations).toEqual([]);
    expect(result.exitCode).toBe(0);
    const posted = sim.requests.filter(
      (r) => r.method === "POST" && r.path.endsWith("/check-runs"),
    );
    expect(posted).toHaveLength(1);
    expect(result.outputs["check-run-id"]).toMatch(/^\d+$/);
    expect(result.log).toContain("Check run 'fixture check' carries 1 annotations.");
    const body = posted[0]?.body as { head_sha: string; output: { annotations: unknown[] } };
    expect(body.head_sha).toBe(sha);
    expect(body.output.annotations).toHaveLength(1);
  });

  it("degrades to a notice when the token may not write checks", async () => {
    sim.faults.inject({
      route: "POST /repos/{owner}/{repo}/check-runs",
      kind: "server-error",
      status: 403,
    });
    const result = await runAction({
      action: ACTION,
      main,
      inputs: { throw: "check-run" },
      repository: "octo-org/app",
      sha,
      apiUrl: sim.url,
      graphqlUrl: sim.graphqlUrl,
      env: { FIXTURE_TOKEN: sim.token },
    });
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: "notice",
        title: "throwing: check run 'fixture check' not posted",
      }),
    ]);
    expect(result.outputs["check-run-id"]).toBeUndefined();
  });
});

describe("check runs the checks API would refuse or cannot take", () => {
  const runWithCheckRun = (what: string) =>
    runAction({
      action: ACTION,
      main,
      inputs: { throw: what },
      repository: "octo-org/app",
      sha,
      apiUrl: sim.url,
      graphqlUrl: sim.graphqlUrl,
      env: { FIXTURE_TOKEN: sim.token },
    });

  it("keeps the verdict's message when the check run cannot be posted", async () => {
    sim.faults.inject({
      route: "POST /repos/{owner}/{repo}/check-runs",
      kind: "server-error",
      status: 422,
    });
    const result = await runWithCheckRun("check-run-failing");
    expect(result.exitCode).toBe(1);
    const errors = errorsOf(result).map((a) => a.message);
    expect(errors[0]).toBe("throwing: 2 findings at the threshold");
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatch(/^throwing: check run 'fixture check' could not be posted: /);
  });

  it("cuts what is too long for the checks API without splitting a character", async () => {
    const result = await runWithCheckRun("check-run-large");
    expect(errorsOf(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const posted = sim.requests.filter(
      (r) => r.method === "POST" && r.path.endsWith("/check-runs"),
    );
    const body = posted.at(-1)?.body as {
      output: { summary: string; annotations: { message: string; title: string }[] };
    };
    const [annotation] = body.output.annotations;
    // GitHub's limits: a summary of 65535 characters, a message of 64 KB, a title of 255 characters.
    expect(body.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(Buffer.byteLength(annotation?.message ?? "")).toBeLessThanOrEqual(64 * 1024);
    expect(annotation?.title.length).toBeLessThanOrEqual(255);
    for (const text of [body.output.summary, annotation?.message, annotation?.title]) {
      expect(text).toBeTruthy();
      expect(text).not.toMatch(
        /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
      );
    }
  });
});

describe("HTTP through the runner's proxy", () => {
  it("sends fetch, our own agents and Octokit through HTTPS_PROXY/HTTP_PROXY", async () => {
    await using proxy = await ForwardingProxy.start();
    await using sim = await startGitHubSimulator();
    sim.state.addRepository({ owner: "octo-org", name: "app" });
    // A host name only the proxy resolves: a request that bypassed it could not connect at all.
    const viaName = sim.url.replace("127.0.0.1", "api.github.test");
    const result = await runAction({
      action: ACTION,
      main,
      inputs: { throw: "network" },
      repository: "octo-org/app",
      apiUrl: viaName,
      graphqlUrl: `${viaName}/graphql`,
      env: {
        FIXTURE_TOKEN: sim.token,
        FIXTURE_TARGET_URL: viaName,
        HTTP_PROXY: proxy.url,
        HTTPS_PROXY: proxy.url,
      },
    });
    expect(result.annotations).toEqual([]);
    // Unauthenticated requests: the simulator answers 401, which proves they arrived.
    expect(result.outputs).toEqual({ fetch: "401", agent: "401", octokit: "octo-org/app" });
    expect(proxy.countFor("api.github.test")).toBe(3);
  });
});
