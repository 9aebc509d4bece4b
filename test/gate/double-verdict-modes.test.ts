import { describe, expect, it } from "vitest";
import { doubleScenario, errors } from "./double/scenario.ts";

// `verdict-check` promises a check run carrying the verdict, so that a ruleset can require it.
// A needs-mode gate has a verdict too; a plan has none, and must never post one as green.

const RULES = 'rules:\n  - job: lint\n  - job: docs\n    paths: ["docs/**"]\n';
const CHANGE = { "src/main.rs": "fn main() {}\n" };
const needs = (lint: string) =>
  JSON.stringify({ lint: { result: lint, outputs: {} }, docs: { result: "skipped", outputs: {} } });

describe("verdict-check in every mode that judges", () => {
  it("needs mode posts its verdict: red for a failed need, green once it passes", async () => {
    await using s = await doubleScenario({ rules: RULES, change: CHANGE });
    const inputs = { mode: "needs", "verdict-check": "status-gate" };
    const red = await s.gate({ inputs: { ...inputs, needs: needs("failure") } });
    expect(red.outputs.result).toBe("failure");
    const verdicts = () => s.github.checks.filter((check) => check.name === "status-gate");
    expect(verdicts().map((check) => [check.status, check.conclusion])).toEqual([
      ["completed", "failure"],
    ]);
    const green = await s.gate({ inputs: { ...inputs, needs: needs("success") } });
    expect(errors(green)).toBe("");
    const newest = verdicts().reduce((a, b) => (b.id > a.id ? b : a));
    expect([newest.status, newest.conclusion]).toEqual(["completed", "success"]);
  });

  it("plan mode posts no verdict (it judges no checks), and says that it ignores verdict-check", async () => {
    await using s = await doubleScenario({ rules: RULES, change: CHANGE });
    const plan = await s.gate({ inputs: { mode: "plan", "verdict-check": "status-gate" } });
    expect(plan.exitCode).toBe(0);
    expect(plan.annotations.map((a) => `${a.level}: ${a.message}`).join("\n")).toMatch(
      /notice: input 'verdict-check' is ignored in plan mode/,
    );
    expect(s.github.checks.filter((check) => check.name === "status-gate")).toEqual([]);
  });
});
