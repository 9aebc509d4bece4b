import { describe, expect, it } from "vitest";
import { Inputs } from "../../src/core/inputs.ts";
import { readInputs } from "../../src/zizmor/inputs.ts";
import {
  exitMeaning,
  warningLines,
  type ZizmorOptions,
  zizmorArguments,
  zizmorEnvironment,
} from "../../src/zizmor/invoke.ts";

const options: ZizmorOptions = {
  inputs: ["."],
  persona: "regular",
  minSeverity: undefined,
  minConfidence: undefined,
  config: undefined,
  collect: [],
  strictCollection: false,
  noIgnores: false,
  onlineAudits: false,
  cacheDir: undefined,
};

function inputs(values: Record<string, string>) {
  const env = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [Inputs.variableName(name), value]),
  );
  return readInputs(new Inputs(env));
}

describe("running zizmor", () => {
  it("asks for JSON v1 and passes every option through as its own argument", () => {
    expect(zizmorArguments(options)).toEqual([
      "--format=json-v1",
      "--no-progress",
      "--persona=regular",
      "--offline",
      "--",
      ".",
    ]);
    const all = zizmorArguments({
      ...options,
      inputs: ["-weird name.yml"],
      persona: "auditor",
      minSeverity: "medium",
      minConfidence: "high",
      config: "zizmor.yml",
      collect: ["workflows", "dependabot"],
      strictCollection: true,
      noIgnores: true,
      onlineAudits: true,
      cacheDir: "/tmp/cache",
    });
    expect(all).toEqual([
      "--format=json-v1",
      "--no-progress",
      "--persona=auditor",
      "--min-severity=medium",
      "--min-confidence=high",
      "--config=zizmor.yml",
      "--collect=workflows,dependabot",
      "--strict-collection",
      "--no-ignores",
      "--cache-dir=/tmp/cache",
      "--",
      "-weird name.yml",
    ]);
  });

  it("refuses unknown option values before zizmor runs, naming the input", () => {
    expect(() => inputs({ persona: "paranoid" })).toThrow(/input 'persona' is 'paranoid'/);
    expect(() => inputs({ "min-severity": "critical" })).toThrow(/min-severity/);
    expect(() => inputs({ "min-confidence": "unknown" })).toThrow(/min-confidence/);
    expect(() => inputs({ collect: "workflows, everything" })).toThrow(/collect.*everything/);
    expect(() => inputs({ "fail-on": "severe" })).toThrow(/fail-on/);
    expect(() => inputs({ "strict-collection": "yes" })).toThrow(/strict-collection/);
    expect(inputs({ collect: "workflows, actions" }).zizmor.collect).toEqual([
      "workflows",
      "actions",
    ]);
  });

  it("hands zizmor a token only when online audits are on", () => {
    const base = { PATH: "/bin", GH_TOKEN: "ghs_x", GITHUB_TOKEN: "ghs_y", INPUT_TOKEN: "ghs_z" };
    const offline = zizmorEnvironment(base, { onlineAudits: false, token: "ghs_t" });
    expect(offline).toEqual({ PATH: "/bin", NO_COLOR: "1" });
    const online = zizmorEnvironment(base, {
      onlineAudits: true,
      token: "ghs_t",
      apiHost: "ghes.example",
    });
    expect(online).toMatchObject({ GH_TOKEN: "ghs_t", GH_HOST: "ghes.example" });
    expect(online.GITHUB_TOKEN).toBeUndefined();
    expect(zizmorArguments({ ...options, onlineAudits: true })).not.toContain("--offline");
  });

  it("tells tool errors from findings by exit code", () => {
    expect(exitMeaning(0)).toEqual({ kind: "no-findings" });
    expect(exitMeaning(11)).toEqual({ kind: "findings", highest: "informational" });
    expect(exitMeaning(12)).toEqual({ kind: "findings", highest: "low" });
    expect(exitMeaning(13)).toEqual({ kind: "findings", highest: "medium" });
    expect(exitMeaning(14)).toEqual({ kind: "findings", highest: "high" });
    expect(exitMeaning(1)).toMatchObject({
      kind: "tool-error",
      explanation: expect.stringMatching(/tool error/),
    });
    expect(exitMeaning(2)).toMatchObject({ explanation: expect.stringMatching(/arguments/) });
    expect(exitMeaning(3)).toMatchObject({
      explanation: expect.stringMatching(/no inputs.*checkout/),
    });
    expect(exitMeaning(10)).toMatchObject({ kind: "tool-error" });
    expect(exitMeaning(null, "SIGKILL")).toMatchObject({
      explanation: expect.stringMatching(/SIGKILL/),
    });
  });

  it("picks zizmor's WARN lines out of stderr, colours removed", () => {
    const stderr = [
      "\u001b[33m WARN\u001b[0m collect_inputs: zizmor::registry::input: failed to validate input as workflow: input does not match expected validation schema",
      " INFO audit: zizmor: 🌈 completed ci.yml",
      "WARN zizmor: skipping broken.yml",
    ].join("\n");
    expect(warningLines(stderr)).toEqual([
      "collect_inputs: zizmor::registry::input: failed to validate input as workflow: input does not match expected validation schema",
      "zizmor: skipping broken.yml",
    ]);
  });
});
