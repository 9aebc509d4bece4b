import { describe, expect, it } from "vitest";
import { verdictOf } from "../../src/gate/evaluate.ts";
import {
  at,
  checkRun,
  evaluate,
  plan,
  rules,
  snapshot,
  stateOf,
  status,
  T0,
  workflowRun,
} from "./builders.ts";

const WASH = rules(`rules:
  - id: check
    check: "check (*)"
    workflow: .github/workflows/wash.yml
  - id: lint
    check: lint
  - id: coverage
    check: codecov/patch
    advisory: true
`);
const ALL = plan(WASH, ["src/main.rs"]);
const wash = () => workflowRun({ path: ".github/workflows/wash.yml", name: "wash" });

describe("which results count", () => {
  it("is never green on 'nothing failed': rules with no check yet are missing", () => {
    const evaluations = evaluate(ALL, snapshot({}));
    expect(stateOf(evaluations, "check").state).toBe("missing");
    expect(verdictOf(evaluations)).toBe("pending");
  });

  it("at the deadline names each missing check with its likely cause", () => {
    const evaluations = evaluate(ALL, snapshot({}), { deadlinePassed: true });
    expect(stateOf(evaluations, "check").state).toBe("timed-out");
    expect(stateOf(evaluations, "check").detail).toMatch(
      /no run of \.github\/workflows\/wash\.yml.*\[skip ci\].*disabled.*YAML/,
    );
    expect(verdictOf(evaluations)).toBe("failure");
  });

  it("reports a workflow that failed to start (YAML error) as red at once", () => {
    const broken = workflowRun({
      path: ".github/workflows/wash.yml",
      conclusion: "startup_failure",
    });
    const evaluations = evaluate(ALL, snapshot({ workflowRuns: [broken] }));
    expect(stateOf(evaluations, "check").state).toBe("failed");
    expect(stateOf(evaluations, "check").detail).toMatch(/startup_failure.*YAML/);
  });

  it("reports runs awaiting a maintainer's approval instead of waiting for the deadline", () => {
    const waiting = workflowRun({
      path: ".github/workflows/wash.yml",
      status: "completed",
      conclusion: "action_required",
    });
    const evaluations = evaluate([ALL[0]!], snapshot({ workflowRuns: [waiting] }));
    expect(stateOf(evaluations, "check").state).toBe("awaiting-approval");
    expect(verdictOf(evaluations)).toBe("awaiting-approval");
  });

  it("keys results by app, workflow and name: lint in two workflows must both pass", () => {
    const ci = workflowRun({ path: ".github/workflows/ci.yml" });
    const other = workflowRun({ path: ".github/workflows/other.yml" });
    const evaluations = evaluate(
      ALL,
      snapshot({
        workflowRuns: [ci, other],
        checkRuns: [checkRun("lint", ci), checkRun("lint", other, { conclusion: "failure" })],
      }),
    );
    expect(stateOf(evaluations, "lint").state).toBe("failed");
    expect(stateOf(evaluations, "lint").checks).toHaveLength(2);
  });

  it("counts only the latest attempt of a re-run and ignores superseded runs", () => {
    // Attempt 1 failed at 70s; attempt 2 began at 80s and passed.
    const first = wash();
    const rerunRun = { ...first, attempt: 2, runStartedAt: at(80) };
    const attempt1 = checkRun("check (ubuntu)", first, { conclusion: "failure" });
    const rerun = checkRun("check (ubuntu)", first, { startedAt: at(90), completedAt: at(150) });
    // A run stopped by a newer one (a concurrency group) concludes cancelled, as its job did.
    const old = workflowRun({
      path: ".github/workflows/wash.yml",
      runNumber: 1,
      conclusion: "cancelled",
    });
    const current = workflowRun({
      path: ".github/workflows/wash.yml",
      runNumber: 2,
      id: old.id + 50,
      suiteId: old.suiteId! + 50,
    });
    const evaluations = evaluate(
      [ALL[0]!],
      snapshot({ workflowRuns: [rerunRun], checkRuns: [attempt1, rerun] }),
    );
    expect(stateOf(evaluations, "check").state).toBe("satisfied");
    expect(stateOf(evaluations, "check").checks).toHaveLength(1);
    const superseded = evaluate(
      [ALL[0]!],
      snapshot({
        workflowRuns: [old, current],
        checkRuns: [
          checkRun("check (ubuntu)", old, { conclusion: "cancelled" }),
          checkRun("check (ubuntu)", current),
        ],
      }),
    );
    expect(stateOf(superseded, "check").state).toBe("satisfied");
  });

  it("does not let a later same-named green in the same attempt hide a red one", () => {
    const run = wash();
    const red = checkRun("check (ubuntu)", run, { conclusion: "failure" });
    const later = checkRun("check (ubuntu)", run, { startedAt: at(100), completedAt: at(110) });
    const evaluations = evaluate(
      [ALL[0]!],
      snapshot({ workflowRuns: [run], checkRuns: [red, later] }),
    );
    expect(stateOf(evaluations, "check").state).toBe("failed");
    expect(stateOf(evaluations, "check").checks).toHaveLength(2);
  });

  it("is red when a matrix was cancelled before it expanded, without counting the unexpanded leg", () => {
    const run = wash();
    const evaluations = evaluate(
      [ALL[0]!],
      snapshot({
        workflowRuns: [{ ...run, conclusion: "cancelled" }],
        checkRuns: [
          checkRun(`check (${"$"}{{ matrix.os }})`, run, { conclusion: "cancelled" }),
          checkRun("check (ubuntu)", run),
        ],
      }),
    );
    expect(stateOf(evaluations, "check").state).toBe("failed");
    expect(stateOf(evaluations, "check").checks.map((c) => c.name)).toEqual(["check (ubuntu)"]);
    expect(stateOf(evaluations, "check").detail).toMatch(/wash #1 \(cancelled\)/);
  });

  it("does not let one green hide one red from duplicate push and pull_request runs", () => {
    const push = workflowRun({ path: ".github/workflows/wash.yml", event: "push" });
    const pull = workflowRun({ path: ".github/workflows/wash.yml", event: "pull_request" });
    const evaluations = evaluate(
      [ALL[0]!],
      snapshot({
        workflowRuns: [push, pull],
        checkRuns: [
          checkRun("check (ubuntu)", push, { conclusion: "failure" }),
          checkRun("check (ubuntu)", pull),
        ],
      }),
    );
    expect(stateOf(evaluations, "check").state).toBe("failed");
  });

  it("fails the group when one matrix leg fails, and reports continue-on-error legs as such", () => {
    const file = rules(`rules:
  - check: "test (*)"
    continue-on-error: ["test (nightly)"]
`);
    const run = workflowRun();
    const legs = (nightly: string, stable: string) =>
      evaluate(
        plan(file, ["a"]),
        snapshot({
          workflowRuns: [run],
          checkRuns: [
            checkRun("test (nightly)", run, { conclusion: nightly }),
            checkRun("test (stable)", run, { conclusion: stable }),
          ],
        }),
      );
    expect(stateOf(legs("failure", "success"), "test (*)").state).toBe("satisfied");
    expect(stateOf(legs("failure", "success"), "test (*)").checks[0]?.outcome).toBe("tolerated");
    expect(stateOf(legs("success", "failure"), "test (*)").state).toBe("failed");
  });

  it("matches reusable workflow jobs named 'caller / callee'", () => {
    const file = rules(`rules:\n  - check: "build / test (*)"\n`);
    const run = workflowRun();
    const evaluations = evaluate(
      plan(file, ["a"]),
      snapshot({ workflowRuns: [run], checkRuns: [checkRun("build / test (linux)", run)] }),
    );
    expect(evaluations[0]?.state).toBe("satisfied");
  });

  it("treats conclusions as an allow-list; an unknown status means still running", () => {
    const file = rules(`rules:\n  - check: a\n    allow: [neutral]\n`);
    const run = workflowRun();
    const outcome = (conclusion: string, checkStatus = "completed") =>
      evaluate(
        plan(file, ["x"]),
        snapshot({
          workflowRuns: [run],
          checkRuns: [checkRun("a", run, { status: checkStatus, conclusion })],
        }),
      )[0]?.state;
    expect(outcome("success")).toBe("satisfied");
    expect(outcome("neutral")).toBe("satisfied");
    for (const bad of [
      "failure",
      "cancelled",
      "timed_out",
      "action_required",
      "startup_failure",
      "stale",
      "skipped",
      "brand_new",
    ]) {
      expect(outcome(bad)).toBe("failed");
    }
    expect(outcome("", "some_new_status")).toBe("pending");
  });

  it("does not let another app's check or a status satisfy a rule pinned to a workflow", () => {
    const spoof = checkRun("check (ubuntu)", undefined, {
      appId: 999,
      appSlug: "evil-app",
      suiteId: 5,
    });
    const evaluations = evaluate(
      [ALL[0]!],
      snapshot({ checkRuns: [spoof], statuses: [status("check (ubuntu)", "success")] }),
    );
    expect(stateOf(evaluations, "check").state).toBe("missing");
    const pinned = rules(`rules:\n  - check: lint\n    app: 15368\n`);
    const byApp = evaluate(
      plan(pinned, ["a"]),
      snapshot({ checkRuns: [checkRun("lint", undefined, { appId: 999 })] }),
    );
    expect(byApp[0]?.state).toBe("missing");
  });

  it("considers both commit statuses and check runs with the same name", () => {
    const run = workflowRun();
    const evaluations = evaluate(
      ALL,
      snapshot({
        workflowRuns: [run],
        checkRuns: [checkRun("lint", run)],
        statuses: [status("lint", "failure")],
      }),
    );
    expect(stateOf(evaluations, "lint").state).toBe("failed");
    expect(stateOf(evaluations, "lint").checks.map((c) => c.kind)).toEqual(["check run", "status"]);
  });

  it("reports advisory checks without blocking, and times out a rule on its own timeout", () => {
    const run = wash();
    const evaluations = evaluate(
      ALL,
      snapshot({
        workflowRuns: [run],
        checkRuns: [checkRun("check (ubuntu)", run), checkRun("lint", run)],
        statuses: [status("codecov/patch", "pending")],
      }),
    );
    expect(stateOf(evaluations, "coverage").state).toBe("pending");
    expect(verdictOf(evaluations)).toBe("success");
    const timed = rules(`rules:\n  - check: flaky-bot\n    timeout: 60s\n`);
    const late = evaluate(
      plan(timed, ["a"]),
      snapshot({ statuses: [status("flaky-bot", "pending")] }),
      { now: T0 + 61_000 },
    );
    expect(late[0]?.state).toBe("timed-out");
  });

  it("never waits for itself (by check run id) or for ignored gates", () => {
    const file = rules(`rules:\n  - check: "*"\n`);
    const run = workflowRun();
    const self = checkRun("gate", run, { status: "in_progress", conclusion: null });
    const other = checkRun("status-gate", run, { status: "in_progress", conclusion: null });
    const evaluations = evaluate(
      plan(file, ["a"]),
      snapshot({ workflowRuns: [run], checkRuns: [self, other, checkRun("build", run)] }),
      {
        selfCheckRunId: self.id,
        ignore: ["status-gate"],
      },
    );
    expect(evaluations[0]?.state).toBe("satisfied");
    expect(evaluations[0]?.checks.map((c) => c.name)).toEqual(["build"]);
  });

  it("separates queue time from run time", () => {
    const run = workflowRun({ createdAt: new Date(T0).toISOString() });
    const evaluations = evaluate(
      ALL,
      snapshot({ workflowRuns: [run], checkRuns: [checkRun("lint", run)] }),
    );
    expect(stateOf(evaluations, "lint").checks[0]).toMatchObject({
      queuedMs: 10_000,
      runMs: 60_000,
    });
  });
});

describe("pattern rules and the workflow runs behind them", () => {
  const file = rules(`rules:\n  - check: "test (*)"\n`);
  const judge = (parts: Parameters<typeof snapshot>[0], options = {}) =>
    evaluate(plan(file, ["a"]), snapshot(parts), options)[0];

  it("waits while a run owning a matched check is unfinished, or not listed yet", () => {
    const running = workflowRun({ status: "in_progress", conclusion: null });
    const pending = judge({ workflowRuns: [running], checkRuns: [checkRun("test (a)", running)] });
    expect(pending?.state).toBe("pending");
    expect(pending?.detail).toMatch(/waiting for CI #1 \(in_progress\) to finish/);
    const unlisted = workflowRun();
    expect(judge({ checkRuns: [checkRun("test (a)", unlisted)] })?.detail).toMatch(
      /a workflow run not listed yet/,
    );
  });

  it("counts its own run's checks as they are, found by run id or by its own check run", () => {
    const own = workflowRun({ status: "in_progress", conclusion: null });
    const gate = checkRun("gate", own, { status: "in_progress", conclusion: null });
    const parts = { workflowRuns: [own], checkRuns: [checkRun("test (a)", own), gate] };
    expect(judge(parts, { selfRunId: own.id })?.state).toBe("satisfied");
    expect(judge(parts, { selfCheckRunId: gate.id })?.state).toBe("satisfied");
  });

  it("is red when a finished run failed and no check the rule matches explains it", () => {
    const red = workflowRun({ conclusion: "failure" });
    const hidden = judge({ workflowRuns: [red], checkRuns: [checkRun("test (a)", red)] });
    expect(hidden?.state).toBe("failed");
    expect(hidden?.detail).toMatch(/CI #1 \(failure\), yet no check this rule matches failed/);
    // Another job's failure explains the run, but not that this rule's own jobs all ran.
    const lint = checkRun("lint", red, { conclusion: "failure" });
    const unrelated = judge({ workflowRuns: [red], checkRuns: [checkRun("test (a)", red), lint] });
    expect(unrelated?.state).toBe("failed");
    const tolerant = rules(`rules:\n  - check: "test (*)"\n    continue-on-error: ["test (b)"]\n`);
    const leg = checkRun("test (b)", red, { conclusion: "failure" });
    const explained = evaluate(
      plan(tolerant, ["a"]),
      snapshot({ workflowRuns: [red], checkRuns: [checkRun("test (a)", red), leg] }),
    )[0];
    expect(explained?.state).toBe("satisfied");
  });

  it("waits for any unfinished run that may still create a literal name, only the pinned workflow's when pinned", () => {
    const literal = rules(`rules:
  - id: lint
    check: lint
  - id: pinned
    check: lint
    workflow: .github/workflows/ci.yml
`);
    const docs = workflowRun({ path: ".github/workflows/docs.yml", name: "Docs" });
    const ci = workflowRun({ status: "in_progress", conclusion: null });
    const evaluations = evaluate(
      plan(literal, ["a"]),
      snapshot({ workflowRuns: [docs, ci], checkRuns: [checkRun("lint", docs)] }),
    );
    expect(stateOf(evaluations, "lint").state).toBe("pending");
    expect(stateOf(evaluations, "lint").detail).toMatch(/waiting for CI #1 \(in_progress\)/);
    const other = workflowRun({
      path: ".github/workflows/other.yml",
      status: "in_progress",
      conclusion: null,
    });
    const pinned = evaluate(
      plan(literal, ["a"]),
      snapshot({
        workflowRuns: [{ ...ci, status: "completed", conclusion: "success" }, other],
        checkRuns: [checkRun("lint", ci)],
      }),
    );
    expect(stateOf(pinned, "pinned").state).toBe("satisfied");
    expect(stateOf(pinned, "lint").state).toBe("pending");
  });

  it("keys runs by pull request: another pull request's newer run does not supersede this one's", () => {
    const mine = workflowRun({ conclusion: "failure", pullRequests: [1] });
    const theirs = workflowRun({ runNumber: 2, pullRequests: [2] });
    const evaluations = judge({
      workflowRuns: [mine, theirs],
      checkRuns: [
        checkRun("test (a)", mine, { conclusion: "failure" }),
        checkRun("test (a)", theirs),
      ],
    });
    expect(evaluations?.state).toBe("failed");
  });

  it("does not hold back checks of other apps", () => {
    const external = checkRun("test (x)", undefined, { appId: 99, appSlug: "ci" });
    expect(judge({ checkRuns: [external] })?.state).toBe("satisfied");
  });
});
