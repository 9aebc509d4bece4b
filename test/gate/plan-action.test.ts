import { describe, expect, it } from "vitest";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { type ActionRun, cleanup, runAction, runCli } from "../harness/runner.ts";

// Plan mode and the rules file, through the built bundle on real checkouts: the files that made a
// rule apply, per-event conditions and labels, and every rules-file problem at its position.

const RULES_PATH = ".github/status-gate.yml";

/** A base commit with `rules` on main, and a head on `feature` with `files`. */
function change(rules: string, files: Record<string, string>) {
  const repo = createRepository();
  const base = repo.commit({ message: "base", files: { [RULES_PATH]: rules, "README.md": "x\n" } });
  repo.checkout("feature", { create: true });
  const head = repo.commit({ message: "change", files });
  repo.checkout("main");
  return { repo, base, head };
}

async function plan(
  repo: TestRepository,
  base: string,
  head: string,
  options: { event?: string; labels?: string[]; inputs?: Record<string, string> } = {},
): Promise<ActionRun> {
  const event = options.event ?? "pull_request";
  const payload =
    event === "push"
      ? {
          ref: "refs/heads/main",
          before: base,
          after: head,
          repository: { default_branch: "main" },
        }
      : {
          action: "synchronize",
          pull_request: {
            number: 7,
            head: { sha: head },
            base: { sha: base, ref: "main" },
            labels: (options.labels ?? []).map((name) => ({ name })),
          },
        };
  const run = await runAction({
    action: ".",
    event: { name: event, payload },
    workspace: repo.path,
    sha: head,
    inputs: { mode: "plan", ...options.inputs },
    timeoutMs: 30_000,
  });
  cleanup(run);
  return run;
}

const json = (text: string | undefined) => JSON.parse(text ?? "null") as unknown;

describe("plan mode: the changed files that made each rule apply", () => {
  it("outputs them per rule as a JSON list, and in the summary capped with a count", async () => {
    const files: Record<string, string> = { "docs/guide.md": "x\n" };
    for (let index = 0; index < 14; index++) {
      files[`crates/api/src/f${String(index).padStart(2, "0")}.rs`] = "x\n";
    }
    const { repo, base, head } = change(
      `rules:
  - id: api
    check: api-tests
    paths: ["crates/api/**"]
  - id: docs
    check: docs
    paths: ["docs/**"]
  - id: web
    check: web
    paths: ["web/**"]
`,
      files,
    );
    using _ = repo;
    const run = await plan(repo, base, head);
    expect(run.exitCode).toBe(0);
    const api = json(run.outputs.api_files) as string[];
    expect(api).toHaveLength(14);
    expect(api[0]).toBe("crates/api/src/f00.rs");
    expect(json(run.outputs.docs_files)).toEqual(["docs/guide.md"]);
    expect(json(run.outputs.web_files)).toEqual([]);
    expect(json(run.outputs["matched-files"])).toMatchObject({
      api: { count: 14 },
      docs: { count: 1, files: ["docs/guide.md"] },
      web: { count: 0, files: [] },
    });
    expect(run.summary).toContain("<code>crates/api/src/f09\\.rs</code> and 4 more");
    expect(run.summary).not.toContain("f10");
  });

  it("requires every rule when a local action the workflows run changes, like a workflow edit", async () => {
    const { repo, base, head } = change(
      'rules:\n  - id: docs\n    check: docs\n    paths: ["docs/**"]\n',
      { ".github/actions/setup/action.yml": "runs: {using: composite, steps: []}\n" },
    );
    using _ = repo;
    const run = await plan(repo, base, head);
    expect(json(run.outputs.applies)).toEqual({ docs: true });
    expect(run.summary).toContain(
      "local action file \\.github/actions/setup/action\\.yml changed, so every rule applies",
    );
  });
});

describe("rules that depend on the event and on pull request labels", () => {
  const rules = `rules:
  - id: canary
    check: canary-publish
    events: [push, merge_group]
    labels: [canary]
  - id: examples
    check: "examples (*)"
    paths: ["examples/**"]
    labels: [examples-canary]
`;

  it("does not require a push-only canary on a pull request, even one that edits a workflow", async () => {
    const { repo, base, head } = change(rules, {
      "src/lib.rs": "x\n",
      ".github/workflows/ci.yml": "on: push\n",
    });
    using _ = repo;
    const run = await plan(repo, base, head);
    expect(json(run.outputs.applies)).toEqual({ canary: false, examples: true });
    expect(run.summary).toContain(
      "required only on push, merge\\_group or with the label &#39;canary&#39;; this is pull\\_request",
    );
  });

  it("requires the canary on push, and any labelled rule whatever the paths", async () => {
    const { repo, base, head } = change(rules, { "src/lib.rs": "x\n" });
    using _ = repo;
    const push = await plan(repo, base, head, { event: "push" });
    expect(json(push.outputs.applies)).toEqual({ canary: true, examples: false });
    const labelled = await plan(repo, base, head, { labels: ["canary", "examples-canary"] });
    expect(json(labelled.outputs.applies)).toEqual({ canary: true, examples: true });
    expect(labelled.summary).toContain(
      "the pull request has the label &#39;examples\\-canary&#39;",
    );
  });
});

describe("every rules-file problem is a configuration error at its file:line:column", () => {
  const broken = `rules:
  - check: "test [z-a]"
    paths: ["[z-a]/**", "docs/"]
  - check: lint
    events: [pul_request]
`;

  it("annotates each problem at its position in the action, and prints no stack", async () => {
    const { repo, base, head } = change(broken, { "src/lib.rs": "x\n" });
    using _ = repo;
    const run = await plan(repo, base, head);
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === "error");
    expect(errors.map((a) => [a.file, a.line, a.column, a.title])).toEqual([
      [RULES_PATH, 2, 12, "gate configuration"],
      [RULES_PATH, 3, 13, "gate configuration"],
      [RULES_PATH, 3, 25, "gate configuration"],
      [RULES_PATH, 5, 14, "gate configuration"],
    ]);
    expect(errors[0]?.message).toMatch(/the range 'z-a' is backwards/);
    expect(run.log).not.toMatch(/^\s+at /m);
  });

  it("refuses a YAML alias bomb in the action and exits 2 for it in the CLI", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const name of ["b", "c", "d", "e", "f", "g"]) {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const { repo, base, head } = change(`${levels.join("\n")}\nrules: []\n`, { "a.txt": "x\n" });
    using _ = repo;
    const run = await plan(repo, base, head);
    expect(run.exitCode).toBe(1);
    const error = run.annotations.find((a) => a.level === "error");
    expect(error).toMatchObject({ file: RULES_PATH, line: 1, title: "gate configuration" });
    expect(error?.message).toMatch(/status-gate\.yml:1:1: cannot be read: .*resource exhaustion/);
    const cli = await runCli(["gate", "plan", "--base", base, "--head", head], { cwd: repo.path });
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toMatch(/^status-gate gate: \.github\/status-gate\.yml:1:1: cannot be read/);
  });

  it("exits 2 in the CLI with every problem at file:line:column, never 3 with a stack", async () => {
    const { repo, base, head } = change(broken, { "src/lib.rs": "x\n" });
    using _ = repo;
    const cli = await runCli(["gate", "plan", "--base", base, "--head", head], { cwd: repo.path });
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toMatch(/\.github\/status-gate\.yml has 4 problems:/);
    expect(cli.stderr).toMatch(/\.github\/status-gate\.yml:3:13: path glob '\[z-a\]\/\*\*'/);
    expect(cli.stderr).not.toMatch(/^\s+at /m);
  });

  it("matches a hostile glob against a path of 200 segments from the pull request at once", async () => {
    const deep = `${Array.from({ length: 200 }, (_, i) => `d${i % 7}`).join("/")}/b.txt`;
    const { repo, base, head } = change(
      'rules:\n  - id: deep\n    check: deep\n    paths: ["**/**/**/**/**/a", "**/d1/**/d2/**/d3/**/a"]\n',
      { [deep]: "x\n" },
    );
    using _ = repo;
    const run = await plan(repo, base, head);
    expect(run.exitCode).toBe(0);
    expect(json(run.outputs.applies)).toEqual({ deep: false });
  });
});
