import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { NoOperationTraceWriter } from "@actions/workflow-parser";
import { parseAction } from "@actions/workflow-parser/actions/index";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DIST, PROJECT_ROOT, resolveMain } from "../harness/runner.ts";

interface ActionDefinition {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string } | null>;
  outputs?: Record<string, { description?: string } | null>;
  runs?: {
    using?: string;
    main?: string;
    pre?: string;
    post?: string;
    steps?: { run?: string; shell?: string }[];
  };
}

/** The folder of every action in the repository: the root and each `actions/<name>/`. */
function actionFolders(root = PROJECT_ROOT): string[] {
  const folders = existsSync(join(root, "action.yml")) ? ["."] : [];
  const actions = join(root, "actions");
  if (existsSync(actions)) {
    for (const entry of readdirSync(actions, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(actions, entry.name, "action.yml"))) {
        folders.push(`actions/${entry.name}`);
      }
    }
  }
  return folders;
}

/** A template of `inputs.*` inside a composite step's script: the input would run as shell code. */
const INPUT_IN_SCRIPT = /\$\{\{[^}]*\binputs\s*(\.|\[)/;

/** What is wrong with an action's metadata; empty when nothing is. */
function metadataProblems(folder: string, definition: ActionDefinition): string[] {
  const problems: string[] = [];
  if (!definition.name) problems.push("has no name");
  if (!definition.description) problems.push("has no description");
  for (const kind of ["inputs", "outputs"] as const) {
    for (const [name, spec] of Object.entries(definition[kind] ?? {})) {
      if (!spec?.description?.trim()) problems.push(`${kind}.${name} has no description`);
    }
  }
  const runs = definition.runs ?? {};
  if (runs.using === "composite") {
    (runs.steps ?? []).forEach((step, index) => {
      if (step.run && INPUT_IN_SCRIPT.test(step.run)) {
        problems.push(`runs.steps[${index}].run templates \${{ inputs.* }}; pass it through env:`);
      }
    });
    return problems;
  }
  if (runs.using !== "node24") problems.push(`runs.using is '${runs.using}', not node24`);
  const expected = folder === "." ? "dist/" : "../../dist/";
  for (const key of ["main", "pre", "post"] as const) {
    const script = runs[key];
    if (key === "main" && !script) problems.push("runs.main is missing");
    if (script && !script.startsWith(expected)) {
      problems.push(`runs.${key} is '${script}'; it must point into ${expected}`);
    }
  }
  return problems;
}

const read = (folder: string) =>
  parse(readFileSync(join(PROJECT_ROOT, folder, "action.yml"), "utf8")) as ActionDefinition;

describe("every action.yml in the repository", () => {
  const folders = actionFolders();

  it("exists at least once (the discovery finds the actions)", () => {
    expect(folders.length).toBeGreaterThan(0);
  });

  it.each(folders)(
    "%s/action.yml declares node24, a main in dist/ and describes everything",
    (folder) => {
      expect(metadataProblems(folder, read(folder))).toEqual([]);
    },
  );

  it.each(folders)("%s/action.yml passes GitHub's action.yml schema", (folder) => {
    const name = `${folder}/action.yml`;
    const content = readFileSync(join(PROJECT_ROOT, name), "utf8");
    const { context } = parseAction({ name, content }, new NoOperationTraceWriter());
    expect(
      context.errors.getErrors().map((error) => error.message),
      "the runner refuses to load an action.yml with these errors (a `${{` in a description counts)",
    ).toEqual([]);
  });

  it.each(folders)("%s/action.yml runs a script the build wrote", (folder) => {
    const runs = read(folder).runs ?? {};
    for (const script of [runs.main, runs.pre, runs.post]) {
      if (!script) continue;
      const built = resolveMain(folder, script);
      expect(
        existsSync(built),
        `${folder}/action.yml: ${script} is ${relative(PROJECT_ROOT, built)}, missing from ${DIST}`,
      ).toBe(true);
    }
  });
});

describe("the root action on the GitHub Marketplace", () => {
  // The Marketplace lists a repository's root action only, and refuses a description of 125
  // characters or more; the listing shows the name and the branding icon and colour.
  const root = read(".") as ActionDefinition & { branding?: { icon?: string; color?: string } };

  it("has a name, a description under 125 characters and branding", () => {
    expect(root.name).toBeTruthy();
    expect(root.description?.length).toBeLessThan(125);
    expect(root.branding?.icon).toBeTruthy();
    expect(root.branding?.color).toMatch(
      /^(white|black|yellow|blue|green|orange|red|purple|gray-dark)$/,
    );
  });

  it("is introduced in the README with the actions that live in sub-folders", () => {
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).toContain("`wasmcloud/status-gate@v1`");
    for (const folder of actionFolders().filter((folder) => folder !== ".")) {
      expect(readme).toContain(`\`wasmcloud/status-gate/${folder}@v1\``);
    }
  });
});

describe("metadataProblems (the checks above are not vacuous)", () => {
  const good: ActionDefinition = {
    name: "x",
    description: "d",
    inputs: { token: { description: "t" } },
    outputs: { result: { description: "r" } },
    runs: { using: "node24", main: "../../dist/x.js" },
  };

  it("accepts a well-formed action", () => {
    expect(metadataProblems("actions/x", good)).toEqual([]);
    expect(
      metadataProblems(".", { ...good, runs: { using: "node24", main: "dist/gate.js" } }),
    ).toEqual([]);
  });

  it("names an older runtime, a main outside dist/ and a missing description", () => {
    expect(
      metadataProblems("actions/x", {
        ...good,
        inputs: { token: { description: "" }, level: null },
        outputs: { result: {} },
        runs: { using: "node20", main: "src/x.ts" },
      }),
    ).toEqual([
      "inputs.token has no description",
      "inputs.level has no description",
      "outputs.result has no description",
      "runs.using is 'node20', not node24",
      "runs.main is 'src/x.ts'; it must point into ../../dist/",
    ]);
  });

  it("GitHub's action.yml schema catches an unknown key", () => {
    const content = "name: x\ndescription: d\nruns:\n  using: node24\n  mian: x.js\n";
    const { context } = parseAction({ name: "action.yml", content }, new NoOperationTraceWriter());
    expect(
      context.errors
        .getErrors()
        .map((error) => error.message)
        .join("\n"),
    ).toMatch(/mian/);
  });

  it("catches inputs templated into a composite action's script, allowing env:", () => {
    const composite = (run: string): ActionDefinition => ({
      ...good,
      runs: { using: "composite", steps: [{ run, shell: "bash" }] },
    });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    const quoted = 'echo "${{ inputs.message }}"';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    const indexed = "echo ${{inputs['message']}}";
    expect(metadataProblems("actions/x", composite(quoted))).toHaveLength(1);
    expect(metadataProblems("actions/x", composite(indexed))).toHaveLength(1);
    expect(metadataProblems("actions/x", composite('echo "$MESSAGE"'))).toEqual([]);
  });
});
