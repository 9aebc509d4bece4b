import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/command.ts";
import { doctorText } from "../../src/gate/doctor/report.ts";

describe("gate doctor's text report", () => {
  it("shows a workflow's, a job's and a branch's names on one line each, controls written out", () => {
    const hostile = "evil\u001b]0;pwned\u0007\nNo problems: every rule can be satisfied.";
    const text = doctorText(
      {
        rulesPath: ".github/status-gate.yml",
        rules: 1,
        workflows: 1,
        gates: [
          {
            workflow: `.github/workflows/${hostile}.yml`,
            job: hostile,
            mode: "needs",
            events: [{ event: "pull_request", branch: hostile }],
          },
        ],
        eventsFrom: `the branches of ${hostile}`,
        findings: [],
        notChecked: [],
      },
      { color: false } as CliIO,
    );
    // Only the report's own verdict line says it; a name cannot add a line or a control.
    expect(text.split("\n").filter((line) => line.startsWith("No problems"))).toHaveLength(1);
    expect(text).not.toContain("\u001b");
    expect(text).not.toContain("\u0007");
    expect(text).toContain("evil<U+001B>]0;pwned<U+0007><U+000A>No problems");
  });
});
