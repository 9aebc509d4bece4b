import { afterAll, describe, expect, it } from "vitest";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";

// Round-2 review of `gate doctor` and `gate init` through the built CLI: findings must be real
// (no rule called unsatisfiable that GitHub would satisfy), the rules init writes must require
// the checks where the workflows run them, and hostile workflows must not stall either command.

const repositories: TestRepository[] = [];
afterAll(() => {
  for (const repo of repositories) repo[Symbol.dispose]();
});

function repository(files: Record<string, string>): TestRepository {
  const repo = createRepository();
  repositories.push(repo);
  repo.commit({ message: "workflows", files });
  return repo;
}

const GO = `name: CI
on:
  pull_request:
    paths: ['**.go', 'go.mod', 'cmd/*.tmpl?', '.github/**']
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: go test ./...
  gate:
    needs: [test]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo '\${{ toJSON(needs) }}'
`;

describe("workflow filters are read in GitHub's pattern syntax", () => {
  it("doctor: '**.go' lets the workflow run for Go files in every folder", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": GO,
      ".github/status-gate.yml":
        'rules:\n  - check: test\n    workflow: .github/workflows/ci.yml\n    paths: ["pkg/**/*.go"]\n',
    });
    const run = await runCli(["gate", "doctor", "--repo", repo.path, "--branch", "main"]);
    expect(run.stdout).not.toContain("path-filtered");
    expect(run.exitCode).toBe(0);
  });

  it("init: writes the workflow's '**.go' as a rules glob that requires the job for pkg/a.go", async () => {
    const repo = repository({ ".github/workflows/ci.yml": GO });
    const init = await runCli(["gate", "init", "--repo", repo.path, "--branch", "main"]);
    expect(init.exitCode).toBe(0);
    repo.git("add", "-A");
    repo.git("commit", "-qm", "rules");
    repo.git("checkout", "-qb", "change");
    repo.commit({ message: "go", files: { "pkg/server/a.go": "package server\n" } });
    const plan = await runCli(["gate", "plan", "--repo", repo.path, "--format", "json"]);
    expect(plan.exitCode).toBe(0);
    const { required } = JSON.parse(plan.stdout) as { required: { rule: string }[] };
    expect(required.map((entry) => entry.rule)).toEqual(["ci-test"]);
    const doctor = await runCli(["gate", "doctor", "--repo", repo.path, "--branch", "main"]);
    expect(doctor.stdout).toContain("No problems");
  });
});

/** Eight levels of ten aliases each: 10^8 values once expanded. */
const ALIAS_BOMB = [
  "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]",
  ...Array.from(
    { length: 7 },
    (_, level) => `x${level + 1}: &a${level + 1} [${Array(10).fill(`*a${level}`).join(", ")}]`,
  ),
].join("\n");

describe("hostile workflows do not stall doctor or init", () => {
  it("a matrix that nests aliases a hundred million values deep is an invalid workflow, read at once", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": GO,
      ".github/workflows/bomb.yml": `on: pull_request\n${ALIAS_BOMB}\njobs:\n  boom:\n    runs-on: x\n    strategy:\n      matrix:\n        include: [{ x: *a7 }]\n`,
      ".github/status-gate.yml": 'rules:\n  - check: "boom*"\n',
    });
    const doctor = await runCli(["gate", "doctor", "--repo", repo.path, "--branch", "main"], {
      timeoutMs: 20_000,
    });
    expect(doctor.stdout).toMatch(/bomb\.yml/);
    expect(doctor.stdout).toMatch(/alias/);
    const init = await runCli(
      ["gate", "init", "--repo", repo.path, "--branch", "main", "--stdout"],
      { timeoutMs: 20_000 },
    );
    expect(init.exitCode).toBe(0);
  });

  it("a paths-filter group whose braces expand past a billion globs is not read as paths", async () => {
    const braces = "{a,b}".repeat(32);
    const workflow = `on: pull_request
jobs:
  changes:
    runs-on: x
    outputs:
      src: \${{ steps.filter.outputs.src }}
    steps:
      - id: filter
        uses: dorny/paths-filter@de90cc6fb38fc0963ad72b210f1f284cd68cea36 # v3.0.2
        with:
          filters: |
            src:
              - 'src/${braces}/**'
  build:
    needs: changes
    if: needs.changes.outputs.src == 'true'
    runs-on: x
  gate:
    needs: [changes, build]
    if: always()
    runs-on: x
    steps:
      - run: echo '\${{ toJSON(needs) }}'
`;
    const repo = repository({ ".github/workflows/ci.yml": workflow });
    const init = await runCli(
      ["gate", "init", "--repo", repo.path, "--branch", "main", "--stdout"],
      { timeoutMs: 20_000 },
    );
    expect(init.exitCode).toBe(0);
    expect(init.stdout).not.toContain(braces);
    expect(init.stdout).toContain("id: ci-build");
  });
});

describe("job conditions are read with the event that runs the workflow", () => {
  it("a pull_request_target workflow's job that checks for pull_request_target is not 'always skipped'", async () => {
    const repo = repository({
      ".github/workflows/triage.yml": `on:
  pull_request_target:
    types: [opened, synchronize]
jobs:
  triage:
    if: github.event_name == 'pull_request_target' && github.base_ref == 'main'
    runs-on: x
`,
      ".github/status-gate.yml":
        "rules:\n  - check: triage\n    workflow: .github/workflows/triage.yml\n",
    });
    const doctor = await runCli(["gate", "doctor", "--repo", repo.path, "--branch", "main"]);
    expect(doctor.stdout).not.toContain("skipped");
    expect(doctor.exitCode).toBe(0);
  });
});

describe("no-check is an error only where no other source can satisfy the rule", () => {
  it("a rule for an outside CI's commit status is a warning, not an unsatisfiable rule", async () => {
    const repo = repository({
      ".github/workflows/ci.yml": GO,
      ".github/status-gate.yml":
        'rules:\n  - check: "ci/circleci: build"\n  - check: tset\n  - check: deploy\n    workflow: .github/workflows/ci.yml\n',
    });
    const doctor = await runCli(["gate", "doctor", "--repo", repo.path, "--branch", "main"]);
    expect(doctor.stdout).toMatch(
      /:2:5: warning \[status gate doctor: no-check\] rule 'ci\/circleci: build'.*a commit status or another app's check run may still satisfy it/,
    );
    // A likely slip of a job's name, and a rule pinned to a workflow, stay errors.
    expect(doctor.stdout).toMatch(
      /:3:5: error \[status gate doctor: no-check\] rule 'tset'.*did you mean 'test'/,
    );
    expect(doctor.stdout).toMatch(/:4:5: error \[status gate doctor: no-check\] rule 'deploy'/);
    expect(doctor.exitCode).toBe(1);
  });
});
