import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isSeq, parseDocument } from "yaml";
import { documentationFiles as documentationFilesOf } from "../../scripts/pin-examples.mjs";
import { PROJECT_ROOT } from "../harness/runner.ts";

/** One fenced ```yaml block of a markdown file. */
export interface YamlExample {
  /** `README.md:42`: the file and the line of the block's first YAML line. */
  where: string;
  file: string;
  line: number;
  text: string;
}

/** Every markdown file that documents the suite: the README, docs/ and each action's README. */
export const documentationFiles = (root = PROJECT_ROOT): string[] => documentationFilesOf(root);

/** The ```yaml (or ```yml) blocks of a markdown text, with their positions. */
export function yamlExamples(file: string, markdown: string): YamlExample[] {
  const examples: YamlExample[] = [];
  const lines = markdown.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*ya?ml\b/.exec(lines[index] as string);
    if (!fence) continue;
    const [, indent = "", marker = "```"] = fence;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end] as string).trim().startsWith(marker)) {
      body.push((lines[end] as string).slice(indent.length));
      end++;
    }
    examples.push({
      where: `${file}:${index + 2}`,
      file,
      line: index + 2,
      text: `${body.join("\n")}\n`,
    });
    index = end;
  }
  return examples;
}

/**
 * What an example is, so it can be checked the way GitHub reads it: a whole workflow, a part of
 * one (a list of steps, a job map, a `permissions:` or `on:` block), or a configuration file of
 * one of the actions.
 */
export type ExampleKind = "workflow" | "jobs" | "steps" | "permissions" | "triggers" | "config";

export function exampleKind(text: string): ExampleKind {
  const root = parseDocument(text).contents;
  if (isSeq(root)) return "steps";
  if (!isMap(root)) return "config";
  const keys = root.items.map((pair) => String((pair.key as { value?: unknown }).value));
  if (keys.includes("jobs")) return "workflow";
  if (keys.length === 1 && keys[0] === "permissions") return "permissions";
  if (keys.length === 1 && keys[0] === "on") return "triggers";
  const looksLikeJob = (pair: (typeof root.items)[number]) =>
    isMap(pair.value) &&
    pair.value.items.some((item) =>
      ["runs-on", "steps", "uses"].includes(String((item.key as { value?: unknown }).value)),
    );
  if (root.items.length > 0 && root.items.every(looksLikeJob)) return "jobs";
  return "config";
}

const indent = (text: string, spaces: number) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => (line.trim() ? `${" ".repeat(spaces)}${line}` : line))
    .join("\n");

/**
 * The example as a whole workflow that GitHub's parser and actionlint can check, and how many
 * lines were put before it (to map findings back to the markdown). Config files have none.
 */
export function asWorkflow(text: string): { workflow: string; offset: number } | undefined {
  // A part of a workflow that reads `inputs.<name>` stands in one started by hand with those inputs.
  const inputs = [...new Set([...text.matchAll(/\binputs\.([\w-]+)/g)].map((match) => match[1]))];
  const dispatch =
    inputs.length === 0
      ? "on: workflow_dispatch\n"
      : `on: { workflow_dispatch: { inputs: { ${inputs.map((name) => `${name}: { type: string }`).join(", ")} } } }\n`;
  switch (exampleKind(text)) {
    case "workflow": {
      const hasTrigger = Object.hasOwn(parseDocument(text).toJS() ?? {}, "on");
      return hasTrigger
        ? { workflow: text, offset: 0 }
        : { workflow: `on: workflow_dispatch\n${text}`, offset: 1 };
    }
    case "jobs":
      return { workflow: `${dispatch}jobs:\n${indent(text, 2)}\n`, offset: 2 };
    case "steps":
      return {
        workflow: `${dispatch}jobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n${indent(text, 6)}\n`,
        offset: 5,
      };
    case "permissions":
      return {
        workflow: `on: workflow_dispatch\njobs:\n  example:\n    runs-on: ubuntu-latest\n${indent(text, 4)}\n    steps:\n      - run: "true"\n`,
        offset: 3,
      };
    case "triggers":
      return {
        workflow: `${text.trimEnd()}\njobs:\n  example:\n    runs-on: ubuntu-latest\n    steps:\n      - run: "true"\n`,
        offset: 0,
      };
    default:
      return undefined;
  }
}

export const readDoc = (file: string) => readFileSync(join(PROJECT_ROOT, file), "utf8");
