import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeMarkdown, inlineCode, link } from "../../src/core/summary.ts";
import { analyse } from "../../src/zizmor/analyse.ts";
import { DEFAULT_LEVELS } from "../../src/zizmor/annotations.ts";
import { parseJsonV1 } from "../../src/zizmor/report.ts";
import { toSarif } from "../../src/zizmor/sarif.ts";
import { parseWorkflowCommands } from "../harness/workflow-commands.ts";
import { corpusReport, fixture, SEVERAL_INPUTS_FILES, syntheticFinding } from "./helpers.ts";

const workspace = "/work/ws";
const baseOptions = {
  failOn: "high" as const,
  newOnly: { mode: "off" as const },
  levels: DEFAULT_LEVELS,
  warnings: [],
};

function corpusFindings() {
  return parseJsonV1(
    corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    ),
    { workspace, cwd: workspace },
  );
}

describe("job summary", () => {
  it("lists every finding grouped by file and then by audit, with links to zizmor's docs", () => {
    const markdown = analyse(corpusFindings(), {
      ...baseOptions,
      blobUrl: "https://github.com/wasmcloud/wasmcloud/blob/abc",
    }).summary.toString();
    expect(markdown).toContain(`## ${escapeMarkdown("zizmor: 7 findings, 6 failing")}`);
    const files = [...markdown.matchAll(/^### (.+)$/gm)].map((match) => match[1]);
    expect(files).toEqual(
      ["template-injection.yml", "unpinned-uses.yml", "unsound-contains.yml"].map((name) =>
        escapeMarkdown(`.github/workflows/${name}`),
      ),
    );
    expect(markdown).toContain(
      link("unsound-contains", "https://docs.zizmor.sh/audits/#unsound-contains"),
    );
    expect(markdown.match(/^- /gm)).toHaveLength(7);
    expect(markdown).toContain(
      'href="https://github.com/wasmcloud/wasmcloud/blob/abc/.github/workflows/unsound-contains.yml#L20"',
    );
  });

  it("says why findings are missing from the annotations and lists zizmor's warnings", () => {
    const findings = Array.from({ length: 25 }, (_, at) => syntheticFinding("high", at + 1));
    const markdown = analyse(findings, {
      ...baseOptions,
      warnings: ["failed to validate input as workflow: broken.yml"],
    }).summary.toString();
    expect(markdown).toContain("15 findings are not annotated");
    expect(markdown).toContain(inlineCode("failed to validate input as workflow: broken.yml"));
  });

  it("shows Remote and Stdin findings, which have no annotation", () => {
    const remote = syntheticFinding("medium", 3);
    remote.primary.key = {
      kind: "remote",
      repository: "octo/hello",
      ref: "v1",
      path: "action.yml",
    };
    const markdown = analyse([remote], baseOptions).summary.toString();
    expect(markdown).toContain(`### ${escapeMarkdown("octo/hello@v1:action.yml")}`);
  });

  it("keeps anything zizmor prints inert in markdown and workflow commands", () => {
    const hostile = fc
      .string({ unit: "grapheme", maxLength: 60 })
      .map((noise) => `${noise}\n::error::x <img src=x> [y](https://evil) @team ${noise}`);
    fc.assert(
      fc.property(hostile, hostile, hostile, (description, annotation, path) => {
        const finding = syntheticFinding("high", 2, { description, url: "javascript:alert(1)" });
        finding.primary.annotation = annotation;
        finding.primary.key = { kind: "local", printedPath: path, path };
        const analysis = analyse([finding], baseOptions);
        const markdown = analysis.summary.toString();
        expect(markdown).not.toMatch(/<img|\]\(https|javascript:/);
        expect(markdown).not.toMatch(/(^|[^\\])@team/);
        const message = analysis.annotations.all[0]?.message ?? "";
        // @actions/core escapes newlines, so the message stays one workflow command.
        const escaped = message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
        expect(parseWorkflowCommands(`::error::${escaped}`)).toHaveLength(1);
      }),
      { numRuns: 60 },
    );
  });
});

describe("SARIF file", () => {
  it("has zizmor's rule ids, 1-based regions and workspace-relative paths", () => {
    const sarif = toSarif(corpusFindings(), "1.30.1") as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[] } }; results: Record<string, unknown>[] }[];
    };
    const corpus = JSON.parse(fixture("sarif.several-vulnerabilities.sarif.json"));
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run?.tool.driver.rules.map((rule) => rule.id)).toEqual([
      "zizmor/template-injection",
      "zizmor/unpinned-uses",
      "zizmor/unsound-contains",
    ]);
    expect(corpus.runs[0].tool.driver.rules[0].id).toMatch(/^zizmor\//);
    expect(run?.results).toHaveLength(7);
    expect(run?.results[0]).toMatchObject({
      ruleId: "zizmor/template-injection",
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: ".github/workflows/template-injection.yml" },
            region: { startLine: 19, startColumn: 40, endLine: 19, endColumn: 64 },
          },
        },
      ],
    });
  });
});
