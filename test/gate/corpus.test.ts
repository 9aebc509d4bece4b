import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { plan, rules } from "./builders.ts";

const WASH = join(PROJECT_ROOT, "../shared/corpus/wasmcloud/.github/workflows/wash.yml");
const present = existsSync(WASH);
if (!present) console.warn(`skipping the wasmCloud corpus tests: ${WASH} is absent`);

interface Workflow {
  jobs: Record<
    string,
    { if?: string; needs?: string[]; steps?: { uses?: string; with?: { filters?: string } }[] }
  >;
}

describe.skipIf(!present)("migrating wasmCloud's wash.yml", () => {
  const workflow = () => parse(readFileSync(WASH, "utf8")) as Workflow;

  it("has the gate job this action replaces: !cancelled() and a grep for failure or cancelled", () => {
    const gate = workflow().jobs.gate;
    expect(gate?.if).toMatch(/!cancelled\(\)/);
    expect(gate?.needs).not.toContain("changes");
  });

  it("its paths-filter groups become rules with the same paths and the same decisions", () => {
    const filter = workflow().jobs.changes?.steps?.find((step) =>
      step.uses?.startsWith("dorny/paths-filter@"),
    );
    const groups = parse(filter?.with?.filters ?? "") as Record<string, string[]>;
    const relevant = groups.relevant ?? [];
    expect(relevant.length).toBeGreaterThan(0);
    const file = rules(
      `rules:\n  - job: check\n    workflow: .github/workflows/wash.yml\n    paths: ${JSON.stringify(relevant)}\n`,
    );
    expect(plan(file, ["crates/wash/src/main.rs"])[0]?.applies).toBe(true);
    expect(plan(file, ["docs/README.md"])[0]?.applies).toBe(false);
    // A change to the workflow itself requires everything, as its own filter entry intended.
    expect(plan(file, [".github/workflows/wash.yml"])[0]?.applies).toBe(true);
  });
});
