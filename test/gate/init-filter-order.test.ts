import { describe, expect, it } from "vitest";
import { WorkflowRepository } from "../../src/gate/doctor/repository.ts";
import { filterRuns, type PathFilter } from "../../src/gate/doctor/triggers.ts";
import { starterRules } from "../../src/gate/init.ts";
import { planRules } from "../../src/gate/plan.ts";
import { rules } from "./builders.ts";

// GitHub reads a workflow's paths filter in order: the last pattern that matches a path decides,
// so `!sub/docs/**` then `sub/docs/keep.md` runs the workflow for sub/docs/keep.md. The rules
// file's paths have no order (a path counts when it matches a pattern and no `!` one). A rule
// init writes must apply to every change the workflow runs for; when no order-free list says the
// same, the rule gets no paths (the doctor then says where the workflow does not run).

function initRule(on: string) {
  const workflow = `on:\n  pull_request:\n${on}\njobs:\n  lint:\n    runs-on: x\n`;
  const repository = new WorkflowRepository([{ path: ".github/workflows/ci.yml", text: workflow }]);
  const starter = starterRules(repository, {
    defaultBranch: "main",
    rulesPath: ".github/status-gate.yml",
  });
  return { starter, rulesFile: rules(starter.text) };
}

const applies = (rulesFile: ReturnType<typeof rules>, path: string) =>
  planRules(rulesFile, { files: [{ path }], complete: true, source: "test" })[0]?.applies;

const CASES: { on: string; filter: PathFilter["kind"]; patterns: string[] }[] = [
  {
    on: "    paths: ['sub/**', '!sub/docs/**', 'sub/docs/keep.md']",
    filter: "paths",
    patterns: ["sub/**", "!sub/docs/**", "sub/docs/keep.md"],
  },
  { on: "    paths: ['!**/*.md', '**']", filter: "paths", patterns: ["!**/*.md", "**"] },
  {
    on: "    paths-ignore: ['docs/**', '!docs/keep.md']",
    filter: "paths-ignore",
    patterns: ["docs/**", "!docs/keep.md"],
  },
];
const PATHS = [
  "sub/a.rs",
  "sub/docs/x.md",
  "sub/docs/keep.md",
  "docs/x.md",
  "docs/keep.md",
  "a.md",
  "src/a.rs",
];

describe("gate init writes a workflow's ordered paths filter only as it means", () => {
  for (const { on, filter, patterns } of CASES) {
    it(`applies wherever GitHub runs the workflow: ${on.trim()}`, () => {
      const { starter, rulesFile } = initRule(on);
      const runs = (path: string) => filterRuns({ kind: filter, patterns } as PathFilter, [path]);
      for (const path of PATHS) {
        if (runs(path))
          expect({ path, applies: applies(rulesFile, path) }).toEqual({ path, applies: true });
      }
      // None of these lists reads the same without order: the rule gets no paths, and says why.
      expect(rulesFile.rules[0]?.paths).toEqual([]);
      expect(starter.text).toMatch(/GitHub reads the list in order/);
    });
  }

  it("keeps an order-free list as it is", () => {
    const { rulesFile } = initRule("    paths: ['sub/**', '!sub/docs/**']");
    expect(rulesFile.rules[0]?.paths).toEqual(["sub/**", "!sub/docs/**"]);
    expect(applies(rulesFile, "sub/docs/x.md")).toBe(false);
    expect(applies(rulesFile, "sub/a.rs")).toBe(true);
  });
});
