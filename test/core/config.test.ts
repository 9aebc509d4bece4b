import { describe, expect, it } from "vitest";
import { type JsonSchema, loadYamlConfig } from "../../src/core/config.ts";
import { FileProblems } from "../../src/core/yaml-file.ts";

const SCHEMA: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["rules"],
  properties: {
    every: { type: "string", format: "duration" },
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        anyOf: [{ required: ["check"] }, { required: ["job"] }],
        description: "a rule needs 'check' or 'job'",
        properties: {
          check: { type: "string", minLength: 1 },
          job: { type: "string", pattern: "^[a-z-]+$", description: "a job id such as 'build'" },
          paths: { type: "array", items: { type: "string", format: "glob" } },
          advisory: { type: "boolean" },
        },
      },
    },
  },
};

function problems(text: string, check?: Parameters<typeof loadYamlConfig>[3]) {
  try {
    loadYamlConfig("gate.yml", text, SCHEMA, check);
  } catch (thrown) {
    if (!(thrown instanceof FileProblems)) throw thrown;
    return thrown.problems.map((p) => `${p.position.line}:${p.position.column} ${p.message}`);
  }
  return [];
}

describe("loadYamlConfig", () => {
  it("returns the data of a valid file", () => {
    const { data } = loadYamlConfig<{ rules: unknown[] }>(
      "gate.yml",
      "rules:\n  - check: lint\n",
      SCHEMA,
    );
    expect(data).toEqual({ rules: [{ check: "lint" }] });
  });

  it.each([
    ["an empty file", ""],
    ["a file of comments", "# no settings yet\n"],
    ["an empty document", "---\n"],
  ])("hands the checks and the caller the data the schema held for %s", (_, text) => {
    const optional: JsonSchema = { type: "object", properties: { every: { type: "string" } } };
    const seen: unknown[] = [];
    const { data } = loadYamlConfig<{ every?: string }>("c.yml", text, optional, (value) => {
      seen.push(value);
    });
    expect(data).toEqual({});
    expect(seen).toEqual([{}]);
  });

  it("reports every schema problem at once, each at its own line and column", () => {
    const text = [
      "every: 10 minutes",
      "rules:",
      "  - check: lint",
      "    advisroy: true",
      "  - paths: ['[z-a']",
      "  - job: Build",
      "    advisory: yes please",
      "colour: red",
    ].join("\n");
    expect(problems(text)).toEqual([
      "1:8 every: is '10 minutes'; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
      "4:5 rules[0]: unknown key 'advisroy'; did you mean 'advisory'?; valid keys: check, job, paths, advisory",
      "5:5 rules[1]: a rule needs 'check' or 'job'",
      "5:13 rules[1].paths[0]: glob '[z-a': an unclosed '[' (write '\\[' for a literal bracket)",
      "6:10 rules[2].job: is 'Build'; expected a job id such as 'build'",
      "7:15 rules[2].advisory: is 'yes please'; expected true or false",
      "8:1 the file: unknown key 'colour'; valid keys: every, rules",
    ]);
  });

  it("reports a missing required key and a wrong type without noise", () => {
    expect(problems("every: 5m\n")).toEqual(["1:1 the file: 'rules' is required"]);
    expect(problems("rules: lint\n")).toEqual(["1:8 rules: is 'lint'; expected a list"]);
  });

  it("refuses a duration beyond ten years at its line, never a crash", () => {
    expect(problems("every: 99999999999d\nrules: []\n")).toEqual([
      "1:8 every: is '99999999999d', longer than ten years; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
    ]);
  });

  it("reports every YAML syntax error and duplicate key, at their positions", () => {
    expect(problems("rules: [a, b\nfoo: {x\n")).toEqual([
      "2:1 Flow sequence in block collection must be sufficiently indented and end with a ]",
      "3:1 Flow map in block collection must be sufficiently indented and end with a }",
    ]);
    expect(problems("rules: []\nevery: 1m\nevery: 2m\nrules: []\n")).toEqual([
      "3:1 duplicate key 'every' (first at line 2); YAML allows a key once per mapping",
      "4:1 duplicate key 'rules' (first at line 1); YAML allows a key once per mapping",
    ]);
  });

  it("reports a duplicate key together with the schema's and the caller's problems", () => {
    const text = [
      "rules:",
      "  - check: lint",
      "    advisory: maybe",
      "every: 1m",
      "every: ten",
      "colour: red",
    ].join("\n");
    expect(problems(text)).toEqual([
      "3:15 rules[0].advisory: is 'maybe'; expected true or false",
      "5:1 duplicate key 'every' (first at line 4); YAML allows a key once per mapping",
      // The value YAML keeps is the last one, and its position is where that one stands.
      "5:8 every: is 'ten'; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
      "6:1 the file: unknown key 'colour'; valid keys: every, rules",
    ]);
    const checked = problems("rules: []\nevery: 1m\nevery: 2m\n", (_, context) =>
      context.problem(["every"], "the caller's own problem"),
    );
    expect(checked).toEqual([
      "3:1 duplicate key 'every' (first at line 2); YAML allows a key once per mapping",
      "3:8 the caller's own problem",
    ]);
  });

  it("refuses an alias bomb quickly instead of expanding it", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(", ")}]`);
    }
    const started = Date.now();
    const found = problems(`${levels.join("\n")}\nrules: []\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(found).toEqual([expect.stringMatching(/^1:1 cannot be read: .*alias/i)]);
  });

  it("adds the caller's own checks to the report, after the schema held", () => {
    const found = problems("rules:\n  - check: a\n  - check: a\n", (data, context) => {
      const rules = (data as { rules: { check: string }[] }).rules;
      rules.forEach((rule, index) => {
        if (rules.findIndex((other) => other.check === rule.check) !== index) {
          context.problem(["rules", index, "check"], `check '${rule.check}' is listed twice`);
        }
      });
      context.problem(["rules", 0], "a second problem from the same check");
    });
    expect(found).toEqual([
      "2:5 a second problem from the same check",
      "3:12 check 'a' is listed twice",
    ]);
  });

  it("lists every problem in the error's message as file:line:column", () => {
    try {
      loadYamlConfig("gate.yml", "rules: []\nfoo: 1\nbar: 2\n", SCHEMA);
      expect.unreachable();
    } catch (thrown) {
      expect((thrown as Error).message).toBe(
        "gate.yml has 2 problems:\n" +
          "  gate.yml:2:1: the file: unknown key 'foo'; valid keys: every, rules\n" +
          "  gate.yml:3:1: the file: unknown key 'bar'; valid keys: every, rules",
      );
    }
  });
});
