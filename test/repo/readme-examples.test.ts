import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { PINNED } from "../../scripts/pin-examples.mjs";
import {
  asWorkflow,
  documentationFiles,
  exampleKind,
  readDoc,
  type YamlExample,
  yamlExamples,
} from "./markdown-examples.ts";
import { ownActionProblems } from "./own-actions.ts";
import { lint, parserErrors } from "./validators.ts";

// Every YAML example in the README, docs/ and each action's README is what people copy. Each is
// valid YAML; each workflow or part of one passes GitHub's workflow parser and actionlint once
// placed in a workflow; each use of this suite's actions names only inputs the action has, gives
// its required ones, and refers to a release the way the README's pinning section says.

const examples: YamlExample[] = documentationFiles().flatMap((file) =>
  yamlExamples(file, readDoc(file)),
);
const workflowExamples = examples.filter((example) => asWorkflow(example.text));

/** A finding in the wrapped workflow, shown at its line in the markdown file. */
const atMarkdownLine = (example: YamlExample, offset: number) => (finding: string) => {
  const inMarkdown = (line: string) => example.line + Number(line) - 1 - offset;
  return finding
    .replace(/^[^:\s]+:(\d+):/, (_, line: string) => `${example.file}:${inMarkdown(line)}:`)
    .replace(
      /^\S+ \(Line: (\d+), Col: (\d+)\): /,
      (_, line: string, column: string) => `${example.file}:${inMarkdown(line)}:${column}: `,
    );
};

describe("the YAML examples of the documentation", () => {
  it("are found in every documentation file, workflows among them", () => {
    expect(documentationFiles()).toContain("README.md");
    expect(documentationFiles()).toContain("actions/harden/README.md");
    expect(workflowExamples.length).toBeGreaterThan(20);
  });

  it.each(examples.map((example) => [example.where, example]))("%s is valid YAML", (_, example) => {
    const document = parseDocument(example.text, { uniqueKeys: true });
    expect(document.errors.map((error) => error.message)).toEqual([]);
  });

  it.each(workflowExamples.map((example) => [example.where, example]))(
    "%s passes GitHub's workflow parser and actionlint",
    async (_, example) => {
      const wrapped = asWorkflow(example.text);
      if (!wrapped) throw new Error("not a workflow example");
      const name = `${example.file.replace(/\W+/g, "-")}-${example.line}.yml`;
      const found = [
        ...(await parserErrors(name, wrapped.workflow)),
        ...(await lint(name, wrapped.workflow)),
      ];
      expect(found.map(atMarkdownLine(example, wrapped.offset))).toEqual([]);
    },
  );

  it.each(workflowExamples.map((example) => [example.where, example]))(
    "%s uses this suite's actions with inputs they have",
    (_, example) => {
      const wrapped = asWorkflow(example.text);
      if (!wrapped) throw new Error("not a workflow example");
      expect(
        ownActionProblems(wrapped.workflow).map(atMarkdownLine(example, wrapped.offset)),
      ).toEqual([]);
    },
  );
});

describe("the example checks catch what they are for", () => {
  it("tells steps, jobs, permissions and triggers from configuration files", () => {
    expect(exampleKind("- uses: actions/checkout@v5\n")).toBe("steps");
    expect(exampleKind("build:\n  runs-on: x\n  steps: []\n")).toBe("jobs");
    expect(exampleKind("permissions:\n  contents: read\n")).toBe("permissions");
    expect(exampleKind("on:\n  push:\n")).toBe("triggers");
    expect(exampleKind("on: push\njobs: {}\n")).toBe("workflow");
    expect(exampleKind("rules:\n  - job: test\n")).toBe("config");
  });

  it("finds a typo in a step list at its markdown line", async () => {
    const [example] = yamlExamples(
      "x.md",
      "text\n\n```yaml\n- uses: actions/checkout@v5\n  wiht:\n    fetch-depth: 0\n```\n",
    );
    if (!example) throw new Error("no example found");
    const wrapped = asWorkflow(example.text);
    if (!wrapped) throw new Error("not a workflow example");
    const found = (await lint("x.yml", wrapped.workflow)).map(
      atMarkdownLine(example, wrapped.offset),
    );
    expect(found.join("\n")).toMatch(/^x\.md:5:\d+: unexpected key "wiht"/m);
  });
});

describe("each action's README", () => {
  // The root action (the gate) is documented in docs/status-gate.md.
  const readmes = documentationFiles().filter(
    (file) => file === "docs/status-gate.md" || file.startsWith("actions/"),
  );

  it.each(readmes)("%s has a Permissions section with the exact YAML", (file) => {
    const text = readDoc(file);
    const at = text.search(/\n## Permissions\b/);
    expect(at, `${file} has no '## Permissions' section`).toBeGreaterThan(0);
    const section = text.slice(at);
    const [first] = yamlExamples(file, section);
    expect(first && exampleKind(first.text)).toBe("permissions");
  });

  it.each(readmes)(
    "%s shows its action pinned by commit, with the version in a comment",
    (file) => {
      const pinned = [...readDoc(file).matchAll(PINNED)];
      expect(pinned.length, `${file} has no example pinned by commit`).toBeGreaterThan(0);
    },
  );
});
