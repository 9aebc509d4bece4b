import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAction } from "../harness/runner.ts";
import { corpusReport, fakeZizmorFolder, writeFile } from "./helpers.ts";

// A pull request names the files and writes the workflows zizmor reports on; zizmor's report
// quotes them. None of it may become markup in the summary, a command in the log, or a link in
// code scanning.

const FILE = "a<img src=x onerror=alert(1)>](http:e) `x` |y|.yml";

describe("hostile file names, audit ids, descriptions and URLs in zizmor's report", () => {
  it("stay text in the summary, the annotations and the SARIF file", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "sg-zizmor-markup-"));
    writeFile(join(workspace, ".github/workflows", FILE), "on: push\njobs: {}\n");
    const report = JSON.parse(
      corpusReport("json-v1.several-inputs.json", () => `./.github/workflows/${FILE}`),
    );
    report[0].ident = "tmpl<script>alert(1)</script>|x`y`";
    report[0].desc = "d <img src=x onerror=alert(1)> [c](javascript:alert(1)) ::add-mask::m";
    report[0].url = "javascript:alert(1)";
    const fake = fakeZizmorFolder({ stdout: JSON.stringify(report), exitCode: 14 });
    const run = await runAction({
      action: "actions/zizmor",
      workspace,
      inputs: { "zizmor-path": join(fake, "zizmor"), "sarif-file": "z.sarif" },
    });
    expect(run.exitCode).toBe(1);
    expect(run.summary).not.toMatch(/<img|<script|\]\(javascript:|href="javascript/);
    expect(run.summary).toContain("&lt;img src=x onerror=alert\\(1\\)&gt;");
    expect(run.masks).toEqual([]);
    expect(run.commands.map((command) => command.command)).not.toContain("add-mask");
    const annotation = run.annotations.find((a) => a.title?.startsWith("zizmor tmpl"));
    expect(annotation?.file).toBe(`.github/workflows/${FILE}`);
    const sarif = readFileSync(join(workspace, "z.sarif"), "utf8");
    expect(sarif).not.toContain('javascript:alert(1)"');
    expect(JSON.parse(sarif).runs[0].tool.driver.rules[0].helpUri).toBeUndefined();
  });
});
