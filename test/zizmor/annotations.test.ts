import { describe, expect, it } from "vitest";
import {
  DEFAULT_LEVELS,
  messageFor,
  parseLevels,
  planAnnotations,
  STEP_CAP_PER_LEVEL,
} from "../../src/zizmor/annotations.ts";
import { parseJsonV1 } from "../../src/zizmor/report.ts";
import { corpusReport, fixture, SEVERAL_INPUTS_FILES, syntheticFinding } from "./helpers.ts";

const workspace = "/work/ws";

describe("annotations", () => {
  it("puts the most severe findings first and keeps within 10 per level per step", () => {
    const findings = [
      ...Array.from({ length: 15 }, (_, at) => syntheticFinding("low", at + 1)),
      ...Array.from({ length: 12 }, (_, at) => syntheticFinding("high", at + 100)),
      ...Array.from({ length: 3 }, (_, at) => syntheticFinding("medium", at + 200)),
    ];
    const plan = planAnnotations(findings, DEFAULT_LEVELS);
    const errors = plan.shown.filter((annotation) => annotation.level === "error");
    const warnings = plan.shown.filter((annotation) => annotation.level === "warning");
    expect(errors).toHaveLength(STEP_CAP_PER_LEVEL);
    expect(warnings).toHaveLength(STEP_CAP_PER_LEVEL);
    // 12 highs for 10 error slots; mediums before lows in the 10 warning slots.
    expect(errors.every((annotation) => annotation.title === "zizmor audit-high")).toBe(true);
    expect(warnings.slice(0, 3).every((a) => a.title === "zizmor audit-medium")).toBe(true);
    expect(plan.shown[0]?.title).toBe("zizmor audit-high");
    expect(plan.all).toHaveLength(30);
    expect(plan.omitted).toBe(10);
  });

  it("maps severities to levels as zizmor's own --format github does", () => {
    // zizmor 1.30 `Severity::as_github_command`: the corpus shows a High finding as ::error, a
    // Low one (concurrency-limits) as ::warning; Medium is a warning too, Informational a notice.
    const zizmorGithub = fixture("github-format.several-vulnerabilities.txt");
    expect(zizmorGithub).toMatch(/^::error .*title=template-injection::/m);
    expect(zizmorGithub).toMatch(/^::warning .*title=concurrency-limits::/m);
    expect(DEFAULT_LEVELS).toEqual({
      high: "error",
      medium: "warning",
      low: "warning",
      informational: "notice",
      unknown: "notice",
    });
  });

  it("maps severities to levels as configured, and refuses unknown names", () => {
    const levels = parseLevels(["medium=warning", "low = notice"]);
    expect(levels).toMatchObject({ high: "error", medium: "warning", low: "notice" });
    const plan = planAnnotations([syntheticFinding("medium", 3)], levels);
    expect(plan.shown[0]?.level).toBe("warning");
    expect(() => parseLevels(["severe=error"])).toThrow(/annotation-levels.*severe=error/);
    expect(() => parseLevels(["high=fatal"])).toThrow(/error, warning, notice/);
    expect(() => parseLevels(["x=y"], (name) => `--${name}`)).toThrow(/^--annotation-levels has/);
  });

  it("titles the annotation with the audit and carries description, confidence and docs URL", () => {
    const findings = parseJsonV1(
      corpusReport(
        "json-v1.several-inputs.json",
        (audit) => `.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
      ),
      { workspace, cwd: workspace },
    );
    const plan = planAnnotations(findings, DEFAULT_LEVELS);
    const injection = plan.all.find(
      (annotation) => annotation.title === "zizmor template-injection",
    );
    expect(injection).toMatchObject({
      level: "error",
      file: ".github/workflows/template-injection.yml",
      line: 19,
      column: 40,
      endLine: 19,
      endColumn: 63,
    });
    expect(injection?.message).toContain(
      "code injection via template expansion: may expand into attacker-controllable code",
    );
    expect(injection?.message).toContain("confidence high");
    expect(injection?.message).toContain("https://docs.zizmor.sh/audits/#template-injection");
    expect(injection?.message).toContain("related: action accepts arbitrary code");
    // The informational unsound-contains finding is a notice, after every error.
    expect(plan.all.at(-1)).toMatchObject({ level: "notice", title: "zizmor unsound-contains" });
  });

  it("leaves findings in Remote, Stdin or out-of-workspace files to the summary", () => {
    const remote = syntheticFinding("high", 1);
    remote.primary.key = { kind: "remote", repository: "o/r", ref: undefined, path: "action.yml" };
    const stdin = syntheticFinding("high", 2);
    stdin.primary.key = { kind: "stdin" };
    const outside = syntheticFinding("high", 3);
    outside.primary.key = { kind: "local", printedPath: "/etc/x.yml", path: undefined };
    expect(planAnnotations([remote, stdin, outside], DEFAULT_LEVELS).all).toEqual([]);
    expect(messageFor(remote)).toContain("a high problem: here");
  });
});
