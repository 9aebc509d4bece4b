import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../harness/runner.ts";

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, { if?: string; steps?: Step[]; permissions?: Record<string, string> }>;
}

const folder = join(PROJECT_ROOT, "examples/workflows");
const examples = readdirSync(folder).filter((name) => name.startsWith("status-gate-"));
const load = (name: string) => parse(readFileSync(join(folder, name), "utf8")) as Workflow;

describe("the gate's action and example workflows", () => {
  it("has an example for each mode", () => {
    expect(examples.sort()).toEqual([
      "status-gate-checks.yml",
      "status-gate-needs.yml",
      "status-gate-plan.yml",
    ]);
  });

  it("is a node action, so its inputs reach the code through the environment, never a shell", () => {
    const action = parse(readFileSync(join(PROJECT_ROOT, "action.yml"), "utf8")) as {
      runs: Record<string, unknown>;
    };
    expect(action.runs).toEqual({ using: "node24", main: "dist/gate.js" });
  });

  it.each(examples)(
    "%s starts from no permissions, templates nothing into run:, and keeps no credentials",
    (name) => {
      const workflow = load(name);
      expect(workflow.permissions).toEqual({});
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.run) expect(step.run).not.toContain("${{");
          if (step.uses?.startsWith("actions/checkout@")) {
            expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
            expect(step.with?.["persist-credentials"]).toBe(false);
          }
        }
      }
    },
  );

  it("runs the needs-mode gate with if: always() (never !cancelled()) and passes toJSON(needs)", () => {
    const gate = load("status-gate-needs.yml").jobs.gate;
    expect(gate?.if).toBe("always()");
    const step = gate?.steps?.find((s) => s.uses === "wasmcloud/status-gate@v1");
    expect(step?.with?.needs).toMatch(/^\$\{\{ toJSON\(needs\) \}\}$/);
  });
});
