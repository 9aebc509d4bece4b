import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/core/duration.ts";
import { ConfigurationError } from "../../src/core/errors.ts";
import { globProblem, Inputs, parseList } from "../../src/core/inputs.ts";

const inputs = (values: Record<string, string>) =>
  new Inputs(
    Object.fromEntries(Object.entries(values).map(([name, v]) => [Inputs.variableName(name), v])),
  );

/** The ConfigurationError `read` throws (fails the test when it throws nothing or something else). */
function refusal(read: () => unknown): ConfigurationError {
  try {
    read();
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(ConfigurationError);
    return thrown as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("input names", () => {
  it("mangles like the runner: spaces to underscores, upper case, hyphens kept", () => {
    expect(Inputs.variableName("fail on")).toBe("INPUT_FAIL_ON");
    expect(Inputs.variableName("github-token")).toBe("INPUT_GITHUB-TOKEN");
  });
});

describe("required and optional", () => {
  it("returns the trimmed value", () => {
    expect(inputs({ token: "  abc \n" }).required("token")).toBe("abc");
    expect(inputs({ ref: " main " }).optional("ref")).toBe("main");
  });

  it("treats an empty or blank value as absent", () => {
    expect(inputs({ ref: "   " }).optional("ref")).toBeUndefined();
    expect(inputs({}).string("ref", "main")).toBe("main");
  });

  it("refuses a missing required input, naming it", () => {
    const error = refusal(() => inputs({ token: "" }).required("token"));
    expect(error.message).toBe("input 'token' is required but empty; set it under 'with:'");
  });
});

describe("boolean", () => {
  it.each(["true", "True", "TRUE"])("reads %s as true", (value) => {
    expect(inputs({ strict: value }).boolean("strict", false)).toBe(true);
  });

  it.each(["false", "False", "FALSE"])("reads %s as false", (value) => {
    expect(inputs({ strict: value }).boolean("strict", true)).toBe(false);
  });

  it("uses the fallback when unset", () => {
    expect(inputs({}).boolean("strict", true)).toBe(true);
  });

  it.each(["yes", "1", "on", "tRUE", "y"])(
    "refuses %s, naming the input, value and valid words",
    (value) => {
      const error = refusal(() => inputs({ strict: value }).boolean("strict", false));
      expect(error.message).toBe(
        `input 'strict' is '${value}'; use true or false (also True, TRUE, False, FALSE)`,
      );
    },
  );
});

describe("list", () => {
  it("splits at newlines and commas, drops blanks and # comment lines", () => {
    const value = "build, test\n\n# the gate itself\nlint,\r\n  docs  ";
    expect(inputs({ checks: value }).list("checks")).toEqual(["build", "test", "lint", "docs"]);
  });

  it("keeps a comma inside a glob's braces or brackets", () => {
    expect(parseList("src/{a,b}/**, docs/[a,b].md,x")).toEqual([
      "src/{a,b}/**",
      "docs/[a,b].md",
      "x",
    ]);
  });

  it("uses a copy of the fallback when unset", () => {
    const fallback = ["a"];
    const list = inputs({}).list("checks", fallback);
    expect(list).toEqual(["a"]);
    expect(list).not.toBe(fallback);
  });

  it("never returns a blank item or one holding a newline", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (value) => {
        for (const item of parseList(value)) {
          expect(item.trim()).toBe(item);
          expect(item).not.toBe("");
          expect(item).not.toMatch(/[\r\n]/);
        }
      }),
    );
  });

  it("returns exactly the items that were joined with commas and newlines", () => {
    const item = fc.stringMatching(/^[a-z0-9./*-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 8 }),
        fc.constantFrom(",", "\n", ", ", "\r\n"),
        (items, sep) => {
          expect(parseList(items.join(sep))).toEqual(items);
        },
      ),
    );
  });
});

describe("duration", () => {
  it.each([
    ["90s", 90_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["2h", 7_200_000],
    ["1h2m3s", 3_723_000],
    ["1.5h", 5_400_000],
    ["250ms", 250],
    ["1m30s500ms", 90_500],
    ["45", 45_000],
    [" 5m ", 300_000],
    ["2d", 172_800_000],
    ["1w", 604_800_000],
    ["1w2d3h", 788_400_000],
  ])("reads %s as %d ms", (value, milliseconds) => {
    expect(inputs({ timeout: value }).duration("timeout", "1m")).toBe(milliseconds);
  });

  it("uses the fallback when unset", () => {
    expect(inputs({}).duration("timeout", "10m")).toBe(600_000);
  });

  it.each(["ten minutes", "10min", "5x", "1m1m", "30s1m", "1d1w", "-5s", "h", "1h 30m", "1s2ms3"])(
    "refuses %s, naming the input, value and valid forms",
    (value) => {
      const error = refusal(() => inputs({ timeout: value }).duration("timeout", "1m"));
      expect(error.message).toBe(
        `input 'timeout' is '${value}'; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m`,
      );
    },
  );

  it("refuses a duration longer than ten years, saying so", () => {
    const error = refusal(() => inputs({ timeout: "99999999999d" }).duration("timeout", "1m"));
    expect(error.message).toBe(
      "input 'timeout' is '99999999999d', longer than ten years; use a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m",
    );
  });

  it("adds up any hours, minutes and seconds written in order", () => {
    fc.assert(
      fc.property(
        fc.nat(99),
        fc.nat(99),
        fc.nat(99),
        fc.integer({ min: 1, max: 7 }),
        (h, m, s, present) => {
          const parts = [
            present & 4 ? `${h}h` : "",
            present & 2 ? `${m}m` : "",
            present & 1 ? `${s}s` : "",
          ];
          const expected =
            (present & 4 ? h * 3_600_000 : 0) +
            (present & 2 ? m * 60_000 : 0) +
            (present & 1 ? s * 1000 : 0);
          expect(parseDuration(parts.join(""))).toBe(expected);
        },
      ),
    );
  });
});

describe("enumeration", () => {
  const levels = ["low", "medium", "high"] as const;

  it("returns an allowed value and the fallback when unset", () => {
    expect(inputs({ level: "high" }).enumeration("level", levels, "low")).toBe("high");
    expect(inputs({}).enumeration("level", levels, "medium")).toBe("medium");
  });

  it("refuses anything else, listing the valid values", () => {
    const error = refusal(() => inputs({ level: "High" }).enumeration("level", levels, "low"));
    expect(error.message).toBe(
      "input 'level' is 'High'; valid values are 'low', 'medium', 'high'; did you mean 'high'?",
    );
  });
});

describe("integer", () => {
  it("reads whole numbers, with the fallback when unset", () => {
    expect(inputs({ retries: "3" }).integer("retries", 1)).toBe(3);
    expect(inputs({ retries: "-2" }).integer("retries", 1)).toBe(-2);
    expect(inputs({}).integer("retries", 1)).toBe(1);
  });

  it.each([
    ["1.5", {}, "a whole number"],
    ["3e2", {}, "a whole number"],
    ["0x10", {}, "a whole number"],
    ["99999999999999999999", {}, "a whole number"],
    ["0", { min: 1 }, "a whole number of at least 1"],
    ["11", { max: 10 }, "a whole number of at most 10"],
    ["11", { min: 1, max: 10 }, "a whole number from 1 to 10"],
  ])("refuses %s with range %o, saying %s", (value, range, valid) => {
    const error = refusal(() => inputs({ retries: value }).integer("retries", 1, range));
    expect(error.message).toBe(`input 'retries' is '${value}'; use ${valid}`);
  });
});

describe("globs", () => {
  it("returns patterns, keeping negations and brace alternatives", () => {
    expect(inputs({ paths: "src/**\n!src/gen/**\n{a,b}/*.ts" }).globs("paths")).toEqual([
      "src/**",
      "!src/gen/**",
      "{a,b}/*.ts",
    ]);
  });

  it("accepts escaped brackets and braces", () => {
    expect(globProblem("docs/\\[draft\\].md")).toBeUndefined();
    expect(globProblem("a\\{b")).toBeUndefined();
  });

  it.each([
    ["src/[ab", "an unclosed '['"],
    ["src/{a,b", "an unclosed '{'"],
    ["src/a}", "a '}' without '{'"],
    ["!", "a pattern cannot be empty"],
  ])("refuses %s, naming the input and the pattern", (pattern, problem) => {
    const error = refusal(() => inputs({ paths: `ok/**\n${pattern}` }).globs("paths"));
    expect(error.message).toContain(`input 'paths' has glob '${pattern}': ${problem}`);
  });
});
