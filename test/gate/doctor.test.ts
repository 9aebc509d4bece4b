import { describe, expect, it } from "vitest";
import { type DoctorReport, diagnose } from "../../src/gate/doctor/doctor.ts";
import { FINDING_KINDS } from "../../src/gate/doctor/findings.ts";
import { WorkflowRepository } from "../../src/gate/doctor/repository.ts";
import type { GateEventName } from "../../src/gate/doctor/triggers.ts";
import { rules } from "./builders.ts";

const expr = (text: string) => ["$", `{{ ${text} }}`].join("");

/** A workflow file: `on:` and jobs given as YAML lines. */
function workflow(on: string, ...jobs: string[]): string {
  return `on: ${on}\njobs:\n${jobs.join("\n")}\n`;
}

const CI = workflow(
  "\n  pull_request:\n  push:\n    branches: [main]",
  "  lint:\n    runs-on: ubuntu-latest",
  "  test:\n    strategy:\n      matrix:\n        os: [ubuntu-latest, macos-latest]",
);

function doctor(
  rulesYaml: string,
  files: Record<string, string>,
  events?: GateEventName[],
): DoctorReport {
  const repository = new WorkflowRepository(
    Object.entries(files).map(([name, text]) => ({ path: `.github/workflows/${name}`, text })),
  );
  return diagnose({ rulesFile: rules(rulesYaml), repository, events, defaultBranch: "main" });
}

describe("gate doctor: rules that can be satisfied", () => {
  it("finds nothing wrong with literal names, matrix patterns and reusable workflows", () => {
    const report = doctor(
      `rules:
  - check: lint
    workflow: .github/workflows/ci.yml
  - check: "test (*)"
    paths: ["src/**"]
  - check: "images / *"
  - id: coverage
    check: codecov/patch
    app: codecov
`,
      {
        "ci.yml": CI,
        "images.yml": workflow(
          "[pull_request, push]",
          "  images:\n    uses: ./.github/workflows/build.yml",
        ),
        "build.yml": workflow("workflow_call", "  build:\n    runs-on: x"),
      },
      ["pull_request", "push"],
    );
    expect(report.findings).toEqual([]);
    expect(report.notChecked).toEqual([
      { rule: "coverage", reason: "its checks come from the app codecov, not from workflows" },
    ]);
  });
});

describe("gate doctor: one broken case per finding kind", () => {
  const covered = new Set<string>();
  const expectKind = (report: DoctorReport, kind: keyof typeof FINDING_KINDS) => {
    covered.add(kind);
    expect(report.findings.map((f) => f.kind)).toContain(kind);
    return report.findings.find((f) => f.kind === kind) as DoctorReport["findings"][number];
  };

  it("no-check: a name no job produces, with the likely typo", () => {
    const report = doctor("rules:\n  - check: lnt\n", { "ci.yml": CI });
    const finding = expectKind(report, "no-check");
    expect(finding).toMatchObject({ rule: "lnt", level: "error", position: { line: 2 } });
    expect(finding.message).toContain("did you mean 'lint'?");
  });

  it("no-check: a rule without check: in checks mode, whose job has matrix legs", () => {
    const report = doctor("rules:\n  - job: test\n    workflow: .github/workflows/ci.yml\n", {
      "ci.yml": CI,
    });
    expect(expectKind(report, "no-check").message).toContain(
      "job 'test' is shown as 'test (ubuntu-latest)', 'test (macos-latest)'; add check: 'test (*)'",
    );
  });

  it("compares rules with the names GitHub shows, cut at 100 characters, as the gate matches them", () => {
    const long = `target-${"x".repeat(100)}`;
    const ci = workflow(
      "pull_request",
      `  bin:\n    strategy:\n      matrix:\n        t: [short, ${long}]\n    runs-on: x`,
      `  publish:\n    name: publish ${long}\n    runs-on: x`,
    );
    // The leg 'bin (target-xxx...)' is shown cut to 97 characters and '...'; the gate's patterns
    // and literal names match such a name when it could have been cut from one they match.
    for (const check of ['"bin (*)"', '"bin (*"', `"publish ${long}"`]) {
      expect(doctor(`rules:\n  - check: ${check}\n`, { "ci.yml": ci }).findings).toEqual([]);
    }
    const other = doctor(`rules:\n  - check: "publish ${long.slice(0, 80)}"\n`, { "ci.yml": ci });
    expect(other.findings.map((f) => f.kind)).toEqual(["no-check"]);
  });

  it("workflow-missing: a pinned workflow that is not there", () => {
    const report = doctor("rules:\n  - check: lint\n    workflow: .github/workflows/cl.yml\n", {
      "ci.yml": CI,
    });
    expect(expectKind(report, "workflow-missing").message).toContain(
      "did you mean .github/workflows/ci.yml?",
    );
  });

  it("invalid-workflow: a pinned workflow GitHub would refuse to parse", () => {
    const report = doctor("rules:\n  - check: lint\n    workflow: .github/workflows/ci.yml\n", {
      "ci.yml": "on: [push\njobs: {}\n",
    });
    expect(expectKind(report, "invalid-workflow")).toMatchObject({ level: "error", rule: "lint" });
  });

  it("invalid-workflow: a broken file a rule without workflow: could depend on is a warning", () => {
    const files = { "ci.yml": CI, "broken.yml": "jobs: [\n" };
    const unpinned = doctor("rules:\n  - check: lint\n", files);
    expect(unpinned.findings).toEqual([
      expect.objectContaining({
        kind: "invalid-workflow",
        level: "warning",
        workflow: ".github/workflows/broken.yml",
      }),
    ]);
    // Files are read as rules need them: rules pinned elsewhere never read the broken one.
    const pinned = doctor(
      "rules:\n  - check: lint\n    workflow: .github/workflows/ci.yml\n",
      files,
    );
    expect(pinned.findings).toEqual([]);
    expect(pinned.workflows).toBe(2);
  });

  it("not-triggered: a workflow without merge_group where the gate runs in the merge queue", () => {
    const gate = workflow(
      "\n  pull_request:\n  merge_group:",
      "  gate:\n    runs-on: x\n    steps:\n      - uses: wasmcloud/status-gate@v1",
    );
    const report = doctor("rules:\n  - check: lint\n", { "ci.yml": CI, "gate.yml": gate });
    const finding = expectKind(report, "not-triggered");
    expect(finding.event).toBe("merge_group for main");
    expect(finding.message).toContain("it is not triggered on merge_group");
    expect(report.eventsFrom).toContain(".github/workflows/gate.yml");
  });

  it("not-triggered, as a warning: a push workflow runs only for pull requests from this repository", () => {
    const report = doctor("rules:\n  - check: lint\n", {
      "ci.yml": workflow("push", "  lint:\n    runs-on: x"),
    });
    expect(expectKind(report, "not-triggered")).toMatchObject({ level: "warning" });
    expect(report.findings[0]?.message).toContain("never one from a fork");
  });

  it("not-triggered: pull_request types that leave out synchronize", () => {
    const report = doctor("rules:\n  - check: lint\n", {
      "ci.yml": workflow(
        "\n  pull_request:\n    types: [opened, labeled]",
        "  lint:\n    runs-on: x",
      ),
    });
    expect(expectKind(report, "not-triggered").message).toContain("leave out synchronize");
  });

  it("branch-filtered: a workflow that runs only for pull requests to another branch", () => {
    const report = doctor("rules:\n  - check: lint\n", {
      "ci.yml": workflow("\n  pull_request:\n    branches: [develop]", "  lint:\n    runs-on: x"),
    });
    expect(expectKind(report, "branch-filtered").message).toContain(
      "branches filter (develop) leaves out main",
    );
  });

  it("path-filtered: paths the rule includes that the workflow's paths filter leaves out", () => {
    const report = doctor('rules:\n  - check: lint\n    paths: ["src/**", "Cargo.lock"]\n', {
      "ci.yml": workflow("\n  pull_request:\n    paths: ['src/**']", "  lint:\n    runs-on: x"),
    });
    expect(expectKind(report, "path-filtered")).toMatchObject({ example: "Cargo.lock" });
  });

  it("path-filtered: paths-ignore, and a change to a workflow, which makes every rule apply", () => {
    const ignoring = doctor('rules:\n  - check: lint\n    paths: ["**"]\n', {
      "ci.yml": workflow(
        "\n  pull_request:\n    paths-ignore: ['docs/**']",
        "  lint:\n    runs-on: x",
      ),
    });
    expect(ignoring.findings[0]?.example).toMatch(/^docs\//);
    const pushOnly = doctor(
      'rules:\n  - check: lint\n    paths: ["src/**"]\n',
      {
        "ci.yml": workflow("\n  push:\n    paths: ['src/**']", "  lint:\n    runs-on: x"),
      },
      ["push"],
    );
    const finding = expectKind(pushOnly, "path-filtered");
    expect(finding.example).toBe(".github/status-gate.yml");
    expect(finding.message).toContain("makes every rule apply");
  });

  it("skipped: a job whose if: skips it on pull requests, in a rule that does not allow it", () => {
    const ci = workflow(
      "pull_request",
      "  publish:\n    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n    runs-on: x",
    );
    const report = doctor("rules:\n  - check: publish\n", { "ci.yml": ci });
    expect(expectKind(report, "skipped").message).toContain(
      "job 'publish' of .github/workflows/ci.yml (if: at line 4) is always skipped",
    );
    expect(
      doctor("rules:\n  - check: publish\n    allow: [skipped]\n", { "ci.yml": ci }).findings,
    ).toEqual([]);
  });

  it("skipped-name: a rule allowing a skipped matrix job that misses the unexpanded name", () => {
    const ci = workflow(
      "pull_request",
      `  build:\n    if: github.event_name == 'push'\n    strategy:\n      matrix:\n        os: [a, b]\n    runs-on: x`,
    );
    const report = doctor('rules:\n  - check: "build (*)"\n    allow: [skipped]\n', {
      "ci.yml": ci,
    });
    expect(expectKind(report, "skipped-name")).toMatchObject({ rule: "build (*)", job: "build" });
    const fixed = doctor('rules:\n  - check: "build*"\n    allow: [skipped]\n', { "ci.yml": ci });
    expect(fixed.findings).toEqual([]);
  });

  const needsGate = (needs: string) =>
    workflow(
      "pull_request",
      "  plan:\n    runs-on: x",
      "  lint:\n    runs-on: x",
      `  docs:\n    needs: plan\n    if: ${expr("fromJSON(needs.plan.outputs.applies).docs")}`,
      `  gate:\n    needs: [${needs}]\n    if: always()\n    steps:\n      - uses: wasmcloud/status-gate@v1\n        with:\n          needs: ${expr("toJSON(needs)")}`,
    );

  it("not-in-needs: a rule's job that the needs-mode gate cannot see", () => {
    const report = doctor("rules:\n  - job: lint\n  - job: docs\n", {
      "ci.yml": needsGate("plan, docs"),
    });
    const finding = expectKind(report, "not-in-needs");
    expect(finding).toMatchObject({ rule: "lint", position: { line: 2 } });
    expect(report.gates).toEqual([
      expect.objectContaining({ workflow: ".github/workflows/ci.yml", job: "gate", mode: "needs" }),
    ]);
  });

  it("unruled-need: a need without a rule that its if: may skip", () => {
    const report = doctor("rules:\n  - job: lint\n", { "ci.yml": needsGate("plan, lint, docs") });
    const finding = expectKind(report, "unruled-need");
    expect(finding).toMatchObject({
      job: "docs",
      position: { file: ".github/workflows/ci.yml", line: 11 },
    });
    expect(finding.message).toContain("fromjson(needs.plan.outputs.applies).docs");
    // `plan` has no rule either, but it always runs: a failure of it is red, rightly.
    expect(report.findings.filter((f) => f.job === "plan")).toEqual([]);
  });

  it("covers every kind of finding the doctor can report", () => {
    expect([...covered].sort()).toEqual(Object.keys(FINDING_KINDS).sort());
  });
});

describe("gate doctor reads events:, per-event allow and labels as the gate does", () => {
  const ci = workflow(
    "[pull_request, push]",
    "  publish:\n    if: github.event_name == 'push'\n    runs-on: x",
  );
  const pushOnly = workflow("\n  push:\n    branches: [main]", "  deploy:\n    runs-on: x");

  it("checks a rule with events: on those events only", () => {
    const files = { "ci.yml": ci, "deploy.yml": pushOnly };
    const all = doctor("rules:\n  - check: deploy\n", files, ["pull_request", "push"]);
    expect(all.findings.map((f) => [f.kind, f.event])).toEqual([
      ["not-triggered", "pull_request to main"],
    ]);
    const pinned = doctor("rules:\n  - check: deploy\n    events: [push]\n", files, [
      "pull_request",
      "push",
    ]);
    expect(pinned.findings).toEqual([]);
  });

  it("allows a skipped job on the events its allow: names, and no others", () => {
    const rule = "rules:\n  - check: publish\n    allow: { pull_request: [skipped] }\n";
    expect(doctor(rule, { "ci.yml": ci }, ["pull_request", "push"]).findings).toEqual([]);
    const wrong = "rules:\n  - check: publish\n    allow: { push: [skipped] }\n";
    const report = doctor(wrong, { "ci.yml": ci }, ["pull_request", "push"]);
    expect(report.findings.map((f) => [f.kind, f.event])).toEqual([
      ["skipped", "pull_request to main"],
    ]);
  });

  it("finds a workflow that a label's rule needs whatever changed, but whose paths filter skips", () => {
    const filtered = workflow(
      "\n  pull_request:\n    paths: ['src/**', '.github/**']",
      "  lint:\n    runs-on: x",
    );
    const rule = 'rules:\n  - check: lint\n    paths: ["src/**"]\n';
    expect(doctor(rule, { "ci.yml": filtered }).findings).toEqual([]);
    const report = doctor(`${rule}    labels: [full-ci]\n`, { "ci.yml": filtered });
    expect(report.findings[0]?.message).toMatch(
      /for a change to only '[^']+' in a pull request labelled 'full-ci', yet the rule applies to it \(the label 'full-ci' makes the rule apply whatever changed\)/,
    );
  });
});

describe("gate doctor on this repository's own rules and CI", () => {
  it("passes: the needs-mode gate of ci.yml lists every rule's job", async () => {
    const { readRepository } = await import("../../src/gate/doctor/repository.ts");
    const { readFileSync } = await import("node:fs");
    const { PROJECT_ROOT } = await import("../harness/runner.ts");
    const repository = await readRepository(PROJECT_ROOT);
    const report = diagnose({
      rulesFile: rules(readFileSync(`${PROJECT_ROOT}/.github/status-gate.yml`, "utf8")),
      repository: repository as WorkflowRepository,
      defaultBranch: "main",
    });
    expect(report.findings).toEqual([]);
    expect(report.gates.map((gate) => [gate.workflow, gate.mode])).toEqual([
      [".github/workflows/ci.yml", "needs"],
    ]);
  });
});
