import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isMap, isSeq, type Node, parseDocument } from "yaml";
import type { TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";
import { readExample, repositoryWithCorpus } from "./example.ts";

// Issue 19: the example's status-gate.yml is "written with `gate init`" on wasmCloud's .github
// before the migration, then adjusted by hand with every adjustment marked `# adjusted:` (its
// header and docs/migrating-wasmcloud.md say so). This holds the file to that: init runs here on
// the corpus, and every rule the file does not mark as adjusted is exactly the one init wrote.

interface RuleText {
  id: string;
  rule: unknown;
  /** The rule's own lines and the comment lines directly above it. */
  text: string;
}

/** The rules of a rules file, each with the text that may explain it. */
function rulesWithText(source: string): RuleText[] {
  const document = parseDocument(source);
  const rules = isMap(document.contents) ? document.contents.get("rules", true) : undefined;
  if (!isSeq(rules)) throw new Error("no rules: sequence");
  const lines = source.split("\n");
  const lineOf = (offset: number) => source.slice(0, offset).split("\n").length - 1;
  return (rules.items as Node[]).map((item) => {
    const [start, , end] = item.range ?? [0, 0, 0];
    let first = lineOf(start);
    while (first > 0 && /^\s*#/.test(lines[first - 1] as string)) first--;
    const rule = item.toJSON() as Record<string, unknown>;
    return {
      id: String(rule.id),
      rule,
      text: lines.slice(first, lineOf(end) + 1).join("\n"),
    };
  });
}

/** Every `# adjusted:` comment of a file, with its continuation lines. */
const adjustedComments = (source: string): string[] =>
  [...source.matchAll(/^\s*# adjusted:.*(?:\n\s*#(?! adjusted:).*)*/gm)].map((match) => match[0]);

let corpus: TestRepository;
let written: string;
beforeAll(async () => {
  corpus = repositoryWithCorpus();
  const run = await runCli(["gate", "init", "--stdout"], { cwd: corpus.path });
  expect(run.exitCode, run.stderr).toBe(0);
  written = run.stdout;
});
afterAll(() => corpus?.[Symbol.dispose]());

describe("examples/wasmcloud/.github/status-gate.yml against `gate init` on the corpus", () => {
  const example = readExample("status-gate.yml");

  it("keeps every rule init wrote as it wrote it, unless the rule is marked adjusted", () => {
    const init = new Map(rulesWithText(written).map(({ id, rule }) => [id, rule]));
    const unmarked = rulesWithText(example).filter(({ text }) => !text.includes("# adjusted:"));
    expect(unmarked.length).toBeGreaterThan(20);
    for (const { id, rule } of unmarked) {
      expect(init.has(id), `${id} is not a rule init wrote, and not marked adjusted`).toBe(true);
      expect(rule, `${id} differs from init's rule without an "# adjusted:" comment`).toEqual(
        init.get(id),
      );
    }
  });

  it("names each rule of init that it dropped or renamed in an adjusted comment", () => {
    const kept = new Set(rulesWithText(example).map(({ id }) => id));
    const comments = adjustedComments(example);
    const dropped = rulesWithText(written)
      .map(({ id }) => id)
      .filter((id) => !kept.has(id));
    // docs/migrating-wasmcloud.md, step 1: init writes 36 rules on wasmCloud's .github.
    expect(rulesWithText(written)).toHaveLength(36);
    expect(dropped.sort()).toEqual(["lint-workflows-zizmor", "wit-changes"]);
    for (const id of dropped) {
      expect(
        comments.some((comment) => new RegExp(`\\b${id}\\b`).test(comment)),
        `${id}: dropped without an "# adjusted:" comment naming it`,
      ).toBe(true);
    }
  });

  it("gives every adjusted rule a reason", () => {
    for (const comment of adjustedComments(example)) {
      expect(
        comment
          .replace(/^\s*# adjusted:/, "")
          .replace(/\s+#/g, " ")
          .trim().length,
      ).toBeGreaterThan(30);
    }
  });
});
