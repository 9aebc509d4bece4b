import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadWorkflow, type Workflow } from "../../src/core/workflow.ts";
import { JobConditions, scenarioOf } from "../../src/gate/doctor/conditions.ts";
import { parseCondition } from "../../src/gate/doctor/expression.ts";
import { describe as describeFormula, terms } from "../../src/gate/doctor/formula.ts";
import { literalTokens, overlap, patternTokens } from "../../src/gate/doctor/name-pattern.ts";
import { cutName, jobCheckNames } from "../../src/gate/doctor/names.ts";
import { examplePaths, filterExamplePaths, filterMatches } from "../../src/gate/doctor/triggers.ts";
import { compilePath } from "../../src/gate/globs.ts";
import { compileName } from "../../src/gate/names.ts";

function workflow(text: string, path = ".github/workflows/ci.yml"): Workflow {
  const loaded = loadWorkflow(path, text);
  if (!loaded.workflow) throw new Error(loaded.problem.message);
  return loaded.workflow;
}

function names(text: string, others: Record<string, string> = {}): Record<string, string[]> {
  const main = workflow(text);
  const lookup = (path: string) => (others[path] ? workflow(others[path], path) : undefined);
  return Object.fromEntries(
    main.jobs.map((job) => [job.id, jobCheckNames(main, job, lookup).map((name) => name.text)]),
  );
}

const expr = (text: string) => ["$", `{{ ${text} }}`].join("");

describe("check names the doctor expects from a workflow", () => {
  it("names matrix legs as GitHub does: the job's name, then the leg's values in order", () => {
    const found = names(
      [
        "on: pull_request",
        "jobs:",
        "  test:",
        "    strategy:",
        "      matrix:",
        "        os: [ubuntu, macos]",
        "        rust: ['1.80', stable]",
        "        exclude: [{ os: macos, rust: '1.80' }]",
        "        include: [{ os: ubuntu, experimental: true }, { os: windows, rust: beta }]",
        "  empty:",
        "    strategy: { matrix: { include: [{ v: '', w: a }, { v: null }] } }",
        "  named:",
        "    name: Install script",
        "    strategy: { matrix: { os: [a, b] } }",
        "  templated:",
        `    name: e2e (${expr("matrix.variant")})`,
        "    strategy: { matrix: { include: [{ variant: release }, { variant: all }] } }",
        "  plain:",
        "    runs-on: x",
      ].join("\n"),
    );
    expect(found.test).toEqual([
      "test (ubuntu, 1.80, true)",
      "test (ubuntu, stable, true)",
      "test (macos, stable)",
      "test (windows, beta)",
    ]);
    expect(found.named).toEqual(["Install script (a)", "Install script (b)"]);
    // Empty values are left out of the parentheses, and with nothing left there are none.
    expect(found.empty).toEqual(["empty (a)", "empty"]);
    expect(found.templated).toEqual(["e2e (release)", "e2e (all)"]);
    expect(found.plain).toEqual(["plain"]);
  });

  it("leaves a matrix computed at run time as a pattern, and a whole computed name as '*'", () => {
    const found = names(
      [
        "on: push",
        "jobs:",
        "  build:",
        `    strategy: { matrix: ${JSON.stringify(expr("fromJSON(needs.plan.outputs.matrix)"))} }`,
        "  bench:",
        `    name: ${JSON.stringify(expr("matrix.bench"))}`,
        `    strategy: { matrix: ${JSON.stringify(expr("fromJSON(needs.plan.outputs.matrix)"))} }`,
      ].join("\n"),
    );
    expect(found).toEqual({ build: ["build (*)"], bench: ["*"] });
  });

  it("names jobs of local reusable workflows 'caller / callee', with the caller's inputs", () => {
    const callee = [
      "on:",
      "  workflow_call:",
      "    inputs:",
      "      target: { type: string, default: linux }",
      "jobs:",
      "  build:",
      `    name: build ${expr("inputs.target")}`,
      "  merge:",
      "    runs-on: x",
    ].join("\n");
    const found = names(
      [
        "on: pull_request",
        "jobs:",
        "  images:",
        "    uses: ./.github/workflows/build.yml",
        "    with: { target: arm64 }",
        "  defaults:",
        "    name: Defaults",
        "    uses: ./.github/workflows/build.yml",
        "  remote:",
        "    uses: octo/repo/.github/workflows/x.yml@v1",
      ].join("\n"),
      { ".github/workflows/build.yml": callee },
    );
    expect(found.images).toEqual(["images / build arm64", "images / merge"]);
    expect(found.defaults).toEqual(["Defaults / build linux", "Defaults / merge"]);
    expect(found.remote).toEqual(["remote / *"]);
  });

  it("cuts names over 100 characters to 97 and '...', as GitHub shows them", () => {
    const long = "x".repeat(120);
    expect(cutName(long)).toBe(`${"x".repeat(97)}...`);
    expect(cutName("x".repeat(100))).toBe("x".repeat(100));
    const found = names(`on: push\njobs:\n  j:\n    strategy: { matrix: { v: ['${long}'] } }\n`);
    expect(found.j).toEqual([`j (${"x".repeat(94)}...`]);
    expect(found.j?.[0]).toHaveLength(100);
  });
});

describe("name patterns compared with names only partly known", () => {
  const pattern = fc.stringMatching(/^[ab*?()[\]!/ ]{0,8}$/);
  const name = fc.stringMatching(/^[ab()/ ]{0,8}$/);

  it("agrees with the gate's own matching for every literal name", () => {
    fc.assert(
      fc.property(pattern, name, (rule, text) => {
        expect(overlap(patternTokens(rule), literalTokens(text))).toBe(compileName(rule)(text));
      }),
    );
  });

  it("never says two patterns share no name when one name matches both", () => {
    fc.assert(
      fc.property(pattern, pattern, name, (left, right, text) => {
        if (compileName(left)(text) && compileName(right)(text)) {
          expect(overlap(patternTokens(left), patternTokens(right))).toBe(true);
        }
      }),
    );
  });

  it("finds the name two patterns share, and refuses patterns that share none", () => {
    expect(overlap(patternTokens("build (*)"), patternTokens("build (linux, *"))).toBe(true);
    expect(overlap(patternTokens("lint"), patternTokens("test (*)"))).toBe(false);
    expect(overlap(patternTokens("[!a]x"), patternTokens("ax"))).toBe(false);
  });
});

describe("when a job runs, read from its if: and the jobs it needs", () => {
  const wash = workflow(
    [
      "on: [pull_request, push]",
      "jobs:",
      "  changes:",
      "    if: github.event_name == 'pull_request'",
      "    outputs:",
      `      relevant: ${expr("steps.filter.outputs.relevant")}`,
      "    steps:",
      "      - uses: dorny/paths-filter@v3",
      "        id: filter",
      "        with:",
      "          filters: |",
      "            relevant: ['crates/**']",
      "  check:",
      "    needs: changes",
      "    if: always() && (needs.changes.result == 'skipped' || needs.changes.outputs.relevant == 'true')",
      "  build:",
      "    needs: check",
      "  canary:",
      "    needs: [check]",
      "    if: always() && github.ref == 'refs/heads/main' && needs.check.result == 'success'",
      "  labelled:",
      "    needs: changes",
      "    if: always() && (needs.changes.outputs.relevant == 'true' || contains(github.event.pull_request.labels.*.name, 'canary'))",
      "  opaque:",
      `    if: ${expr("inputs.run && 'yes'")} extra`,
    ].join("\n"),
  );
  const job = (id: string) => wash.jobs.find((candidate) => candidate.id === id) as never;
  const on = (event: string) => new JobConditions(wash, scenarioOf(event, "main"));

  it("follows a paths-filter output through the job's outputs, and skip propagation", () => {
    expect(describeFormula(on("pull_request").runsWhen(job("check")))).toBe(
      "filter 'relevant' of job 'changes' matches",
    );
    expect(describeFormula(on("pull_request").runsWhen(job("build")))).toBe(
      "filter 'relevant' of job 'changes' matches",
    );
    expect(on("push").runsWhen(job("check"))).toBe(true);
    expect(on("push").runsWhen(job("build"))).toBe(true);
  });

  it("decides event and ref conditions: canary never runs on pull requests, always on main", () => {
    expect(on("pull_request").runsWhen(job("canary"))).toBe(false);
    expect(on("push").runsWhen(job("canary"))).toBe(true);
    expect(on("merge_group").runsWhen(job("canary"))).toBe(false);
  });

  it("keeps labels and what it cannot read as atoms of their own", () => {
    const labelled = terms(on("pull_request").runsWhen(job("labelled")));
    expect(labelled?.map((term) => term.map((literal) => literal.atom.kind))).toEqual([
      ["filter"],
      ["label"],
    ]);
    expect(describeFormula(on("push").runsWhen(job("labelled")))).toBe("false");
    expect(describeFormula(on("pull_request").runsWhen(job("opaque")))).toMatch(/^if: /);
  });

  it("parses GitHub's expression syntax and refuses what it does not know", () => {
    expect(parseCondition(expr("!cancelled()"))).toEqual({
      kind: "not",
      operand: { kind: "call", name: "cancelled", args: [] },
    });
    expect(parseCondition("a.b['c-d'].*.e == 'x''y'")).toEqual({
      kind: "binary",
      operator: "==",
      left: { kind: "path", parts: ["a", "b", "c-d", "*", "e"] },
      right: { kind: "literal", value: "x'y" },
    });
    expect(parseCondition("a ==")).toBeUndefined();
    expect(parseCondition(`${expr("a")} && b`)).toBeUndefined();
  });
});

describe("GitHub's branch and paths filters", () => {
  it("lets the last matching pattern decide, with '!' excluding", () => {
    expect(filterMatches(["docs/**", "!docs/internal/**"], "docs/internal/a.md")).toBe(false);
    expect(
      filterMatches(
        ["docs/**", "!docs/internal/**", "docs/internal/keep.md"],
        "docs/internal/keep.md",
      ),
    ).toBe(true);
    expect(filterMatches(["release/*"], "release/1.x")).toBe(true);
    expect(filterMatches(["release/*"], "release/1/x")).toBe(false);
  });

  it("makes example paths that the globs really match", () => {
    const globs = ["crates/**", "**/Cargo.toml", "src/*.rs", "{a,b}/x?.md"];
    const examples = examplePaths(globs);
    for (const glob of globs) {
      expect(examples.some((path) => compilePath(glob)(path))).toBe(true);
    }
    // A workflow's filters are in GitHub's syntax: `**.rs` is every .rs file, `?` an optional character.
    const filters = ["crates/**", "**.rs", "docs/*.mdx?", "v[0-9]+/**"];
    const filterExamples = filterExamplePaths(filters);
    for (const pattern of filters) {
      expect(filterExamples.some((path) => filterMatches([pattern], path))).toBe(true);
    }
    expect(filterMatches(["**.rs"], "crates/api/src/lib.rs")).toBe(true);
  });
});
