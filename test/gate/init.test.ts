import { describe, expect, it } from "vitest";
import { diagnose } from "../../src/gate/doctor/doctor.ts";
import { WorkflowRepository } from "../../src/gate/doctor/repository.ts";
import type { GateEventName } from "../../src/gate/doctor/triggers.ts";
import { starterRules } from "../../src/gate/init.ts";
import type { Rule } from "../../src/gate/rules.ts";
import { rules } from "./builders.ts";

const expr = (text: string) => ["$", `{{ ${text} }}`].join("");

function init(files: Record<string, string>, events?: GateEventName[]) {
  const repository = new WorkflowRepository(
    Object.entries(files).map(([name, text]) => ({ path: `.github/workflows/${name}`, text })),
  );
  const starter = starterRules(repository, {
    events,
    defaultBranch: "main",
    rulesPath: ".github/status-gate.yml",
  });
  const parsed = rules(starter.text);
  const report = diagnose({ rulesFile: parsed, repository, events, defaultBranch: "main" });
  const byId = new Map<string, Rule>(parsed.rules.map((rule) => [rule.id, rule]));
  return { starter, byId, findings: report.findings };
}

const HAND_GATE = (needs: string) => `  gate:
    needs: [${needs}]
    if: ${expr("!cancelled()")}
    runs-on: x
    steps:
      - env:
          RESULTS: ${expr("toJSON(needs.*.result)")}
        run: echo "$RESULTS" | grep -qv failure
`;

describe("gate init", () => {
  it("keeps a gate workflow's branch name in its one comment line, whatever it holds", () => {
    const { starter } = init({
      "ci.yml": "on: pull_request\njobs:\n  lint:\n    runs-on: x\n    steps: [{run: echo}]\n",
      "gate.yml": [
        "on:",
        "  pull_request:",
        '    branches: ["main\\nignore:\\n  - lint\\n#"]',
        "jobs:",
        "  gate:",
        "    runs-on: x",
        "    steps:",
        "      - uses: wasmcloud/status-gate@v1",
        "",
      ].join("\n"),
    });
    expect(starter.text).not.toMatch(/^ignore:/m);
    expect(rules(starter.text).ignore ?? []).toEqual([]);
  });

  it("takes the rules from a needs-mode status gate's needs", () => {
    const { byId, findings } = init({
      "ci.yml": `on: pull_request
jobs:
  lint:
    runs-on: x
  docs:
    runs-on: x
  gate:
    needs: [lint]
    if: always()
    runs-on: x
    steps:
      - uses: wasmcloud/status-gate@v1
        with:
          needs: ${expr("toJSON(needs)")}
`,
    });
    expect([...byId.keys()]).toEqual(["ci-lint"]);
    expect(findings).toEqual([]);
  });

  it("gives workflows whose names differ only in case ids that outputs tell apart", () => {
    const job = "on: pull_request\njobs:\n  lint:\n    runs-on: x\n";
    const { byId } = init({ "CI.yml": job, "ci.yml": job });
    expect([...byId.keys()].map((id) => id.toLowerCase())).toEqual(["ci-lint", "ci-lint-2"]);
  });

  it("without gate jobs, writes a rule per job of the workflows that run on the events", () => {
    const { starter, byId } = init({
      "ci.yml": "on: [pull_request]\njobs:\n  a:\n    runs-on: x\n  b:\n    runs-on: x\n",
      "nightly.yml": "on: schedule\njobs:\n  n:\n    runs-on: x\n",
    });
    expect([...byId.keys()]).toEqual(["ci-a", "ci-b"]);
    expect(starter.gateJobs).toEqual([
      "none found, so every job of the workflows that run on these events",
    ]);
  });

  it("reads the workflow's on.pull_request paths and paths-ignore", () => {
    const { starter, byId, findings } = init({
      "docs.yml": `on:
  pull_request:
    paths: ["docs/**", "mkdocs.yml"]
jobs:
  build:
    runs-on: x
${HAND_GATE("build")}`,
      "code.yml": `on:
  pull_request:
    paths-ignore: ["docs/**", "**/*.md"]
jobs:
  test:
    runs-on: x
${HAND_GATE("test")}`,
    });
    expect(byId.get("docs-build")?.paths).toEqual(["docs/**", "mkdocs.yml"]);
    expect(byId.get("code-test")?.paths).toEqual(["!docs/**", "!**/*.md"]);
    expect(starter.text).toContain("    # paths: the workflow's on: paths (line 3)");
    expect(starter.text).toContain("    # paths: the workflow's on: paths-ignore (line 3)");
    // What no rule can fix, the doctor says: a change to the rules file or to a workflow makes
    // every rule apply, and docs.yml does not run for it.
    expect(findings.map((f) => [f.kind, f.rule, f.example])).toEqual([
      ["path-filtered", "docs-build", ".github/status-gate.yml"],
    ]);
  });

  it("takes the narrower list when a job follows a filter inside a paths-filtered workflow", () => {
    const { byId, findings } = init({
      "ci.yml": `on:
  pull_request:
    paths: ["crates/**", "Cargo.lock"]
jobs:
  changes:
    outputs:
      api: ${expr("steps.f.outputs.api")}
    steps:
      - id: f
        uses: dorny/paths-filter@v3
        with:
          filters: |
            api: ["crates/api/**"]
  api:
    needs: changes
    if: needs.changes.outputs.api == 'true'
    runs-on: x
${HAND_GATE("changes, api")}`,
    });
    expect(byId.get("ci-api")?.paths).toEqual(["crates/api/**"]);
    expect(byId.get("ci-api")?.allow).toEqual([]);
    expect(byId.get("ci-changes")?.paths).toEqual(["crates/**", "Cargo.lock"]);
    expect(findings.map((f) => [f.kind, f.rule, f.example])).toEqual([
      ["path-filtered", "ci-changes", ".github/status-gate.yml"],
      ["path-filtered", "ci-api", ".github/status-gate.yml"],
    ]);
  });

  it("allows skipped when a label, or two filters no one list can say, decide whether a job runs", () => {
    const { starter, byId, findings } = init({
      "ci.yml": `on: pull_request
jobs:
  changes:
    outputs:
      a: ${expr("steps.f.outputs.a")}
      b: ${expr("steps.f.outputs.b")}
    steps:
      - id: f
        uses: dorny/paths-filter@v3
        with:
          filters: |
            a: ["a/**"]
            b: ["b/**"]
  both:
    needs: changes
    if: needs.changes.outputs.a == 'true' && needs.changes.outputs.b == 'true'
    runs-on: x
  labelled:
    needs: changes
    if: needs.changes.outputs.a == 'true' && contains(github.event.pull_request.labels.*.name, 'slow')
    runs-on: x
${HAND_GATE("changes, both, labelled")}`,
    });
    const skippedOnPulls = { pull_request: ["skipped"] };
    expect(byId.get("ci-both")).toMatchObject({
      paths: ["a/**", "b/**"],
      allowByEvent: skippedOnPulls,
    });
    expect(byId.get("ci-labelled")).toMatchObject({
      paths: ["a/**"],
      labels: [],
      allowByEvent: skippedOnPulls,
    });
    expect(starter.text).toContain("which one list of paths cannot say");
    expect(starter.text).toContain("the pull request has the label 'slow'");
    expect(findings).toEqual([]);
  });

  it("writes labels that run a job whatever changed, which make its rule apply", () => {
    const { starter, byId, findings } = init({
      "ci.yml": `on: pull_request
jobs:
  changes:
    outputs:
      src: ${expr("steps.f.outputs.src")}
    steps:
      - id: f
        uses: dorny/paths-filter@v3
        with:
          filters: |
            src: ["src/**"]
  e2e:
    needs: changes
    if: needs.changes.outputs.src == 'true' || contains(github.event.pull_request.labels.*.name, 'e2e')
    runs-on: x
${HAND_GATE("changes, e2e")}`,
    });
    expect(byId.get("ci-e2e")).toMatchObject({ paths: ["src/**"], labels: ["e2e"], allow: [] });
    expect(starter.text).toContain("    labels: [e2e]\n");
    expect(findings).toEqual([]);
  });

  it("allows skipped for a job that runs on pull requests but is skipped on push", () => {
    const files = {
      "ci.yml": `on: [pull_request, push]
jobs:
  pr-only:
    if: github.event_name == 'pull_request'
    runs-on: x
${HAND_GATE("pr-only")}`,
    };
    expect(init(files).byId.get("ci-pr-only")?.allowByEvent).toBeUndefined();
    const both = init(files, ["pull_request", "push"]);
    expect(both.byId.get("ci-pr-only")?.allowByEvent).toEqual({ push: ["skipped"] });
    expect(both.starter.text).toContain("# on push to main the job never runs");
    expect(both.findings).toEqual([]);
  });
});
