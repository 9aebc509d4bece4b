import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAction } from "../harness/runner.ts";
import { fakeZizmorFolder, writeFile } from "../zizmor/helpers.ts";

// Each half of harden writes its own SARIF log; two inputs naming one file must not let one log
// silently replace the other (the permissions findings would never reach code scanning).

const NO_PERMISSIONS =
  "name: bad\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n";

async function harden(workspace: string, inputs: Record<string, string>) {
  const fake = fakeZizmorFolder({ stdout: "[]" });
  return runAction({
    action: "actions/harden",
    workspace,
    inputs: { "zizmor-path": join(fake, "zizmor"), "permissions-fail-on": "never", ...inputs },
  });
}

function badWorkspace(): string {
  const workspace = mkdtempSync(join(tmpdir(), "sg-harden-files-"));
  writeFile(join(workspace, ".github/workflows/bad.yml"), NO_PERMISSIONS);
  return workspace;
}

describe("harden's report files", () => {
  it("writes SARIF logs into folders that do not exist yet", async () => {
    const workspace = badWorkspace();
    const run = await harden(workspace, {
      "permissions-sarif-file": "reports/permissions/log.sarif",
      "sarif-file": "reports/zizmor/log.sarif",
    });
    expect(run.exitCode, run.log).toBe(0);
    const permissions = readFileSync(join(workspace, "reports/permissions/log.sarif"), "utf8");
    expect(permissions).toContain("missing-top-level-permissions");
    expect(
      JSON.parse(readFileSync(join(workspace, "reports/zizmor/log.sarif"), "utf8")).runs,
    ).toHaveLength(1);
  });

  it("fails naming a file it cannot write, and still publishes the other file, the summary and the outputs", async () => {
    const workspace = badWorkspace();
    mkdirSync(join(workspace, "taken.sarif"));
    const run = await harden(workspace, {
      "permissions-sarif-file": "taken.sarif",
      "sarif-file": "zizmor.sarif",
    });
    expect(run.exitCode, run.log).toBe(1);
    expect(run.annotations.find((a) => a.title === "harden: file not written")?.message).toMatch(
      /^taken\.sarif is not written: /,
    );
    expect(run.outputs).toMatchObject({ passed: "false", "permissions-findings": "2" });
    // The summary opens with what failed the step, then the checks' own verdict.
    expect(run.summary.split("\n")[0]).toMatch(/^❌ .*taken\\\.sarif is not written/);
    expect(run.summary).toContain("Hardening");
    expect(readFileSync(join(workspace, "zizmor.sarif"), "utf8")).toContain('"runs"');
  });

  it("says passed false, for harden and for zizmor, when zizmor's SARIF log cannot be written", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "sg-harden-files-"));
    mkdirSync(join(workspace, "zizmor.sarif"));
    const run = await harden(workspace, { "sarif-file": "zizmor.sarif" });
    expect(run.exitCode, run.log).toBe(1);
    expect(run.outputs).toMatchObject({ passed: "false", "zizmor-passed": "false" });
  });

  it("says zizmor's passed false when the zizmor action's SARIF log cannot be written", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "sg-zizmor-files-"));
    mkdirSync(join(workspace, "zizmor.sarif"));
    const fake = fakeZizmorFolder({ stdout: "[]" });
    const run = await runAction({
      action: "actions/zizmor",
      workspace,
      inputs: { "zizmor-path": join(fake, "zizmor"), "sarif-file": "zizmor.sarif" },
    });
    expect(run.exitCode, run.log).toBe(1);
    expect(run.outputs.passed).toBe("false");
  });
});

describe("harden's two SARIF logs", () => {
  for (const [permissions, zizmor] of [
    ["results.sarif", "results.sarif"],
    ["./out/results.sarif", "out/results.sarif"],
  ] as const) {
    it(`refuses permissions-sarif-file '${permissions}' and sarif-file '${zizmor}' (one file), and loses neither log`, async () => {
      const workspace = badWorkspace();
      const run = await harden(workspace, {
        "permissions-sarif-file": permissions,
        "sarif-file": zizmor,
      });
      // Both halves pass on their own; only the clash fails the step, and says how to fix it.
      expect(run.exitCode, run.log).toBe(1);
      expect(run.outputs.passed, run.log).toBe("false");
      const failure = run.annotations.find(
        (a) => a.level === "error" && /same file/.test(a.message),
      );
      expect(failure?.message, run.log).toMatch(/permissions-sarif-file.*sarif-file/);
      // What is written is the permissions log whole, never zizmor's log in its place.
      const log = JSON.parse(readFileSync(join(workspace, zizmor), "utf8"));
      expect(
        log.runs.map((r: { tool: { driver: { name: string } } }) => r.tool.driver.name),
      ).not.toContain("zizmor");
      expect(JSON.stringify(log)).toContain("missing-top-level-permissions");
    });
  }
});

describe("harden's summary", () => {
  it("keeps zizmor's section when the permissions section alone would fill GitHub's 1 MiB", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "sg-harden-big-"));
    const job = (n: number) =>
      `  job_${n}_${"x".repeat(40)}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${n}\n`;
    for (let file = 0; file < 120; file++) {
      const jobs = Array.from({ length: 40 }, (_, n) => job(n)).join("");
      writeFile(join(workspace, `.github/workflows/w${file}.yml`), `on: push\njobs:\n${jobs}`);
    }
    const run = await harden(workspace, { "permissions-fail-on": "error" });
    expect(run.summaryDropped).toBe(false);
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(run.summary.split("\n")[0]).toContain("Permissions enforcer failed, zizmor passed");
    // The permissions section was cut to its share, and zizmor's follows it whole.
    expect(run.summary).toContain("This summary was cut short");
    expect(run.summary).toContain("## zizmor\\: no findings");
    expect(Number(run.outputs["permissions-findings"])).toBeGreaterThan(4000);
  }, 60_000);
});

describe("harden with permissions-fix", () => {
  it("has zizmor audit the workflow files as committed, not as the fixer rewrote them", async () => {
    const workspace = badWorkspace();
    // A zizmor that keeps a copy of the file it was asked to audit, then reports nothing.
    const fake = fakeZizmorFolder({ stdout: "[]" });
    const seen = join(fake, "seen.yml");
    const script = readFileSync(join(fake, "zizmor"), "utf8").replace(
      'cat "$here/stdout.txt"',
      `cp .github/workflows/bad.yml "${seen}"\ncat "$here/stdout.txt"`,
    );
    writeFileSync(join(fake, "zizmor"), script);
    const run = await harden(workspace, {
      "zizmor-path": join(fake, "zizmor"),
      "permissions-fix": "true",
    });
    expect(run.outputs["permissions-fixed"], run.log).toBe("true");
    // zizmor's lines are the pull request's lines: the fixer's inserted lines would shift them.
    expect(readFileSync(seen, "utf8")).toBe(NO_PERMISSIONS);
  });
});
