import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../harness/runner.ts";

let outdir: string;
let buildOutput: { status: number | null; stdout: string; stderr: string };

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), "sg-build-"));
  buildOutput = spawnSync(process.execPath, ["scripts/build.mjs", "--outdir", outdir], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const entries = () =>
  readdirSync(join(PROJECT_ROOT, "src"), { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() && existsSync(join(PROJECT_ROOT, "src", entry.name, "main.ts")),
    )
    .map((entry) => entry.name);

const builtFiles = () => [
  ...readdirSync(outdir)
    .filter((name) => name.endsWith(".js"))
    .map((name) => join(outdir, name)),
  ...readdirSync(join(outdir, "chunks")).map((name) => join(outdir, "chunks", name)),
];

describe("scripts/build.mjs", () => {
  it("builds without errors", () => {
    expect(buildOutput.stderr).toBe("");
    expect(buildOutput.status).toBe(0);
  });

  it("writes dist/<name>.js for every src/<name>/main.ts, found rather than listed", () => {
    expect(entries()).toContain("cli");
    for (const name of entries()) expect(existsSync(join(outdir, `${name}.js`)), name).toBe(true);
  });

  it("shares dependencies in chunks instead of copying them into every bundle", () => {
    // A string only @actions/core's file-command code holds.
    const holders = builtFiles().filter((file) =>
      readFileSync(file, "utf8").includes("ghadelimiter_"),
    );
    expect(holders).toHaveLength(1);
    expect(holders[0]).toContain(`${outdir}/chunks/`);
  });

  it("builds the same files from a checkout whose path holds a space and other characters", () => {
    // A clone may live anywhere ("~/My Projects/status-gate"); dist/ must not depend on it.
    const parent = mkdtempSync(join(tmpdir(), "sg build #%20 "));
    try {
      const checkout = join(parent, "a checkout");
      mkdirSync(checkout);
      for (const part of ["src", "scripts", "package.json", "tsconfig.json"]) {
        cpSync(join(PROJECT_ROOT, part), join(checkout, part), { recursive: true });
      }
      symlinkSync(join(PROJECT_ROOT, "node_modules"), join(checkout, "node_modules"));
      const elsewhere = join(parent, "out dir");
      const build = spawnSync(
        process.execPath,
        [join(checkout, "scripts/build.mjs"), "--outdir", elsewhere],
        {
          cwd: tmpdir(),
          encoding: "utf8",
        },
      );
      expect(build.stderr).toBe("");
      expect(build.status).toBe(0);
      const files = (dir: string): string[] =>
        readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
      expect(files(elsewhere)).toEqual(files(outdir));
      for (const file of files(outdir).filter(
        (name) => name.endsWith(".js") || name.endsWith(".txt"),
      )) {
        expect(readFileSync(join(elsewhere, file), "utf8"), file).toBe(
          readFileSync(join(outdir, file), "utf8"),
        );
      }
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it("lists the licence of every bundled package", () => {
    const licences = readFileSync(join(outdir, "THIRD_PARTY_LICENSES.txt"), "utf8");
    expect(licences).toMatch(/^@actions\/core@\d+\.\d+\.\d+ \(MIT\)$/m);
    expect(licences).toMatch(/^@octokit\/core@\d+\.\d+\.\d+ \(MIT\)$/m);
  });
});
