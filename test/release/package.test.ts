import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands.ts";
import { TestRepository } from "../harness/git.ts";
import { PROJECT_ROOT } from "../harness/runner.ts";
import {
  bareMachineEnv,
  type Command,
  execute,
  executeAsync,
  type PackedPackage,
  packRepository,
} from "./package.ts";
import { serveOnePackage } from "./registry.ts";

// The CLI as people get it from npm: `npm pack`, installed from the tarball into an empty folder
// on a machine that has Node.js 24 and nothing else, with no network.

const ROOT_MANIFEST = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8"));

let packed: PackedPackage;
let machine: string;
let env: Record<string, string>;
let installed: string;
let install: Command;

beforeAll(() => {
  packed = packRepository();
  machine = mkdtempSync(join(tmpdir(), "sg-machine-"));
  mkdirSync(join(machine, "home"));
  env = bareMachineEnv(join(machine, "home"));
  installed = join(machine, "empty");
  mkdirSync(installed);
  install = execute("npm", ["install", "--offline", "--ignore-scripts", packed.tarball], {
    cwd: installed,
    env,
  });
}, 180_000);

afterAll(() => {
  packed?.dispose();
  if (machine) rmSync(machine, { recursive: true, force: true });
});

/** `npx @wasmcloud/status-gate <args>` in the folder it was installed in, offline. */
const npx = (args: string[]) =>
  execute("npx", ["--offline", "--no-install", ROOT_MANIFEST.name, ...args], {
    cwd: installed,
    env,
  });
/** The installed launcher, run from another folder (as a global install would be). */
const cli = (args: string[], cwd: string) =>
  execute(join(installed, "node_modules/.bin/status-gate"), args, { cwd, env });

describe("the npm package", () => {
  it("is named as the README says, public, with provenance, and not private", () => {
    expect(ROOT_MANIFEST.name).toBe("@wasmcloud/status-gate");
    expect(ROOT_MANIFEST.private).toBeUndefined();
    expect(ROOT_MANIFEST.publishConfig).toEqual({ access: "public", provenance: true });
    // npm checks a provenance statement's source repository against this field.
    expect(ROOT_MANIFEST.repository.url).toBe("git+https://github.com/wasmcloud/status-gate.git");
    const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
    expect(readme).toContain(`npx ${ROOT_MANIFEST.name} permissions .github/workflows`);
  });

  it("depends on nothing: dist/ carries every library it runs", () => {
    expect(
      ROOT_MANIFEST.dependencies,
      "dist/ bundles its libraries; a library the code imports is a devDependency",
    ).toBeUndefined();
    expect(ROOT_MANIFEST.optionalDependencies).toBeUndefined();
    expect(ROOT_MANIFEST.peerDependencies).toBeUndefined();
  });

  it("ships the launcher, dist/, the licences and the changelog, and no sources or tests", () => {
    const files = packed.manifest.files.map((file) => file.path);
    for (const required of [
      "package.json",
      "README.md",
      "LICENSE",
      "CHANGELOG.md",
      "bin/status-gate.js",
      "dist/cli.js",
      "dist/THIRD_PARTY_LICENSES.txt",
    ]) {
      expect(files).toContain(required);
    }
    expect(files.some((file) => file.startsWith("dist/chunks/"))).toBe(true);
    expect(files.filter((file) => !/^(bin|dist)\//.test(file)).sort()).toEqual([
      "CHANGELOG.md",
      "LICENSE",
      "README.md",
      "package.json",
    ]);
  });

  it("installs from the tarball into an empty folder with no network", () => {
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.status, install.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(join(installed, "package-lock.json"), "utf8"));
    // The package and nothing else: no dependency came along.
    expect(Object.keys(lock.packages).filter(Boolean)).toEqual([
      `node_modules/${ROOT_MANIFEST.name}`,
    ]);
  });

  it("prints its version, the one in package.json", () => {
    const run = npx(["--version"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(`status-gate ${ROOT_MANIFEST.version}\n`);
  });

  it.each(Object.keys(COMMANDS))("prints `%s --help`", (name) => {
    const run = npx([name, "--help"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: status-gate /m);
  });

  it("runs `npx @wasmcloud/status-gate permissions .github/workflows` from an empty folder", async () => {
    await using registry = await serveOnePackage(ROOT_MANIFEST, packed.tarball);
    const project = join(machine, "npx-user");
    mkdirSync(join(project, "home"), { recursive: true });
    cpSync(join(PROJECT_ROOT, ".github/workflows"), join(project, ".github/workflows"), {
      recursive: true,
    });
    const run = await executeAsync(
      "npx",
      ["--yes", ROOT_MANIFEST.name, "permissions", ".github/workflows"],
      // A fresh machine: its own HOME and npm cache.
      {
        cwd: project,
        env: { ...bareMachineEnv(join(project, "home")), npm_config_registry: `${registry.url}/` },
      },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\d+ workflow file\(s\) checked: 0 error\(s\)/m);
    // The package alone was fetched: nothing it depends on.
    expect(new Set(registry.requests)).toEqual(
      new Set([
        `GET /${ROOT_MANIFEST.name}`,
        `GET /${ROOT_MANIFEST.name}/-/${ROOT_MANIFEST.version}.tgz`,
      ]),
    );
  });

  it("checks a folder of workflows and fails on a job without permissions", () => {
    const project = join(machine, "project");
    cpSync(join(PROJECT_ROOT, ".github/workflows"), join(project, ".github/workflows"), {
      recursive: true,
    });
    const run = cli(["permissions", ".github/workflows"], project);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d+ workflow file\(s\) checked: 0 error\(s\)/m);
    writeFileSync(
      join(project, ".github/workflows/open.yml"),
      "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n",
    );
    const failing = cli(["permissions", ".github/workflows"], project);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain(".github/workflows/open.yml");
  });

  it("plans the gate of a git repository, reads benchmarks and renders a zizmor report", () => {
    using repo = new TestRepository();
    repo.commit({
      message: "base",
      files: {
        ".github/status-gate.yml": "rules:\n  - id: docs\n    check: docs\n    paths: [docs/**]\n",
      },
    });
    repo.commit({ message: "docs", files: { "docs/a.md": "a\n" } });
    const gate = cli(["gate", "plan", "--base", "HEAD~1", "--format", "json"], repo.path);
    expect(gate.stderr).toBe("");
    expect(JSON.parse(gate.stdout).required).toEqual([
      expect.objectContaining({ rule: "docs", reason: "docs/a.md matches docs/**" }),
    ]);

    const fixtures = join(PROJECT_ROOT, "test/bench/fixtures");
    const bench = cli(["bench", "parse", join(fixtures, "criterion"), "--format", "json"], machine);
    expect(bench.stderr).toBe("");
    expect(JSON.parse(bench.stdout).results.length).toBeGreaterThan(0);

    const report = join(PROJECT_ROOT, "test/zizmor/fixtures/json-v1.several-inputs.json");
    const zizmor = cli(
      ["zizmor", "report", report, "--fail-on", "never", "--format", "json"],
      machine,
    );
    expect(zizmor.stderr).toBe("");
    expect(zizmor.status).toBe(0);
  });

  // The machine's own Node.js is older than 24 where these tests run; elsewhere there is none to try.
  const OLD_NODE = "/usr/bin/node";
  const oldMajor = existsSync(OLD_NODE)
    ? Number(
        execute(OLD_NODE, ["-p", "process.versions.node.split('.')[0]"], { cwd: "/", env: {} })
          .stdout,
      )
    : 24;
  it.skipIf(oldMajor >= 24)("refuses Node.js older than 24 with a clear message", () => {
    const run = execute(OLD_NODE, [join(installed, "node_modules/.bin/status-gate"), "--version"], {
      cwd: installed,
      env,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^status-gate needs Node\.js 24 or later \(this is v\d+/);
  });
});
