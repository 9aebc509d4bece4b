import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runnerContext, runUrl, serverUrls, workflowPathOf } from "../../src/core/context.ts";
import { ConfigurationError } from "../../src/core/errors.ts";

const folder = mkdtempSync(join(tmpdir(), "sg-context-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function eventFile(payload: unknown): string {
  const path = join(folder, `event-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof payload === "string" ? payload : JSON.stringify(payload));
  return path;
}

const pullRequest = (headRepo: unknown) => ({
  pull_request: {
    number: 7,
    changed_files: 3,
    head: { sha: "h".repeat(40), repo: headRepo },
    base: { sha: "b".repeat(40), ref: "main", repo: { full_name: "octo/app" } },
  },
  repository: { full_name: "octo/app" },
});

describe("runnerContext", () => {
  it("reads the runner's variables and the event once into one object", () => {
    const env = {
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_EVENT_PATH: eventFile(pullRequest({ full_name: "octo/app" })),
      GITHUB_REPOSITORY: "octo/app",
      GITHUB_SHA: "m".repeat(40),
      GITHUB_REF: "refs/pull/7/merge",
      GITHUB_RUN_ID: "42",
      GITHUB_RUN_ATTEMPT: "2",
      GITHUB_JOB: "gate",
      GITHUB_WORKFLOW_REF: "octo/app/.github/workflows/ci.yml@refs/pull/7/merge",
      GITHUB_WORKSPACE: "/work",
      RUNNER_ENVIRONMENT: "github-hosted",
    };
    const context = runnerContext(env);
    expect(runnerContext(env)).toBe(context);
    expect(context).toMatchObject({
      inActions: true,
      eventName: "pull_request",
      repository: { owner: "octo", repo: "app" },
      repositoryName: "octo/app",
      runId: 42,
      runAttempt: 2,
      job: "gate",
      workflowPath: ".github/workflows/ci.yml",
      workspace: "/work",
      runnerEnvironment: "github-hosted",
      pullRequest: {
        number: 7,
        headSha: "h".repeat(40),
        baseSha: "b".repeat(40),
        baseRef: "main",
        fork: false,
        changedFiles: 3,
      },
      readOnlyToken: undefined,
      urls: {
        server: "https://github.com",
        api: "https://api.github.com",
        graphql: "https://api.github.com/graphql",
        kind: "github.com",
      },
    });
    expect(runUrl(context)).toBe("https://github.com/octo/app/actions/runs/42/attempts/2");
  });

  it.each([
    ["a fork's pull request", "pull_request", { full_name: "someone/app" }, "octocat", /fork/],
    ["a deleted fork's pull request", "pull_request", null, "octocat", /fork/],
    [
      "Dependabot's pull request",
      "pull_request",
      { full_name: "octo/app" },
      "dependabot[bot]",
      /Dependabot/,
    ],
    [
      "a fork on pull_request_target",
      "pull_request_target",
      { full_name: "x/app" },
      "octocat",
      undefined,
    ],
  ])("knows the token is read-only (or not) on %s", (_name, event, headRepo, actor, reason) => {
    const context = runnerContext({
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: eventFile(pullRequest(headRepo)),
      GITHUB_REPOSITORY: "octo/app",
      GITHUB_ACTOR: actor,
    });
    if (reason) expect(context.readOnlyToken).toMatch(reason);
    else expect(context.readOnlyToken).toBeUndefined();
  });

  it.each([
    ["not there", join(folder, "missing.json"), /cannot be read/],
    ["not JSON", "{not json", /is not JSON/],
    ["not an object", "[1, 2]", /is not a JSON object/],
  ])("refuses an event file that is %s, naming it", (_name, contents, message) => {
    const path = contents.startsWith("/") ? contents : eventFile(contents);
    expect(() => runnerContext({ GITHUB_EVENT_PATH: path })).toThrow(ConfigurationError);
    expect(() => runnerContext({ GITHUB_EVENT_PATH: path })).toThrow(message);
  });

  it("has an empty payload and no repository outside Actions", () => {
    const context = runnerContext({});
    expect(context).toMatchObject({ inActions: false, payload: {}, repository: undefined });
    expect(runUrl(context)).toBeUndefined();
  });
});

describe("workflowPathOf", () => {
  it.each([
    ["o/r/.github/workflows/ci.yml@refs/heads/main", ".github/workflows/ci.yml"],
    // An @ in the file name (GitHub allows it) or in the branch's name.
    ["o/r/.github/workflows/ci@v2.yml@refs/heads/main", ".github/workflows/ci@v2.yml"],
    ["o/r/.github/workflows/ci.yml@refs/heads/user@fix", ".github/workflows/ci.yml"],
    ["o/r/.github/workflows/a@b@c.yml@refs/pull/7/merge", ".github/workflows/a@b@c.yml"],
    [
      "o/r/.github/workflows/ci@x.yml@0123456789abcdef0123456789abcdef01234567",
      ".github/workflows/ci@x.yml",
    ],
  ])("reads the workflow's path from %s", (ref, path) => {
    expect(workflowPathOf(ref)).toBe(path);
  });

  it("has none outside Actions", () => {
    expect(workflowPathOf(undefined)).toBeUndefined();
    expect(workflowPathOf("")).toBeUndefined();
  });
});

describe("serverUrls", () => {
  it.each([
    [
      {},
      "https://github.com",
      "https://api.github.com",
      "https://api.github.com/graphql",
      "github.com",
    ],
    [
      { GITHUB_SERVER_URL: "https://ghes.example.com" },
      "https://ghes.example.com",
      "https://ghes.example.com/api/v3",
      "https://ghes.example.com/api/graphql",
      "ghes",
    ],
    [
      { GITHUB_SERVER_URL: "https://octo.ghe.com/" },
      "https://octo.ghe.com",
      "https://api.octo.ghe.com",
      "https://api.octo.ghe.com/graphql",
      "ghe.com",
    ],
    [
      {
        GITHUB_SERVER_URL: "https://ghes.example.com",
        GITHUB_API_URL: "https://ghes.example.com/api/v3/",
      },
      "https://ghes.example.com",
      "https://ghes.example.com/api/v3",
      "https://ghes.example.com/api/graphql",
      "ghes",
    ],
  ])("derives what is not set for %j", (env, server, api, graphql, kind) => {
    expect(serverUrls(env)).toEqual({ server, api, graphql, kind });
  });
});
