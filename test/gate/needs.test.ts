import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/core/errors.ts";
import { evaluateNeeds, parseNeeds } from "../../src/gate/needs.ts";
import { plan, rules } from "./builders.ts";

const RULES = rules(`rules:
  - job: changes
  - job: check
    paths: ["crates/**"]
  - job: canary
    allow: [skipped]
`);

const need = (result: string) => ({ result, outputs: {} });

describe("needs mode", () => {
  it("is red when a dependency failed or was cancelled, including the changes job", () => {
    for (const result of ["failure", "cancelled"]) {
      const { evaluations } = evaluateNeeds(
        plan(RULES, ["docs/a.md"]),
        { changes: need(result), check: need("skipped"), canary: need("skipped") },
        "r.yml",
      );
      expect(evaluations[0]?.state).toBe("failed");
    }
  });

  it("is green for a skipped dependency only when its rule does not apply", () => {
    const needs = { changes: need("success"), check: need("skipped"), canary: need("skipped") };
    const docs = evaluateNeeds(plan(RULES, ["docs/a.md"]), needs, "r.yml").evaluations;
    expect(docs.map((e) => e.state)).toEqual(["satisfied", "not-required", "satisfied"]);
    const code = evaluateNeeds(plan(RULES, ["crates/a.rs"]), needs, "r.yml").evaluations;
    expect(code[1]?.state).toBe("failed");
    expect(code[1]?.detail).toMatch(
      /skipped but the rule applies \(crates\/a\.rs matches crates\/\*\*\)/,
    );
  });

  it("is a configuration error when a required job is missing from needs", () => {
    expect(() =>
      evaluateNeeds(
        plan(RULES, ["a"]),
        { changes: need("success"), canary: need("success") },
        "r.yml",
      ),
    ).toThrow(ConfigurationError);
    try {
      evaluateNeeds(
        plan(RULES, ["a"]),
        { changes: need("success"), canary: need("success") },
        "r.yml",
      );
    } catch (thrown) {
      expect((thrown as ConfigurationError).message).toMatch(
        /requires job 'check', which is not in this job's needs/,
      );
      expect((thrown as ConfigurationError).position?.line).toBe(3);
    }
  });

  it("judges needs without a rule: success green, skipped or failed red", () => {
    const { unruled } = evaluateNeeds(
      [],
      { docs: need("success"), extra: need("skipped"), bad: need("failure") },
      "r.yml",
    );
    expect(unruled.map((n) => [n.job, n.green])).toEqual([
      ["docs", true],
      ["extra", false],
      ["bad", false],
    ]);
  });

  it("parses the real toJSON(needs) shape and refuses anything else", () => {
    expect(parseNeeds('{"job":{"result":"success","outputs":{}}}')).toEqual({
      job: { result: "success", outputs: {} },
    });
    expect(() => parseNeeds("[]")).toThrow(/toJSON\(needs\)/);
    expect(() => parseNeeds('{"job":{}}')).toThrow(/no result/);
    expect(() => parseNeeds("not json")).toThrow(/not JSON/);
  });
});
