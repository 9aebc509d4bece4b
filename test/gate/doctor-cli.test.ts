import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { PROJECT_ROOT, runCli } from "../harness/runner.ts";

const repositories: TestRepository[] = [];
const folders: string[] = [];
afterAll(() => {
  for (const repo of repositories) repo[Symbol.dispose]();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const CI = `name: CI
on:
  pull_request:
    branches: [trunk]
  push:
    branches: [trunk]
jobs:
  lint:
    runs-on: ubuntu-latest
  test:
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest]
    runs-on: \${{ matrix.os }}
  gate:
    needs: [lint, test]
    if: \${{ !cancelled() }}
    runs-on: ubuntu-latest
    steps:
      - env:
          RESULTS: \${{ toJSON(needs.*.result) }}
        run: echo "$RESULTS" | grep -qv failure
`;

function repository(files: Record<string, string>): TestRepository {
  const repo = createRepository({ defaultBranch: "trunk" });
  repositories.push(repo);
  repo.commit({ message: "workflows", files });
  // A clone's origin/HEAD names the default branch.
  repo.git("update-ref", "refs/remotes/origin/trunk", "HEAD");
  repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
  return repo;
}

describe("status-gate gate doctor", () => {
  it("exits 0 when every rule can be satisfied, on the branch origin's HEAD names, from a subfolder", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": CI,
      ".github/status-gate.yml": 'rules:\n  - check: lint\n  - check: "test (*)"\n',
      "src/lib.rs": "\n",
    });
    const run = await runCli(["gate", "doctor"], { cwd: join(repo.path, "src") });
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(
      "Checked 2 rules of .github/status-gate.yml against 1 workflow: checks mode on pull_request to trunk.",
    );
    expect(run.stdout).toContain("No problems: every rule can be satisfied.");
  });

  it("prints each problem at the rule's line and exits 1; --format json carries the same", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": CI,
      ".github/status-gate.yml": "rules:\n  - check: lint\n  - job: test\n",
    });
    const text = await runCli([
      "gate",
      "doctor",
      "--repo",
      repo.path,
      "--events",
      "pull_request,push",
    ]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(
      /^\.github\/status-gate\.yml:3:5: error \[status gate doctor: no-check\] rule 'test': it waits for a check named 'test'/m,
    );
    expect(text.stdout).toContain("1 error, 0 warnings.");
    const json = await runCli(["gate", "doctor", "--repo", repo.path, "--format", "json"]);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      passed: false,
      rulesFile: ".github/status-gate.yml",
      rules: 2,
      workflows: 1,
      gates: [
        {
          workflow: null,
          job: null,
          mode: "checks",
          events: [
            { event: "pull_request", branch: "trunk", description: "pull_request to trunk" },
          ],
        },
      ],
      findings: [
        {
          kind: "no-check",
          level: "error",
          rule: "test",
          file: ".github/status-gate.yml",
          line: 3,
          column: 5,
          event: null,
        },
      ],
      notChecked: [],
    });
  });

  it("warns without failing for advisory rules, and checks the branch --branch names", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": CI,
      ".github/status-gate.yml":
        "rules:\n  - check: lint\n  - check: codecov\n    advisory: true\n",
    });
    const advisory = await runCli(["gate", "doctor"], { cwd: repo.path });
    expect(advisory.exitCode).toBe(0);
    expect(advisory.stdout).toMatch(
      /:3:5: warning \[status gate doctor: no-check\] rule 'codecov'/,
    );
    expect(advisory.stdout).toContain("0 errors, 1 warning.");
    const develop = await runCli(["gate", "doctor", "--branch", "develop"], { cwd: repo.path });
    expect(develop.exitCode).toBe(1);
    expect(develop.stdout).toContain(
      "rule 'lint': on pull_request to develop, where the gate runs, the workflow of its check does not run (.github/workflows/ci.yml: its pull_request branches filter (trunk) leaves out develop)",
    );
  });

  it("exits 2 for a bad option, a broken rules file, no rules file or no workflows", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": CI,
      ".github/status-gate.yml": "rules:\n  - chek: lint\n",
    });
    const events = await runCli([
      "gate",
      "doctor",
      "--repo",
      repo.path,
      "--events",
      "pull_requests",
    ]);
    expect([events.exitCode, events.stderr]).toEqual([
      2,
      "status-gate gate: --events is 'pull_requests'; valid values are pull_request, merge_group, push; did you mean 'pull_request'?\n",
    ]);
    const broken = await runCli(["gate", "doctor", "--repo", repo.path]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain(
      ".github/status-gate.yml:2:5: rules[0]: a rule needs 'check' (a check name or pattern) or 'job'",
    );
    const missing = await runCli(["gate", "doctor", "--repo", repo.path, "--rules", "nope.yml"]);
    expect([missing.exitCode, missing.stderr]).toEqual([
      2,
      "status-gate gate: cannot read the rules file nope.yml (--rules); write one with 'status-gate gate init'\n",
    ]);
    const empty = mkdtempSync(join(tmpdir(), "sg-doctor-"));
    folders.push(empty);
    const none = await runCli(["gate", "doctor", "--repo", empty]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain(
      "has no .github/workflows folder, so there is nothing to check (--repo)",
    );
  });
});

describe("status-gate gate init", () => {
  it("writes the rules from the gate job's needs, passes doctor, and --check says when they are stale", async () => {
    const repo = repository({ ".github/workflows/ci.yml": CI });
    const init = await runCli(["gate", "init"], { cwd: repo.path });
    expect(init.stderr).toBe("");
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toBe(
      "Wrote .github/status-gate.yml: 2 rules. Check them with 'status-gate gate doctor'.\n",
    );
    const written = readFileSync(join(repo.path, ".github/status-gate.yml"), "utf8");
    expect(
      written,
    ).toContain(`  # .github/workflows/ci.yml: job 'test', in the needs of job 'gate' (line 16)
  - id: ci-test
    job: test
    # check: 2 checks: test (ubuntu-latest), test (windows-latest)
    check: "test (*)"
    workflow: .github/workflows/ci.yml
`);
    expect((await runCli(["gate", "doctor"], { cwd: repo.path })).exitCode).toBe(0);
    const fresh = await runCli(["gate", "init", "--check"], { cwd: repo.path });
    expect([fresh.exitCode, fresh.stdout]).toEqual([
      0,
      ".github/status-gate.yml is up to date (2 rules).\n",
    ]);
    // A new job in the gate's needs makes the file stale; --check writes nothing.
    writeFileSync(
      join(repo.path, ".github/workflows/ci.yml"),
      CI.replace("needs: [lint, test]", "needs: [lint, test, docs]").replace(
        "jobs:\n",
        "jobs:\n  docs:\n    runs-on: x\n",
      ),
    );
    const stale = await runCli(["gate", "init", "--check"], { cwd: repo.path });
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout).toMatch(
      /differs from what 'status-gate gate init' writes today \(3 rules\), first at line \d+\./,
    );
    expect(readFileSync(join(repo.path, ".github/status-gate.yml"), "utf8")).toBe(written);
  });

  it("never replaces a rules file without --force; --stdout and --check write nothing", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": CI,
      ".github/status-gate.yml": "rules:\n  - check: mine\n",
    });
    const refused = await runCli(["gate", "init"], { cwd: repo.path });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(".github/status-gate.yml exists; --force replaces it");
    const printed = await runCli(["gate", "init", "--stdout"], { cwd: repo.path });
    expect(printed.exitCode).toBe(0);
    expect(printed.stdout).toMatch(/^# Status gate rules/);
    const checked = await runCli(["gate", "init", "--check", "--format", "json"], {
      cwd: repo.path,
    });
    expect(checked.exitCode).toBe(1);
    const json = JSON.parse(checked.stdout);
    expect(json).toMatchObject({
      path: ".github/status-gate.yml",
      written: false,
      upToDate: false,
    });
    expect(json.rules.map((rule: { id: string }) => rule.id)).toEqual(["ci-lint", "ci-test"]);
    expect(readFileSync(join(repo.path, ".github/status-gate.yml"), "utf8")).toBe(
      "rules:\n  - check: mine\n",
    );
    const forced = await runCli(["gate", "init", "--force"], { cwd: repo.path });
    expect(forced.exitCode).toBe(0);
    expect(readFileSync(join(repo.path, ".github/status-gate.yml"), "utf8")).toMatch(/id: ci-lint/);
  });

  it("exits 2 when there is no job to write a rule for", async () => {
    const repo = repository({
      ".github/workflows/nightly.yml": "on: schedule\njobs:\n  n:\n    runs-on: x\n",
    });
    const run = await runCli(["gate", "init"], { cwd: repo.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("so there is no rule to write");
    expect(existsSync(join(repo.path, ".github/status-gate.yml"))).toBe(false);
  });

  const corpus = join(PROJECT_ROOT, "../shared/corpus/wasmcloud/.github");
  it.skipIf(!existsSync(corpus))(
    "on a copy of wasmCloud's .github: init, then doctor passes",
    async () => {
      const root = mkdtempSync(join(tmpdir(), "sg-wasmcloud-"));
      folders.push(root);
      mkdirSync(join(root, ".github"));
      cpSync(join(corpus, "workflows"), join(root, ".github/workflows"), { recursive: true });
      const init = await runCli(["gate", "init"], { cwd: root });
      expect(init.stdout).toBe(
        "Wrote .github/status-gate.yml: 36 rules. Check them with 'status-gate gate doctor'.\n",
      );
      const doctor = await runCli(["gate", "doctor"], { cwd: root });
      expect(doctor.exitCode).toBe(0);
      const onPush = await runCli(["gate", "init", "--check", "--events", "pull_request,push"], {
        cwd: root,
      });
      expect(onPush.exitCode).toBe(1);
      expect(onPush.stdout).toContain("gate doctor finds what the rules alone cannot fix");
      expect(onPush.stdout).toContain("[status gate doctor: path-filtered] rule 'wit-validate'");
    },
  );
});
