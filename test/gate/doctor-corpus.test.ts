import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { diagnose } from "../../src/gate/doctor/doctor.ts";
import { readRepository, type WorkflowRepository } from "../../src/gate/doctor/repository.ts";
import type { GateEventName } from "../../src/gate/doctor/triggers.ts";
import { starterRules } from "../../src/gate/init.ts";
import type { Rule } from "../../src/gate/rules.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { plan, rules } from "./builders.ts";

const CORPUS = join(PROJECT_ROOT, "../shared/corpus/wasmcloud");
const present = existsSync(join(CORPUS, ".github/workflows/wash.yml"));
if (!present)
  console.warn(`skipping the wasmCloud corpus tests of gate doctor: ${CORPUS} is absent`);

const HAND_WRITTEN = readFileSync(
  join(import.meta.dirname, "fixtures/wasmcloud-checks-rules.yml"),
  "utf8",
);

async function corpus(): Promise<WorkflowRepository> {
  return (await readRepository(CORPUS)) as WorkflowRepository;
}

function check(text: string, events?: GateEventName[], repository?: WorkflowRepository) {
  return async () =>
    diagnose({
      rulesFile: rules(text),
      repository: repository ?? (await corpus()),
      events,
      defaultBranch: "main",
    });
}

describe.skipIf(!present)(
  "gate doctor on wasmCloud's workflows, with rules written for them",
  () => {
    it("finds every hand-written rule satisfiable on pull requests", async () => {
      const report = await check(HAND_WRITTEN)();
      expect(report.findings).toEqual([]);
      expect(report.workflows).toBe(21);
    });

    it("says that no workflow runs in a merge queue: wasmCloud has no merge_group trigger", async () => {
      const report = await check(HAND_WRITTEN, ["merge_group"])();
      const ruleCount = rules(HAND_WRITTEN).rules.length;
      expect(report.findings.map((f) => f.kind)).toEqual(Array(ruleCount).fill("not-triggered"));
      expect(report.findings[0]?.message).toContain(
        "wash.yml: it is not triggered on merge_group (its triggers: pull_request, push, workflow_dispatch)",
      );
    });

    it("finds the workflows that filter push by paths, so that on main their checks may not exist", async () => {
      const report = await check(HAND_WRITTEN, ["push"])();
      expect(report.findings.map((f) => [f.rule, f.kind, f.example])).toEqual([
        ["install-bash", "path-filtered", ".github/status-gate.yml"],
        ["wit-validate", "path-filtered", ".github/status-gate.yml"],
        ["zizmor", "path-filtered", ".github/status-gate.yml"],
      ]);
    });

    it("compares the six canary-binaries legs by the names GitHub cuts, as the gate matches them", async () => {
      const repository = await corpus();
      const legs = repository
        .producersOf(".github/workflows/wash.yml")
        .find((producer) => producer.job.id === "canary-binaries")?.names;
      expect(legs?.filter((name) => name.uncut !== undefined)).toHaveLength(6);
      expect(legs?.every((name) => (name.literal?.length ?? 0) <= 100)).toBe(true);
      for (const pattern of ["canary-binaries (*)", "canary-binaries (*"]) {
        const report = await check(
          HAND_WRITTEN.replace('check: "canary-binaries (*"', `check: "${pattern}"`),
          undefined,
          repository,
        )();
        expect(report.findings).toEqual([]);
      }
    });

    it("finds rules that allow skipped jobs but not the name their check has when skipped", async () => {
      const report = await check(
        HAND_WRITTEN.replace('check: "build*"', 'check: "build (*"').replace(
          'check: "canary*"',
          'check: "canary / *"',
        ),
      )();
      expect(report.findings.map((f) => [f.kind, f.rule, f.job])).toEqual([
        ["skipped-name", "gateway-canary", "canary"],
        ["skipped-name", "examples-build", "build"],
      ]);
      expect(report.findings[1]?.message).toContain(
        "GitHub names its check 'build' (its matrix is not expanded), which the rule does not match: the gate would wait for it until its timeout; match that name too, such as 'build*'",
      );
    });

    it("finds a rule for a job that every pull request skips, and `job:` where a check name is meant", async () => {
      const report = await check(
        `rules:
  - check: canary-publish
    workflow: .github/workflows/wash.yml
  - job: check
    workflow: .github/workflows/wash.yml
  - check: lint
    workflow: .github/workflows/wahs.yml
`,
      )();
      expect(report.findings.map((f) => [f.kind, f.position.line])).toEqual([
        ["skipped", 2],
        ["no-check", 4],
        ["workflow-missing", 6],
      ]);
    });
  },
);

/**
 * How each job that wasmCloud's eleven gate jobs wait for runs on a pull request, read by hand
 * from the corpus: the paths-filter group its `if:` follows, `never` (skipped on every pull
 * request), `computed` (a matrix whose items a script picks) or `always`.
 */
const GATE_NEEDS: Record<string, Record<string, string>> = {
  "audit.yml": { "cargo-audit": "relevant" },
  "charts.yml": {
    test: "relevant",
    lint: "relevant",
    kubeconform: "relevant",
    trivy: "relevant",
    checkov: "relevant",
  },
  "examples.yml": { matrix: "always", build: "computed" },
  "lint-workflows.yml": { actionlint: "relevant", zizmor: "relevant" },
  "proto.yml": {
    lint: "relevant",
    "check-generated": "relevant",
    "check-generated-rust": "relevant",
  },
  "runtime-gateway.yml": { lint: "relevant", test: "relevant" },
  "runtime-operator.yml": {
    lint: "relevant",
    test: "relevant",
    manifests: "relevant",
    build: "relevant",
    "test-e2e": "relevant",
  },
  "templates.yml": { matrix: "always", build: "computed" },
  "test-install-scripts.yml": {
    "test-bash-install": "relevant",
    "test-powershell-install": "relevant",
  },
  "wash.yml": {
    check: "relevant",
    lint: "relevant",
    "wash-image": "relevant",
    "wash-image-all-features": "relevant",
    "wash-image-amd64": "never",
    "e2e-fixtures": "relevant",
    "runtime-operator-e2e": "relevant",
    "canary-publish": "never",
    "canary-binaries": "workflow",
  },
  "wit.yml": { changes: "always", validate: "relevant", publish: "never" },
};

/**
 * Jobs whose `if:` also runs them when the pull request has the label `canary` (directly, or
 * through the jobs they need), whatever changed: their rules apply then too.
 */
const CANARY_LABELLED: Record<string, string[]> = {
  "runtime-operator.yml": ["lint", "test", "manifests", "build", "test-e2e"],
};

interface CorpusJob {
  needs?: string[];
  steps?: { uses?: string; with?: { filters?: string } }[];
}

/** The corpus's own gate jobs and filter groups, read with a plain YAML parser. */
function corpusFacts(file: string) {
  const jobs = (
    parse(readFileSync(join(CORPUS, ".github/workflows", file), "utf8")) as {
      jobs: Record<string, CorpusJob>;
    }
  ).jobs;
  const gateNeeds = jobs.gate?.needs ?? [];
  const filterStep = Object.values(jobs)
    .flatMap((job) => job.steps ?? [])
    .find((step) => step.uses?.startsWith("dorny/paths-filter@"));
  const groups = parse(filterStep?.with?.filters ?? "{}") as Record<string, string[]>;
  return { gateNeeds, groups };
}

describe.skipIf(!present)("gate init on wasmCloud's workflows", () => {
  const starter = async () =>
    starterRules(await corpus(), { defaultBranch: "main", rulesPath: ".github/status-gate.yml" });

  it("the table above lists exactly the needs of the eleven gate jobs", () => {
    const files = readdirSync(join(CORPUS, ".github/workflows")).filter(
      (file) => corpusFacts(file).gateNeeds.length > 0,
    );
    expect(files.sort()).toEqual(Object.keys(GATE_NEEDS).sort());
    for (const file of files) {
      expect(
        corpusFacts(file)
          .gateNeeds.filter((need) => need !== "gate")
          .sort(),
      ).toEqual(Object.keys(GATE_NEEDS[file] ?? {}).sort());
    }
  });

  it("writes a rule for every job the gate jobs wait for, with the same path conditions", async () => {
    const written = await starter();
    const parsed = rules(written.text).rules;
    const expected = Object.entries(GATE_NEEDS).flatMap(([file, needs]) =>
      Object.keys(needs).map((job) => `.github/workflows/${file}:${job}`),
    );
    expect(parsed.map((rule) => `${rule.workflow}:${rule.job}`).sort()).toEqual(expected.sort());
    for (const [file, needs] of Object.entries(GATE_NEEDS)) {
      const { groups } = corpusFacts(file);
      for (const [job, how] of Object.entries(needs)) {
        const rule = parsed.find(
          (candidate) =>
            candidate.workflow === `.github/workflows/${file}` && candidate.job === job,
        ) as Rule;
        const where = `${file}: ${job}`;
        const labels = CANARY_LABELLED[file]?.includes(job) ? ["canary"] : [];
        const shape = (paths: unknown, allow: unknown) => [where, paths, labels, allow];
        const actual = shape(rule.paths, rule.allowByEvent ?? rule.allow);
        if (how === "always") expect(actual).toEqual(shape([], []));
        else if (how === "never" || how === "computed") {
          // Skipped on pull requests only: on main (push) the job must succeed.
          expect(actual).toEqual(shape([], { pull_request: ["skipped"] }));
        } else {
          expect(groups[how], where).toBeDefined();
          expect(actual).toEqual(shape(groups[how], []));
        }
        expect(rule.labels, where).toEqual(labels);
      }
    }
  });

  it("decides as the old gates intended: a change to crates/wash requires the wash checks only", async () => {
    const file = rules((await starter()).text);
    const required = plan(file, ["crates/wash/src/main.rs"])
      .filter((decision) => decision.applies && decision.rule.paths.length > 0)
      .map((decision) => decision.rule.id);
    expect(required).toEqual([
      "wash-check",
      "wash-lint",
      "wash-wash-image",
      "wash-wash-image-all-features",
      "wash-e2e-fixtures",
      "wash-runtime-operator-e2e",
    ]);
  });

  it("pins every rule to its workflow, and matches the names GitHub shows, cut ones included", async () => {
    const file = rules((await starter()).text);
    const byId = new Map(file.rules.map((rule) => [rule.id, rule]));
    expect(file.rules.every((rule) => rule.workflow !== undefined)).toBe(true);
    expect(byId.get("wash-check")?.check).toBe("check (*)");
    // Six legs' names are cut at 100 characters, which the gate's patterns match as GitHub shows them.
    expect(byId.get("wash-canary-binaries")?.check).toBe("canary-binaries (*)");
    expect(byId.get("examples-matrix")?.check).toBe("matrix / *");
    // Skipped jobs are not expanded: their check is named `build`, which the pattern matches too.
    expect(byId.get("examples-build")?.check).toBe("build*");
    expect(byId.get("wit-publish")?.check).toBe("publish*");
    expect(byId.get("charts-lint")?.check).toBe("ct lint (helm + yaml)");
    expect(byId.get("wash-lint")?.check).toBeUndefined();
  });

  it("says where each line came from", async () => {
    const { text } = await starter();
    expect(text).toContain(
      "  # .github/workflows/wash.yml: job 'check', in the needs of job 'gate' (line 591)",
    );
    expect(text).toContain(
      "    # paths: filter 'relevant' of the paths-filter step of job 'changes' (line 47)",
    );
    expect(text).toMatch(
      /id: runtime-operator-lint\n(?: {4}.*\n)*? {4}# labels: they run the job whatever changed \(its if:\), so the rule applies then too\n {4}labels: \[canary\]\n/,
    );
    expect(text).toContain(
      "    # on pull_request to main the job never runs (its if: or a job it needs)\n    allow: { pull_request: [skipped] }\n",
    );
  });

  it("passes gate doctor on its own output", async () => {
    const repository = await corpus();
    const { text } = await starter();
    const report = await check(text, undefined, repository)();
    expect(report.findings).toEqual([]);
    expect(report.rules).toBe(36);
  });

  it("leaves to gate doctor what rules cannot fix: push paths filters and jobs skipped on push", async () => {
    const repository = await corpus();
    const starterOnPush = starterRules(repository, {
      defaultBranch: "main",
      rulesPath: ".github/status-gate.yml",
      events: ["pull_request", "push"],
    });
    // wit's `changes` job runs on pull requests only: on push the rule allows it to be skipped.
    const changes = rules(starterOnPush.text).rules.find((rule) => rule.id === "wit-changes");
    expect(changes?.allowByEvent).toEqual({ push: ["skipped"] });
    const report = await check(starterOnPush.text, ["pull_request", "push"], repository)();
    const filtered = [...new Set(report.findings.map((f) => `${f.kind} ${f.workflow}`))];
    expect(filtered).toEqual([
      "path-filtered .github/workflows/lint-workflows.yml",
      "path-filtered .github/workflows/test-install-scripts.yml",
      "path-filtered .github/workflows/wit.yml",
    ]);
  });
});
