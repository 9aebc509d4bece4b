import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ActionRun, actionLoadErrors, applyMasks, cleanup, runAction } from "./runner.ts";

const ECHO = "test/harness/fixtures/echo-action";
const runs: ActionRun[] = [];
async function echo(options: Omit<Parameters<typeof runAction>[0], "action">) {
  const result = await runAction({ action: ECHO, ...options });
  runs.push(result);
  return result;
}
afterEach(() => {
  for (const run of runs.splice(0)) cleanup(run);
});

describe("runAction (the runner harness)", () => {
  it("passes inputs with the runner's name mangling, defaults and github.token", async () => {
    const result = await echo({ inputs: { message: "hi" }, token: "ghs_harnessToken123" });
    expect(result.outputs).toMatchObject({ spaced: "spaced default", "dry-run": "false" });
    expect(result.masks).toEqual(["ghs_harnessToken123"]);
    const overridden = await echo({
      inputs: { message: "hi", "with space": "given", "dry-run": "true" },
    });
    expect(overridden.outputs).toMatchObject({ spaced: "given", "dry-run": "true" });
  });

  it("expands github.* expressions in action.yml defaults", async () => {
    const result = await echo({ inputs: { message: "x" }, repository: "wasmcloud/wadm" });
    expect(result.outputs.repository).toBe("repo=wasmcloud/wadm");
  });

  it("refuses to guess a default it cannot expand", async () => {
    const folder = mkdtempSync(join(tmpdir(), "sg-action-"));
    try {
      writeFileSync(
        join(folder, "action.yml"),
        [
          "name: runner-os default",
          "description: d",
          "inputs:",
          "  os:",
          "    description: the runner's OS",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
          "    default: ${{ runner.os }}",
          "runs:",
          "  using: node24",
          "  main: x.js",
          "",
        ].join("\n"),
      );
      await expect(runAction({ action: folder })).rejects.toThrow(
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
        "harness cannot expand default '${{ runner.os }}' of input 'os'",
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("never shows a masked token in the log", async () => {
    const token = "ghs_0123456789abcdefSECRET";
    const result = await echo({ inputs: { message: `token is ${token}` }, token });
    expect(result.stdout).toContain(token);
    expect(result.log).not.toContain(token);
    expect(result.log).toContain("using token ***");
  });

  it("shows a secret printed before its add-mask, as the runner would", async () => {
    const token = "ghs_printedTooEarly42";
    const result = await echo({ inputs: { message: "leak before mask" }, token });
    expect(result.log).toContain(`early ${token}`);
    expect(result.log).toContain("::add-mask::***\nusing token ***");
  });

  it("reads multi-line outputs, env and state from the file commands", async () => {
    const message = "line one\n\nline three: 100%";
    const result = await echo({ inputs: { message } });
    expect(result.outputs.message).toBe(message);
    expect(result.env).toEqual({ ECHOED: message });
    expect(result.state).toEqual({ seen: "yes" });
  });

  it("returns annotations with their properties", async () => {
    const result = await echo({ inputs: { message: "look\nhere, 50%" } });
    expect(result.annotations).toEqual([
      {
        level: "warning",
        message: "look\nhere, 50%",
        title: "Echo: title",
        file: "src/a.ts",
        line: 3,
        column: 5,
        endLine: undefined,
        endColumn: undefined,
      },
    ]);
  });

  it("returns the job summary", async () => {
    const result = await echo({ inputs: { message: "all green" } });
    expect(result.summary).toBe("# Echo\nall green\n");
  });

  it("drops a summary over 1 MiB whole, as the runner does", async () => {
    const result = await echo({ inputs: { message: "oversized summary" } });
    expect(result.summaryDropped).toBe(true);
    expect(result.summary).toBe("");
    expect((await echo({ inputs: { message: "small" } })).summaryDropped).toBe(false);
  });

  it("writes the event payload and the GITHUB_* variables", async () => {
    const result = await echo({
      inputs: { message: "x" },
      event: {
        name: "pull_request",
        payload: { number: 42, pull_request: { head: { ref: "feat/x" }, base: { ref: "main" } } },
      },
      repository: "wasmcloud/wash",
      sha: "a".repeat(40),
      ref: "refs/pull/42/merge",
      apiUrl: "http://127.0.0.1:4000/api/v3",
      graphqlUrl: "http://127.0.0.1:4000/api/graphql",
    });
    expect(result.outputs.event).toBe("pull_request:42");
    expect(result.outputs.runner).toBe(
      `GITHUB_REPOSITORY=wasmcloud/wash GITHUB_SHA=${"a".repeat(40)} GITHUB_REF=refs/pull/42/merge ` +
        "GITHUB_REF_NAME=42/merge GITHUB_HEAD_REF=feat/x GITHUB_BASE_REF=main " +
        "GITHUB_API_URL=http://127.0.0.1:4000/api/v3 GITHUB_GRAPHQL_URL=http://127.0.0.1:4000/api/graphql",
    );
    expect(result.outputs).toMatchObject({ "temp-exists": "true", "cwd-is-workspace": "true" });
  });

  it("returns the exit code", async () => {
    expect((await echo({ inputs: { message: "ok" } })).exitCode).toBe(0);
    expect((await echo({ inputs: { message: "fail" } })).exitCode).toBe(1);
  });

  it("refuses an input the action does not declare", async () => {
    await expect(echo({ inputs: { message: "x", mesage: "typo" } })).rejects.toThrow(
      /input 'mesage' is not declared/,
    );
  });
});

describe("actionLoadErrors", () => {
  it("finds nothing to stop the runner loading the fixture action", async () => {
    expect(await actionLoadErrors(ECHO)).toEqual([]);
  });

  it("reports what would stop the runner loading an action.yml, as GitHub words it", async () => {
    const folder = mkdtempSync(join(tmpdir(), "sg-action-"));
    try {
      writeFileSync(
        join(folder, "action.yml"),
        [
          "name: bad",
          "description: d",
          "inputs:",
          "  needs:",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
          "    description: Pass ${{ toJSON(needs) }} here.",
          "runs:",
          "  using: node24",
          "  main: x.js",
          "",
        ].join("\n"),
      );
      const action = folder;
      expect(await actionLoadErrors(action)).toEqual([
        `${action}/action.yml (Line: 5, Col: 18): Unrecognized named-value: 'needs'`,
      ]);
      await expect(runAction({ action })).rejects.toThrow(/the runner would refuse to load/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe("applyMasks", () => {
  it("masks longer secrets first, so a secret inside another leaves nothing behind", () => {
    expect(applyMasks("abc abcdef", ["abc", "abcdef"])).toBe("*** ***");
  });
});
