import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeMarkdown } from "../../src/core/summary.ts";
import { type GitHubSimulator, startGitHubSimulator } from "../harness/github-sim/index.ts";
import { runAction } from "../harness/runner.ts";
import { corpusReport, corpusWorkspace, fakeZizmorFolder, fixture, writeFile } from "./helpers.ts";

// A pull request must not silence its own findings: zizmor runs with the base's zizmor.yml and
// with ignores off, and only ignores that the base already has are applied afterwards.

const WORKFLOW = ".github/workflows/template-injection.yml";
const ORIGINAL = fixture("inputs/template-injection.yml");
const IGNORE = "# zizmor: ignore[template-injection]";
/** Line 18 (`script: |`) carries the ignore comment; line 19 holds the flagged expression. */
const WITH_IGNORE = ORIGINAL.replace("script: |", `script: | ${IGNORE}`);
let sim: GitHubSimulator;
let repositories = 0;

beforeAll(async () => {
  sim = await startGitHubSimulator();
});
afterAll(async () => {
  await sim.close();
});

/**
 * The template-injection finding as zizmor 1.30 prints it with `--no-ignores` for a workflow whose
 * line 18 carries the ignore comment: `ignored` is true, and the comment is listed on the step's
 * hidden location and on the related `script` location.
 */
function reportWithIgnoreComment(): string {
  const [finding] = JSON.parse(
    corpusReport("json-v1.several-inputs.json", () => `./${WORKFLOW}`),
  ).filter((entry: { ident: string }) => entry.ident === "template-injection");
  finding.ignored = true;
  finding.locations[0].concrete.comments = ["# tag=v7.0.1", IGNORE];
  finding.locations[3].concrete.comments = [IGNORE];
  return JSON.stringify([finding]);
}

function reportWithoutIgnoreComment(): string {
  return JSON.stringify(
    JSON.parse(corpusReport("json-v1.several-inputs.json", () => `./${WORKFLOW}`)).filter(
      (entry: { ident: string }) => entry.ident === "template-injection",
    ),
  );
}

/**
 * A repository whose base branch holds `base` files, a pull request onto it, and a workspace
 * holding the pull request's versions (`head`); zizmor is a fake that prints `report`.
 */
async function pullRequestRun(options: {
  base: Record<string, string>;
  head: Record<string, string>;
  report: string;
  inputs?: Record<string, string>;
}) {
  const name = `app${++repositories}`;
  const repository = sim.state.addRepository({ owner: "wasmcloud", name });
  repository.addCommit({ branch: "main", contents: options.base });
  const pull = repository.addPullRequest({ number: 5, head: "change", files: [] });
  const workspace = corpusWorkspace();
  for (const [path, text] of Object.entries(options.head)) writeFile(join(workspace, path), text);
  const record = join(mkdtempSync(join(tmpdir(), "sg-zizmor-record-")), "args");
  const fake = fakeZizmorFolder({ stdout: options.report, exitCode: 14 });
  const repo = { full_name: `wasmcloud/${name}` };
  const run = await runAction({
    action: "actions/zizmor",
    workspace,
    repository: `wasmcloud/${name}`,
    inputs: { "zizmor-path": join(fake, "zizmor"), ...options.inputs },
    event: {
      name: "pull_request",
      payload: {
        pull_request: {
          number: 5,
          head: { sha: pull.head.sha, ref: "change", repo },
          base: { sha: pull.base.sha, ref: "main", repo },
        },
      },
    },
    apiUrl: sim.url,
    token: sim.token,
    env: { FAKE_ZIZMOR_RECORD: record },
  });
  const args = existsSync(record) ? readFileSync(record, "utf8").split("\n") : [];
  const contentRequests = sim.requests.filter((request) =>
    request.url.includes(`/repos/wasmcloud/${name}/contents/`),
  );
  return { ...run, args, contentRequests };
}

describe("ignores on pull requests come from the base revision", () => {
  it("does not let an ignore comment the pull request adds silence its finding", async () => {
    const run = await pullRequestRun({
      base: { [WORKFLOW]: ORIGINAL },
      head: { [WORKFLOW]: WITH_IGNORE },
      report: reportWithIgnoreComment(),
    });
    expect(run.args).toContain("--no-ignores");
    expect(run.args).toContain("--no-config");
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ findings: "1", "failing-findings": "1", passed: "false" });
    const annotation = run.annotations.find((a) => a.title === "zizmor template-injection");
    expect(annotation?.message).toMatch(
      /Not ignored: the ignore comment on line 18 is not on the base revision [0-9a-f]{7}/,
    );
    expect(run.summary).toContain(
      escapeMarkdown(
        "0 finding(s) silenced by ignores the base already has; 1 ignore(s) that this pull request adds did not count",
      ),
    );
  });

  it("applies an ignore comment the base already has, on lines the pull request leaves alone", async () => {
    const run = await pullRequestRun({
      base: { [WORKFLOW]: WITH_IGNORE },
      head: { [WORKFLOW]: `${WITH_IGNORE}# a change elsewhere in the file\n` },
      report: reportWithIgnoreComment(),
    });
    expect(run.exitCode, run.log).toBe(0);
    expect(run.outputs).toMatchObject({ findings: "0", passed: "true" });
    expect(run.summary).toContain(escapeMarkdown("1 finding(s) silenced by ignores the base"));
  });

  it("does not apply an old ignore comment to flagged lines the pull request changes", async () => {
    const changed = WITH_IGNORE.replace("issue.title", "issue.body");
    const report = reportWithIgnoreComment().replace("issue.title", "issue.body");
    const run = await pullRequestRun({
      base: { [WORKFLOW]: WITH_IGNORE },
      head: { [WORKFLOW]: changed },
      report,
    });
    expect(run.exitCode).toBe(1);
    const annotation = run.annotations.find((a) => a.title === "zizmor template-injection");
    expect(annotation?.message).toContain(
      "this pull request changes the flagged lines under the ignore comment on line 18",
    );
  });

  it("runs zizmor with the base's zizmor.yml and applies its ignore rules", async () => {
    const config =
      "rules:\n  template-injection:\n    ignore:\n      - template-injection.yml:19\n";
    const run = await pullRequestRun({
      base: { [WORKFLOW]: ORIGINAL, ".github/zizmor.yml": config },
      head: { [WORKFLOW]: ORIGINAL, ".github/zizmor.yml": "rules: {}\n" },
      report: reportWithoutIgnoreComment(),
    });
    const configArg = run.args.find((arg) => arg.startsWith("--config="));
    expect(configArg).toBeDefined();
    expect(readFileSync(configArg?.slice("--config=".length) as string, "utf8")).toBe(config);
    expect(run.exitCode, run.log).toBe(0);
    expect(run.summary).toContain(escapeMarkdown("its .github/zizmor.yml was used"));
  });

  it("ignores a zizmor.yml that only the pull request has", async () => {
    const config = "rules:\n  template-injection:\n    disable: true\n";
    const run = await pullRequestRun({
      base: { [WORKFLOW]: ORIGINAL },
      head: { [WORKFLOW]: ORIGINAL, "zizmor.yml": config },
      report: reportWithoutIgnoreComment(),
    });
    expect(run.args).toContain("--no-config");
    expect(run.args.some((arg) => arg.startsWith("--config"))).toBe(false);
    expect(run.exitCode).toBe(1);
    expect(run.summary).toContain(escapeMarkdown("it has no zizmor.yml, so none was used"));
  });

  it("lets the pull request's own ignores count with ignores-from-base: false", async () => {
    const run = await pullRequestRun({
      base: { [WORKFLOW]: ORIGINAL },
      head: { [WORKFLOW]: WITH_IGNORE },
      // zizmor with ignores on prints nothing for an ignored finding.
      report: "[]",
      inputs: { "ignores-from-base": "false" },
    });
    expect(run.args).not.toContain("--no-ignores");
    expect(run.args).not.toContain("--no-config");
    expect(run.contentRequests).toEqual([]);
    expect(run.exitCode, run.log).toBe(1);
  });

  it("fails closed, naming the fix, when the base revision cannot be read", async () => {
    sim.faults.inject({ route: "repos/get-content", kind: "server-error", status: 403 });
    const run = await pullRequestRun({
      base: { [WORKFLOW]: ORIGINAL },
      head: { [WORKFLOW]: WITH_IGNORE },
      report: reportWithIgnoreComment(),
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/cannot read \.github\/zizmor\.yml from the base revision/);
    expect(run.log).toContain("'ignores-from-base: false'");
    expect(run.args).toEqual([]);
  });
});

describe("pushes", () => {
  it("leave ignores to zizmor, reading nothing from the API", async () => {
    const workspace = corpusWorkspace();
    writeFileSync(join(workspace, WORKFLOW), WITH_IGNORE);
    const record = join(mkdtempSync(join(tmpdir(), "sg-zizmor-record-")), "args");
    const fake = fakeZizmorFolder({ stdout: "[]" });
    const run = await runAction({
      action: "actions/zizmor",
      workspace,
      inputs: { "zizmor-path": join(fake, "zizmor") },
      env: { FAKE_ZIZMOR_RECORD: record },
    });
    expect(run.exitCode, run.log).toBe(0);
    const args = readFileSync(record, "utf8").split("\n");
    expect(args).not.toContain("--no-ignores");
    expect(args).toContain("--strict-collection");
  });
});
