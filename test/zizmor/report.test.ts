import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  capSpan,
  capToFiles,
  describeKey,
  type Finding,
  outsideWorkspace,
  parseJsonV1,
  ReportFormatError,
  toSpan,
  workspacePath,
} from "../../src/zizmor/report.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import { corpusReport, fixture, SEVERAL_INPUTS_FILES } from "./helpers.ts";

const workspace = "/home/runner/work/repo/repo";
const paths = { workspace, cwd: workspace };
const CORPUS = join(PROJECT_ROOT, "..", "shared", "corpus", "zizmor");

function severalInputs(
  pathFor = (audit: string) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
) {
  return parseJsonV1(corpusReport("json-v1.several-inputs.json", pathFor), paths);
}

describe("reading zizmor JSON v1", () => {
  it("turns 0-based rows and columns into 1-based lines and columns", () => {
    const unsound = severalInputs().filter((finding) => finding.audit === "unsound-contains");
    // Row 19, column 8 in the corpus is line 20's `if:` (column 9) of unsound-contains.yml.
    expect(unsound[0]?.primary).toMatchObject({ line: 20, column: 9 });
    const lines = fixture("inputs/unsound-contains.yml").split("\n");
    for (const finding of unsound) {
      expect(lines[finding.primary.line - 1]?.slice(finding.primary.column - 1)).toMatch(/^if:/);
    }
  });

  it("annotates the primary location, not the hidden or related ones", () => {
    const injection = severalInputs().find((finding) => finding.audit === "template-injection");
    const lines = fixture("inputs/template-injection.yml").split("\n");
    const { line, column, endColumn } = injection?.primary ?? { line: 0, column: 0, endColumn: 0 };
    expect(lines[line - 1]?.slice(column - 1, endColumn)).toBe("github.event.issue.title");
    expect(injection?.primary.annotation).toBe("may expand into attacker-controllable code");
    expect(injection?.related.map((related) => related.annotation)).toEqual([
      "action accepts arbitrary code",
      "via this input",
    ]);
  });

  it("keeps severity, confidence, the docs URL and the YAML route of each finding", () => {
    const [finding] = parseJsonV1(
      corpusReport("json-v1.fix-metadata.json", () => ".github/dependabot.yml"),
      paths,
    );
    expect(finding).toMatchObject({
      audit: "dependabot-execution",
      severity: "high",
      confidence: "high",
      url: "https://docs.zizmor.sh/audits/#dependabot-execution",
      ignored: false,
    });
    expect(finding?.primary).toMatchObject({
      route: "updates[0].insecure-external-code-execution",
      line: 10,
      column: 5,
      key: { kind: "local", path: ".github/dependabot.yml" },
    });
  });

  it("makes ./relative, bare relative and absolute paths relative to GITHUB_WORKSPACE", () => {
    const forms = [
      "./.github/workflows/x.yml",
      ".github/workflows/x.yml",
      `${workspace}/.github/workflows/x.yml`,
    ];
    for (const printed of forms) {
      expect(workspacePath(printed, paths)).toBe(".github/workflows/x.yml");
    }
    expect(workspacePath("x.yml", { workspace, cwd: `${workspace}/sub` })).toBe("sub/x.yml");
  });

  it("gives no annotation path to files outside the workspace", () => {
    expect(workspacePath("/etc/x.yml", paths)).toBeUndefined();
    expect(workspacePath("../other/x.yml", paths)).toBeUndefined();
  });

  it("calls a report whose findings all lie outside the workspace an error, not a pass", () => {
    const outside = severalInputs((audit) => `/elsewhere/${SEVERAL_INPUTS_FILES[audit]}`);
    expect(outside).toHaveLength(7);
    expect(outsideWorkspace(outside, workspace)).toMatch(
      /^all 7 findings are in files outside the workspace .* \(such as \/elsewhere\/.*\.yml\)/,
    );
    // One finding inside is enough to show the others in the summary only.
    const mixed = severalInputs((audit) =>
      audit === "unpinned-uses" ? "./unpinned-uses.yml" : `/elsewhere/${audit}.yml`,
    );
    expect(outsideWorkspace(mixed, workspace)).toBeUndefined();
    expect(outsideWorkspace([], workspace)).toBeUndefined();
  });

  it("keeps every location's comments, hidden locations included, for ignore comments", () => {
    const injection = severalInputs().find((finding) => finding.audit === "template-injection");
    expect(injection?.locations).toHaveLength(4);
    expect(injection?.locations[0]?.comments).toEqual(["# tag=v7.0.1"]);
    expect(injection?.primary.comments).toEqual([]);
  });

  it("reads Remote and Stdin keys as locations with no workspace file", () => {
    const report = JSON.parse(corpusReport("json-v1.fix-metadata.json", () => "x.yml"));
    const remote = {
      Remote: { slug: { owner: "octo", repo: "hello", git_ref: "v1" }, path: "action.yml" },
    };
    report[0].locations[0].symbolic.key = remote;
    report[0].locations[1].symbolic.key = "Stdin";
    const [finding] = parseJsonV1(JSON.stringify(report), paths);
    expect(finding?.primary.key).toEqual({
      kind: "remote",
      repository: "octo/hello",
      ref: "v1",
      path: "action.yml",
    });
    expect(describeKey(finding?.primary.key ?? { kind: "stdin" })).toBe("octo/hello@v1:action.yml");
    expect(finding?.related[0]?.key).toEqual({ kind: "stdin" });
  });

  it("caps a span that runs to the end of the file at the file's last line", () => {
    // The hidden step location of template-injection ends at row 19 column 0 of a 19-line file.
    expect(toSpan({ row: 15, column: 8 }, { row: 19, column: 0 })).toEqual({
      line: 16,
      column: 9,
      endLine: 19,
      endColumn: 9,
    });
    expect(capSpan({ line: 18, column: 3, endLine: 25, endColumn: 4 }, 19)).toEqual({
      line: 18,
      column: 3,
      endLine: 19,
      endColumn: 1,
    });
    expect(capSpan({ line: 30, column: 3, endLine: 31, endColumn: 4 }, 19).line).toBe(19);
  });

  it("refuses output that is not JSON v1, saying what is wrong", () => {
    expect(() => parseJsonV1("{}", paths)).toThrow(/top level is not an array/);
    expect(() => parseJsonV1("not json", paths)).toThrow(ReportFormatError);
    expect(() => parseJsonV1('[{"ident":"x"}]', paths)).toThrow(
      /finding 1 has no 'determinations'/,
    );
  });

  it("throws only ReportFormatError, whatever JSON it is given", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        try {
          parseJsonV1(text, paths);
        } catch (thrown) {
          expect(thrown).toBeInstanceOf(ReportFormatError);
        }
      }),
    );
  });

  it("gives every finding a location inside the real input it came from", () => {
    for (const finding of severalInputs()) checkInsideInput(finding);
  });
});

function checkInsideInput(finding: Finding) {
  const file = SEVERAL_INPUTS_FILES[finding.audit] as string;
  const lines = fixture(`inputs/${file}`).split("\n").length;
  expect(finding.primary.key).toMatchObject({ path: `.github/workflows/${file}` });
  expect(finding.primary.line).toBeGreaterThanOrEqual(1);
  expect(finding.primary.endLine).toBeLessThanOrEqual(lines);
}

describe("the shared zizmor corpus", () => {
  const present = existsSync(CORPUS);
  it.skipIf(!present)("parses every JSON v1 file in ../shared/corpus/zizmor", () => {
    const files = readdirSync(CORPUS).filter((name) => name.startsWith("json-v1."));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const text = readFileSync(join(CORPUS, name), "utf8").replaceAll("@@INPUT@@", "x.yml");
      const findings = parseJsonV1(text, paths);
      expect(findings.length, name).toBe(JSON.parse(text).length);
      for (const finding of findings) {
        expect(finding.primary.key).toEqual({ kind: "local", printedPath: "x.yml", path: "x.yml" });
      }
    }
  });
  if (!present)
    it.skip("../shared/corpus/zizmor is absent; the copies in fixtures/ still run", () => {});
});

describe("capping spans at the end of the file", () => {
  it("never points past the last line of a file it can read", () => {
    const report = JSON.parse(corpusReport("json-v1.fix-metadata.json", () => "dependabot.yml"));
    // Point the finding past the end of the 10-line file, as a span to end of file can.
    report[0].locations[0].concrete.location.start_point = { row: 9, column: 4 };
    report[0].locations[0].concrete.location.end_point = { row: 14, column: 3 };
    const findings = parseJsonV1(JSON.stringify(report), paths);
    const capped = capToFiles(findings, (path) => (path === "dependabot.yml" ? 10 : undefined));
    expect(capped[0]?.primary).toMatchObject({ line: 10, endLine: 10 });
    expect(capToFiles(findings, () => undefined)[0]?.primary.endLine).toBe(15);
  });
});
