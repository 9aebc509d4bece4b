import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../harness/runner.ts";
import {
  DEFAULT_SETTINGS,
  effectiveGrants,
  grantFrom,
  startupRefusals,
  widenedBeyond,
} from "./github-startup.ts";
import {
  expression,
  jobBlockLines,
  removeRepositories,
  repository,
  runIn,
  yaml,
} from "./helpers.ts";

afterAll(removeRepositories);

/**
 * The enforcer's built CLI against an independent double of GitHub's startup check
 * (github-startup.ts): what GitHub refuses must be reported, and what --fix writes must start.
 */

const WORKFLOWS = ".github/workflows";

function filesOf(root: string, paths: string[]): Record<string, string> {
  return Object.fromEntries(paths.map((path) => [path, readFileSync(join(root, path), "utf8")]));
}

function refusalsEverywhere(files: Record<string, string>, caller: string): string[] {
  return DEFAULT_SETTINGS.flatMap((setting) => startupRefusals(files, caller, setting));
}

async function checkJson(cwd: string, args: string[] = []) {
  const result = await runCli(["permissions", "--format", "json", ...args], { cwd });
  return {
    exitCode: result.exitCode,
    findings: (JSON.parse(result.stdout) as { findings: { rule: string; path: string }[] })
      .findings,
  };
}

/** A workflow that can only be called, with one job `job` running `step`. */
function calledWorkflow(top: string[], job: string, block: string[], step: string): string {
  return yaml(
    "on: workflow_call",
    ...top,
    "jobs:",
    `  ${job}:`,
    "    runs-on: ubuntu-latest",
    ...block,
    "    steps:",
    `      - ${step}`,
  );
}

/** A workflow run on push whose job `call` has `block` and calls `callee`. */
function callingWorkflow(block: string[], callee: string): string {
  return yaml(
    "on: push",
    "permissions: {}",
    "jobs:",
    "  call:",
    ...block,
    `    uses: ./.github/workflows/${callee}`,
  );
}

describe("what GitHub refuses to start, across reusable workflows", () => {
  it("checks a called workflow's top-level block against the caller, even when every called job has its own", async () => {
    const files = {
      [`${WORKFLOWS}/build.yml`]: calledWorkflow(
        ["permissions:", "  contents: read"],
        "build",
        ["    permissions: {}"],
        "run: echo hi",
      ),
      [`${WORKFLOWS}/ci.yml`]: callingWorkflow([], "build.yml"),
      // A read-only top level is accepted, so only GitHub's rule can object to it.
      ".github/permissions-policy.yml": "top-level: read-only\n",
    };
    const cwd = repository(files);
    expect(refusalsEverywhere(files, `${WORKFLOWS}/ci.yml`)).not.toEqual([]);
    const before = await checkJson(cwd);
    expect(before.exitCode).toBe(1);
    expect(before.findings.map((f) => `${f.rule} ${f.path}`)).toContain(
      `reusable-workflow-refused ${WORKFLOWS}/ci.yml`,
    );
    await runCli(["permissions", "--fix"], { cwd });
    const fixed = filesOf(
      cwd,
      Object.keys(files).filter((path) => path.startsWith(WORKFLOWS)),
    );
    expect(refusalsEverywhere(fixed, `${WORKFLOWS}/ci.yml`)).toEqual([]);
    expect((await checkJson(cwd)).exitCode).toBe(0);
  });

  it("checks a workflow called through a called job without a block against the first caller's grant", async () => {
    const files = {
      [`${WORKFLOWS}/inner.yml`]: calledWorkflow(
        ["permissions: {}"],
        "release",
        ["    permissions:", "      contents: write"],
        "uses: softprops/action-gh-release@v2",
      ),
      [`${WORKFLOWS}/middle.yml`]: yaml(
        "on: workflow_call",
        "jobs:",
        "  mid:",
        "    uses: ./.github/workflows/inner.yml",
      ),
      [`${WORKFLOWS}/ci.yml`]: callingWorkflow(
        ["    permissions:", "      contents: read"],
        "middle.yml",
      ),
    };
    const cwd = repository(files);
    expect(refusalsEverywhere(files, `${WORKFLOWS}/ci.yml`)).not.toEqual([]);
    // Only the caller is checked: the files it calls are read whether or not they are listed.
    const before = await checkJson(cwd, [`${WORKFLOWS}/ci.yml`]);
    expect(before.exitCode).toBe(1);
    expect(before.findings.map((f) => f.rule)).toEqual(["reusable-workflow-refused"]);
    await runCli(["permissions", "--fix", `${WORKFLOWS}/ci.yml`], { cwd });
    const fixed = filesOf(cwd, Object.keys(files));
    expect(refusalsEverywhere(fixed, `${WORKFLOWS}/ci.yml`)).toEqual([]);
    expect(fixed[`${WORKFLOWS}/ci.yml`]).toContain("    permissions:\n      contents: write\n");
  });

  it("raises an empty 'permissions:' of a calling job to a block that parses as one", async () => {
    const files = {
      [`${WORKFLOWS}/build.yml`]: calledWorkflow(
        ["permissions: {}"],
        "build",
        ["    permissions:", "      contents: read"],
        "uses: actions/checkout@v5",
      ),
      [`${WORKFLOWS}/ci.yml`]: callingWorkflow(["    permissions:"], "build.yml"),
    };
    const cwd = repository(files);
    await runCli(["permissions", "--fix"], { cwd });
    const text = readFileSync(join(cwd, WORKFLOWS, "ci.yml"), "utf8");
    const job = (parse(text) as { jobs: { call: Record<string, unknown> } }).jobs.call;
    expect(Object.keys(job).sort()).toEqual(["permissions", "uses"]);
    expect(job.permissions).toEqual({ contents: "read" });
  });
});

const STEPS: { line: string; needs: Record<string, "read" | "write"> }[] = [
  { line: "      - uses: actions/checkout@v5", needs: { contents: "read" } },
  { line: "      - uses: softprops/action-gh-release@v2", needs: { contents: "write" } },
  {
    line: "      - uses: actions/attest-build-provenance@v3",
    needs: { "id-token": "write", attestations: "write" },
  },
  { line: "      - uses: someone/unknown@v1", needs: {} },
  {
    line: `      - run: gh release list\n        env: { GH_TOKEN: '${expression("github.token")}' }`,
    needs: {},
  },
  { line: "      - run: make", needs: {} },
];

const jobBlock = jobBlockLines;

const topBlock = (shorthands: boolean) =>
  fc.constantFrom(
    undefined,
    "permissions: {}",
    "permissions:\n  contents: read",
    "permissions:\n  contents: write\n  packages: write",
    ...(shorthands ? ["permissions: read-all"] : []),
  );

const stepsOf = fc.subarray([...STEPS.keys()], { minLength: 1, maxLength: 3 });

/** A job: its block, and either steps (by index into STEPS) or a call of `inner.yml`. */
const calledJob = fc.tuple(jobBlock, fc.option(stepsOf, { nil: undefined }));

describe("GitHub starts what --fix writes, and --fix widens nothing a step does not need (property)", () => {
  it("holds for generated callers, called workflows and workflows they call in turn", async () => {
    let refusedBefore = 0;
    let nestedCalls = 0;
    await fc.assert(
      fc.asyncProperty(
        topBlock(true),
        fc.array(fc.tuple(jobBlock, fc.constantFrom("", "matrix", "secrets")), {
          minLength: 1,
          maxLength: 2,
        }),
        topBlock(true),
        fc.array(calledJob, { minLength: 1, maxLength: 3 }),
        topBlock(false),
        fc.array(fc.tuple(jobBlock, stepsOf), { minLength: 1, maxLength: 2 }),
        async (callerTop, callers, calledTop, calledJobs, innerTop, innerJobs) => {
          const needed = new Map<string, Record<string, "read" | "write">>();
          const stepLines = (file: string, job: string, steps: number[]) => {
            const needs: Record<string, "read" | "write"> = {};
            for (const index of steps) {
              for (const [scope, level] of Object.entries(STEPS[index]?.needs ?? {})) {
                if (level === "write" || needs[scope] === undefined) needs[scope] = level;
              }
            }
            needed.set(`${file}#${job}`, needs);
            return ["    runs-on: x", "    steps:", ...steps.map((i) => STEPS[i]?.line ?? "")];
          };
          const lines = (...parts: (string | undefined | string[])[]) =>
            `${parts
              .flat()
              .filter((part) => part !== undefined)
              .join("\n")}\n`;
          const files: Record<string, string> = {
            [`${WORKFLOWS}/ci.yml`]: lines(
              "on: push",
              callerTop,
              "jobs:",
              ...callers.map(([block, decoration], index) => [
                `  call${index}:`,
                ...(block ?? []),
                ...(decoration === "matrix"
                  ? ["    strategy:", "      matrix: { n: [1, 2] }"]
                  : []),
                "    uses: ./.github/workflows/called.yml",
                ...(decoration === "secrets" ? ["    secrets: inherit"] : []),
              ]),
            ),
            [`${WORKFLOWS}/called.yml`]: lines(
              "on: workflow_call",
              calledTop,
              "jobs:",
              ...calledJobs.map(([block, steps], index) => [
                `  job${index}:`,
                ...(block ?? []),
                ...(steps
                  ? stepLines(`${WORKFLOWS}/called.yml`, `job${index}`, steps)
                  : ["    uses: ./.github/workflows/inner.yml"]),
              ]),
            ),
            [`${WORKFLOWS}/inner.yml`]: lines(
              "on: workflow_call",
              innerTop,
              "jobs:",
              ...innerJobs.map(([block, steps], index) => [
                `  inner${index}:`,
                ...(block ?? []),
                ...stepLines(`${WORKFLOWS}/inner.yml`, `inner${index}`, steps),
              ]),
            ),
          };
          if (calledJobs.some(([, steps]) => steps === undefined)) nestedCalls++;
          const caller = `${WORKFLOWS}/ci.yml`;
          const root = repository(files);
          const before = await runIn(root);
          const reported = before.findings.some((f) => f.rule === "reusable-workflow-refused");
          // What GitHub refuses whatever the repository's default: the enforcer must say so.
          const refused = startupRefusals(files, caller, "permissive");
          if (refused.length > 0) refusedBefore++;
          const context = () =>
            Object.entries(filesOf(root, Object.keys(files)))
              .map(([p, t]) => `--- ${p}\n${t}`)
              .join("");
          expect(reported, `${refused.join("\n")}\n${context()}`).toBe(refused.length > 0);
          const grantsBefore = effectiveGrants(files, caller, "restricted");
          await runIn(root, { fix: true });
          const fixed = filesOf(root, Object.keys(files));
          for (const setting of DEFAULT_SETTINGS) {
            expect(startupRefusals(fixed, caller, setting), `${setting}\n${context()}`).toEqual([]);
          }
          const grantsAfter = effectiveGrants(fixed, caller, "restricted");
          for (const [job, { grant: after }] of grantsAfter) {
            const previous = grantsBefore.get(job);
            if (!previous) continue;
            const need = grantFrom(needed.get(job.split(" → ").pop() ?? "") ?? {});
            // A job that runs under `{}` today works without what the table would give it.
            const underEmpty =
              previous.explicit && Object.values(previous.grant).every((level) => level === 0);
            const wider = widenedBeyond(previous.grant, after, underEmpty ? grantFrom({}) : need);
            expect(wider, `${job}\n${context()}`).toEqual([]);
          }
          expect((await runIn(root, { fix: true })).fixes).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
    expect(refusedBefore).toBeGreaterThan(20);
    expect(nestedCalls).toBeGreaterThan(20);
  });
});
