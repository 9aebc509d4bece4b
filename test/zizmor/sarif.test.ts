import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parseJsonV1 } from "../../src/zizmor/report.ts";
import { toSarif } from "../../src/zizmor/sarif.ts";
import { corpusReport, SEVERAL_INPUTS_FILES } from "./helpers.ts";

/**
 * zizmor's SARIF against the SARIF 2.1.0 schema with its formats checked (`helpUri` and
 * `artifactLocation.uri` are `format: uri`), and against upload-sarif's documented limits (at
 * most 25,000 results per run, 1,000 locations per result): a log over them is refused whole,
 * which loses every finding in it.
 */

const schema = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "..", "permissions", "fixtures", "sarif-2.1.0-rtm.5.json"),
    "utf8",
  ),
);
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile(schema);

const WORKSPACE = "/work/space";

function report(edit: (findings: Record<string, unknown>[]) => void = () => {}) {
  const findings = JSON.parse(
    corpusReport(
      "json-v1.several-inputs.json",
      (audit) => `./.github/workflows/${SEVERAL_INPUTS_FILES[audit]}`,
    ),
  );
  edit(findings);
  return parseJsonV1(JSON.stringify(findings), { workspace: WORKSPACE, cwd: WORKSPACE });
}

describe("zizmor's SARIF", () => {
  it("is valid SARIF, formats included, whatever URL zizmor's report gives an audit", () => {
    const sarif = toSarif(
      report((findings) => {
        (findings[0] as { url: string }).url = "javascript:alert(1)) [evil](http://evil.example";
      }),
      "1.30.1",
    ) as { runs: { tool: { driver: { rules: { helpUri?: string }[] } } }[] };
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const uris = sarif.runs[0]?.tool.driver.rules.map((rule) => rule.helpUri) ?? [];
    expect(uris.filter((uri) => uri !== undefined).every((uri) => /^https:\/\//.test(uri))).toBe(
      true,
    );
  });

  it("stays within upload-sarif's limits: 25,000 results, the most severe kept, the rest counted", () => {
    const findings = report();
    const many = Array.from({ length: 25_010 }, (_, index) => {
      const finding = findings[index % findings.length] as (typeof findings)[number];
      return { ...finding, primary: { ...finding.primary, line: index + 1 } };
    });
    const sarif = toSarif(many, "1.30.1") as {
      runs: { results: { level: string }[]; properties?: { omittedResults?: number } }[];
    };
    const [run] = sarif.runs;
    expect(run?.results).toHaveLength(25_000);
    expect(run?.properties?.omittedResults).toBe(10);
    // The ten left out are the least severe: every high finding is kept.
    const high = many.filter((finding) => finding.severity === "high").length;
    expect(run?.results.filter((result) => result.level === "error")).toHaveLength(high);
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });
});

describe("the permissions enforcer's SARIF", () => {
  it("is valid with formats checked for a workflow whose name holds a space, # or %", async () => {
    const { runIn, repository, removeRepositories } = await import("../permissions/helpers.ts");
    const { sarifLog } = await import("../../src/permissions/report.ts");
    const root = repository({
      ".github/workflows/Build Module #1 100%.yml":
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{ run: make }]\n",
    });
    const sarif = sarifLog(await runIn(root)) as {
      runs: {
        results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    removeRepositories();
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3), null, 2)).toBe(true);
    const uri = sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri;
    expect(uri).toBe(".github/workflows/Build%20Module%20%231%20100%25.yml");
  });
});
