import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAction } from "../harness/runner.ts";
import { ContentsDouble } from "./contents-double.ts";
import { corpusReport, corpusWorkspace, fakeZizmorFolder, fixture, writeFile } from "./helpers.ts";

/**
 * What a pull request can change to pass the zizmor step: the baseline file, a .gitignore that
 * hides a workflow from zizmor's collection, a zizmor.yml line rule, a link where the SARIF file
 * goes. GitHub here is the contents double of contents-double.ts, not the shared simulator.
 */

const HEAD_SHA = "c".repeat(40);
const WORKFLOW = ".github/workflows/template-injection.yml";
const github = new ContentsDouble();
const baseFiles = github.files;
const requests = github.requests;
const BASE_SHA = github.baseSha;
let apiUrl = "";

beforeAll(async () => {
  await github.start();
  apiUrl = github.url;
});
afterAll(async () => {
  await github.close();
});

/** The template-injection finding of the corpus, as zizmor prints it for the workspace. */
const FINDING_REPORT = JSON.stringify(
  JSON.parse(corpusReport("json-v1.several-inputs.json", () => `./${WORKFLOW}`)).filter(
    (entry: { ident: string }) => entry.ident === "template-injection",
  ),
);

function git(workspace: string, ...args: string[]) {
  execFileSync("git", args, {
    cwd: workspace,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
    stdio: "pipe",
  });
}

/** A checkout of the pull request: the corpus workflows plus `files`, committed. */
function checkout(files: Record<string, string>, untracked: Record<string, string> = {}): string {
  const workspace = corpusWorkspace();
  for (const [path, text] of Object.entries(files)) writeFile(join(workspace, path), text);
  git(workspace, "init", "-q");
  git(workspace, "add", "-A", "--force");
  git(workspace, "commit", "-qm", "pull request");
  for (const [path, text] of Object.entries(untracked)) writeFile(join(workspace, path), text);
  return workspace;
}

async function run(
  workspace: string,
  inputs: Record<string, string>,
  report = FINDING_REPORT,
  event: "pull_request" | "push" = "pull_request",
) {
  const record = join(mkdtempSync(join(tmpdir(), "sg-zizmor-record-")), "args");
  const fake = fakeZizmorFolder({ stdout: report, exitCode: report === "[]" ? 0 : 14 });
  const result = await runAction({
    action: "actions/zizmor",
    workspace,
    repository: "wasmcloud/app",
    sha: HEAD_SHA,
    inputs: { "zizmor-path": join(fake, "zizmor"), ...inputs },
    event:
      event === "pull_request"
        ? github.pullRequestEvent(HEAD_SHA)
        : { name: "push", payload: { after: HEAD_SHA } },
    apiUrl,
    token: "ghs_double",
    env: { FAKE_ZIZMOR_RECORD: record },
  });
  const args = existsSync(record) ? readFileSync(record, "utf8").split("\n") : [];
  // setFailed's message: the step's error annotation without a title.
  const failure = result.annotations
    .filter((annotation) => annotation.level === "error" && annotation.title === undefined)
    .map((annotation) => annotation.message)
    .join("\n");
  return { ...result, args, failure };
}

/** zizmor's inputs: what follows `--` on its command line (the record ends with the token line). */
function inputsOf(args: string[]): string[] {
  return args
    .slice(args.indexOf("--") + 1)
    .filter((arg) => arg !== "" && !arg.startsWith("token="));
}

describe("a pull request cannot set its own baseline", () => {
  it("reads a committed baseline from the base revision, not the pull request's copy", async () => {
    baseFiles.clear();
    baseFiles.set("zizmor-baseline.json", "[]\n");
    // The pull request adds its own finding to the baseline, to pass as "not new".
    const workspace = checkout({ "zizmor-baseline.json": FINDING_REPORT });
    const result = await run(workspace, {
      "new-findings-only": "baseline",
      "baseline-file": "zizmor-baseline.json",
    });
    expect(result.exitCode, result.log).toBe(1);
    expect(result.outputs).toMatchObject({ "failing-findings": "1", passed: "false" });
    expect(requests).toContain(
      `GET /repos/wasmcloud/app/contents/zizmor-baseline.json?ref=${BASE_SHA}`,
    );
  });

  it("refuses a baseline that only the pull request has", async () => {
    baseFiles.clear();
    const workspace = checkout({ "zizmor-baseline.json": FINDING_REPORT });
    const result = await run(workspace, {
      "new-findings-only": "baseline",
      "baseline-file": "zizmor-baseline.json",
    });
    expect(result.exitCode).toBe(1);
    expect(result.failure).toContain("zizmor-baseline.json");
    expect(result.failure).toContain("added by this pull request");
  });

  it("reads a baseline an earlier step made (not in the repository) from the workspace", async () => {
    baseFiles.clear();
    const workspace = checkout({}, { "zizmor-baseline.json": FINDING_REPORT });
    const result = await run(workspace, {
      "new-findings-only": "baseline",
      "baseline-file": "zizmor-baseline.json",
    });
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ "failing-findings": "0", passed: "true" });
  });

  it("reads the workspace's baseline on pushes, and with ignores-from-base: false", async () => {
    baseFiles.clear();
    const workspace = checkout({ "zizmor-baseline.json": FINDING_REPORT });
    const inputs = { "new-findings-only": "baseline", "baseline-file": "zizmor-baseline.json" };
    expect((await run(workspace, inputs, FINDING_REPORT, "push")).exitCode).toBe(0);
    const opted = await run(workspace, { ...inputs, "ignores-from-base": "false" });
    expect(opted.exitCode, opted.log).toBe(0);
  });
});

describe("a zizmor.yml ignore rule with a line number", () => {
  /** The base: the corpus workflow, and a zizmor.yml accepting its finding at line 19. */
  function baseIgnoringLine19(): string {
    baseFiles.clear();
    const original = fixture("inputs/template-injection.yml");
    baseFiles.set(WORKFLOW, original);
    baseFiles.set(
      ".github/zizmor.yml",
      "rules:\n  template-injection:\n    ignore:\n      - template-injection.yml:19\n",
    );
    return original;
  }

  it("does not silence a finding the pull request puts on that line", async () => {
    // The pull request writes new code onto the accepted line.
    const original = baseIgnoringLine19();
    const changed = original.replace("issue.title", "pull_request.head.ref");
    const workspace = checkout({ [WORKFLOW]: changed });
    const result = await run(workspace, {});
    expect(result.exitCode, result.log).toBe(1);
    expect(result.outputs).toMatchObject({ "failing-findings": "1", passed: "false" });
    const annotation = result.annotations.find((a) => a.title === "zizmor template-injection");
    expect(annotation?.message).toContain("changes the flagged lines");
  });

  it("still silences the finding on that line when the pull request leaves it alone", async () => {
    const original = baseIgnoringLine19();
    const workspace = checkout({ [WORKFLOW]: `${original}# a change elsewhere\n` });
    const result = await run(workspace, {});
    expect(result.exitCode, result.log).toBe(0);
    expect(result.outputs).toMatchObject({ findings: "0", passed: "true" });
  });
});

describe("a .gitignore cannot hide a workflow from zizmor", () => {
  it("hands zizmor a committed workflow that a .gitignore would make it skip", async () => {
    baseFiles.clear();
    const hidden = ".github/workflows/hidden.yml";
    const workspace = checkout({
      [hidden]: fixture("inputs/template-injection.yml"),
      ".github/workflows/.gitignore": "hidden.yml\n",
    });
    const result = await run(workspace, { "ignores-from-base": "false" }, "[]", "push");
    // zizmor walks folders honouring .gitignore (its default collection); a file named on its
    // command line is audited whatever the ignore files say.
    expect(inputsOf(result.args)).toEqual([".", hidden]);
    expect(result.annotations.some((a) => a.message.includes(hidden))).toBe(true);
  });

  it("leaves the command line alone when nothing committed is ignored, or collect is 'all'", async () => {
    const workspace = checkout({});
    const plain = await run(workspace, { "ignores-from-base": "false" }, "[]", "push");
    expect(inputsOf(plain.args)).toEqual(["."]);
    const hiddenWorkspace = checkout({
      ".github/workflows/hidden.yml": fixture("inputs/template-injection.yml"),
      ".gitignore": ".github/workflows/hidden.yml\n",
    });
    const all = await run(
      hiddenWorkspace,
      { "ignores-from-base": "false", collect: "all" },
      "[]",
      "push",
    );
    expect(inputsOf(all.args)).toEqual(["."]);
  });
});

describe("a .gitignore in a workspace that is not a git checkout", () => {
  it("is named in a warning, since which committed workflows it hides cannot be told", async () => {
    const workspace = corpusWorkspace();
    writeFile(join(workspace, ".github/workflows/.gitignore"), "hidden.yml\n");
    const result = await run(workspace, { "ignores-from-base": "false" }, "[]", "push");
    const warning = result.annotations.find((a) => a.title === "zizmor inputs");
    expect(warning?.level).toBe("warning");
    expect(warning?.message).toContain(".github/workflows/.gitignore");
    const plain = await run(corpusWorkspace(), { "ignores-from-base": "false" }, "[]", "push");
    expect(plain.annotations.filter((a) => a.title === "zizmor inputs")).toEqual([]);
  });
});

describe("the SARIF file is never written through a link a pull request planted", () => {
  it("refuses a sarif-file path that is a symbolic link", async () => {
    baseFiles.clear();
    const outside = mkdtempSync(join(tmpdir(), "sg-outside-"));
    const workspace = checkout({});
    symlinkSync(join(outside, "target"), join(workspace, "zizmor.sarif"));
    const result = await run(workspace, { "sarif-file": "zizmor.sarif" }, "[]", "push");
    expect(existsSync(join(outside, "target"))).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.failure).toContain("symbolic link");
  });
});
