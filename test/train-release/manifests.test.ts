import fc from "fast-check";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { parseTrainConfig } from "../../src/train-release/config.ts";
import {
  checkCargoLockChange,
  updateCargoLock,
  updateNpmLock,
} from "../../src/train-release/lock-files.ts";
import {
  setJsonString,
  setTomlString,
  setYamlString,
  updatePathDependencies,
} from "../../src/train-release/manifests.ts";

const workspaceToml = `# The wasmCloud workspace
[workspace]
members = ["crates/*"]

[workspace.package]
# bumped by the train
version = "2.0.3"   # keep this comment
edition = "2021"

[workspace.dependencies]
serde = { version = "1.0.200" }

[package]
name = "wasmcloud"
version.workspace = true
`;

const version = fc
  .tuple(fc.nat(99), fc.nat(99), fc.nat(99), fc.option(fc.nat(20), { nil: undefined }))
  .map(([a, b, c, rc]) => `${a}.${b}.${c}${rc === undefined ? "" : `-rc.${rc}`}`);

describe("manifests are edited in place (scenario 15)", () => {
  it("sets any version in TOML and YAML so it reads back, leaving every other line alone", () => {
    fc.assert(
      fc.property(version, (next) => {
        const toml = setTomlString(workspaceToml, "workspace.package.version", next);
        expect(
          (parseToml(toml).workspace as { package: { version: string } }).package.version,
        ).toBe(next);
        expect(
          toml.split("\n").filter((line, index) => line !== workspaceToml.split("\n")[index]),
        ).toHaveLength(1);
        const chart = `name: x\nversion: 1.0.0 # c\nappVersion: "1.0.0"\n`;
        const yaml = setYamlString(setYamlString(chart, "version", next), "appVersion", next);
        expect(yaml).toBe(`name: x\nversion: ${next} # c\nappVersion: "${next}"\n`);
      }),
    );
  });

  it("changes only the workspace version in TOML, keeping comments and layout", () => {
    const after = setTomlString(workspaceToml, "workspace.package.version", "2.1.0");
    expect(after).toBe(workspaceToml.replace('version = "2.0.3"', 'version = "2.1.0"'));
  });

  it("changes [package].version and not a dependency's version", () => {
    const crate = `[package]\nname = "x"\nversion = '0.3.0'\n\n[dependencies]\nversion = "9"\n`;
    expect(setTomlString(crate, "package.version", "0.4.0")).toBe(
      crate.replace("'0.3.0'", "'0.4.0'"),
    );
  });

  it("changes a Helm chart's version and appVersion keeping quotes and comments", () => {
    const chart = `apiVersion: v2\n# chart of the operator\nname: runtime-operator\nversion: 2.0.3 # chart\nappVersion: "2.0.3"\n`;
    let after = setYamlString(chart, "version", "2.1.0");
    after = setYamlString(after, "appVersion", "2.1.0");
    expect(after).toBe(
      `apiVersion: v2\n# chart of the operator\nname: runtime-operator\nversion: 2.1.0 # chart\nappVersion: "2.1.0"\n`,
    );
  });

  it("changes the top-level version of package.json and not a nested one", () => {
    const json = `{\n  "name": "a",\n  "config": { "version": "9.9.9" },\n    "version":"1.0.0",\n  "x": [1, "}"]\n}\n`;
    expect(setJsonString(json, ["version"], "1.1.0")).toBe(
      json.replace('"version":"1.0.0"', '"version":"1.1.0"'),
    );
  });

  it("edits any version string into valid JSON that reads back the same", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, version) => {
        const text = JSON.stringify({ name, nested: { version: "x" }, version: "0.0.0" }, null, 2);
        const after = JSON.parse(setJsonString(text, ["version"], version));
        expect(after).toEqual({ name, nested: { version: "x" }, version });
      }),
    );
  });
});

describe("path dependencies on bumped crates (scenario 15)", () => {
  const manifest = `[workspace.dependencies]
macros = { path = "crates/macros", version = "0.3.1" } # ours
wash-lib = { package = "wash", path = "crates/wash", version = "=2.0.3" }
runtime = { path = "crates/runtime", version = "2" }
serde = { version = "0.3.1" }
`;

  it("moves a requirement the new version no longer meets, keeping its operator", () => {
    const bumped = new Map([
      ["macros", "0.4.0"],
      ["wash", "2.1.0"],
      ["runtime", "2.1.0"],
      ["serde", "9.0.0"],
    ]);
    expect(updatePathDependencies(manifest, bumped)).toBe(
      manifest
        .replace('version = "0.3.1" } # ours', 'version = "0.4.0" } # ours')
        .replace('"=2.0.3"', '"=2.1.0"'),
    );
  });

  it("leaves requirements that still match", () => {
    expect(updatePathDependencies(manifest, new Map([["macros", "0.3.2"]]))).toBe(manifest);
  });
});

const lock = `version = 4

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "abc"

[[package]]
name = "wash"
version = "2.0.3"
dependencies = [
 "serde",
 "wasmcloud-core 2.0.3",
]

[[package]]
name = "wasmcloud-core"
version = "2.0.3"

[[package]]
name = "wasmcloud-core"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
`;

describe("Cargo.lock entries of bumped members (scenario 15)", () => {
  const bumped = new Map([
    ["wash", { from: "2.0.3", to: "2.1.0" }],
    ["wasmcloud-core", { from: "2.0.3", to: "2.1.0" }],
  ]);

  it("updates the bumped local entries and references to them, nothing else", () => {
    const after = updateCargoLock(lock, bumped);
    const packages = parseToml(after).package as Array<Record<string, unknown>>;
    expect(packages.map((p) => `${p.name} ${p.version}`)).toEqual([
      "serde 1.0.200",
      "wash 2.1.0",
      "wasmcloud-core 2.1.0",
      "wasmcloud-core 1.0.0",
    ]);
    expect(after).toContain('"wasmcloud-core 2.1.0"');
    expect(after.split("\n").length).toBe(lock.split("\n").length);
  });

  it("refuses a lock change outside the bumped members", () => {
    const sneaky = lock.replace('version = "1.0.200"', 'version = "1.0.201"');
    expect(() => checkCargoLockChange(lock, sneaky, bumped)).toThrow(
      /outside the bumped members.*serde 1\.0\.200/,
    );
    const added = `${lock}\n[[package]]\nname = "new"\nversion = "0.1.0"\n`;
    expect(() => checkCargoLockChange(lock, added, bumped)).toThrow(/number of locked packages/);
  });

  it("sets workspace member versions in package-lock.json", () => {
    const npmLock = JSON.stringify(
      {
        name: "root",
        version: "1.0.0",
        lockfileVersion: 3,
        packages: { "": { version: "1.0.0" }, "packages/a": { version: "0.2.0" } },
      },
      null,
      2,
    );
    const after = JSON.parse(
      updateNpmLock(npmLock, [{ memberPath: "packages/a", version: "0.3.0" }]),
    );
    expect(after.packages["packages/a"].version).toBe("0.3.0");
    expect(after.version).toBe("1.0.0");
  });
});

describe("the train configuration is validated with positions", () => {
  const parse = (text: string) => () => parseTrainConfig(".github/train.yml", text);

  it("needs only the schedule and fills in defaults", () => {
    const config = parseTrainConfig(
      ".github/train.yml",
      "schedule:\n  anchor: 2026-05-05\n  every: 2w\n",
    );
    expect(config).toMatchObject({
      schedule: { periodDays: 14, at: "16:00", timezone: "UTC", catchUpMs: 172_800_000 },
      mode: "tag",
      emptyTrain: "skip",
      releaseCandidates: "refuse",
      preOne: "cargo",
    });
  });

  it("accepts a catch-up window of an hour or more", () => {
    const config = parse("schedule:\n  anchor: 2026-05-05\n  every: 14d\n  catch-up: 1h\n")();
    expect(config.schedule.catchUpMs).toBe(3_600_000);
  });

  it.each([
    ["schedule:\n  anchor: 2026-02-30\n  every: 14d\n", /2:11: schedule.anchor: is '2026-02-30'/],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 10h\n",
      /3:10: schedule.every: is '10h'; .*whole days/,
    ],
    ["schedule:\n  anchor: 2026-05-05\n  every: 90s\n", /3:10: schedule.every: is '90s' \(1m30s\)/],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 99999999999d\n",
      /3:10: schedule.every: is '99999999999d', longer than ten years/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\n  timezone: Mars/Olympus\n",
      /4:13: schedule.timezone/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\nmode: push\n",
      /4:7: mode: is 'push'; valid values: "tag", "pull-request"/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\nfreeze:\n  - 2026-12-24..2026-12-01\n",
      /5:5: freeze: entry/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\n  cadence: 2\n",
      /4:3: schedule: unknown key 'cadence'/,
    ],
    ["mode: tag\n", /'schedule' is required/],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\n  catch-up: 0d\n",
      /4:13: schedule.catch-up: is '0d'; .*use at least 1h, such as 12h or 2d/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\n  catch-up: 90s\n",
      /4:13: schedule.catch-up: is '90s'; .*would call them missed/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\n  catch-up: -1d\n",
      /4:13: schedule.catch-up: is '-1d'; use a duration such as 90s, 15m/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\ncommit:\n  branch: 'release/{versoin}'\n",
      /5:11: commit.branch: is 'release\/\{versoin\}'; unknown placeholder \{versoin\}/,
    ],
    [
      "schedule:\n  anchor: 2026-05-05\n  every: 14d\ncomponents:\n  - path: .\n    extra-tags: ['v{major} x']\n",
      /6:18: components\[0\].extra-tags\[0\]: .*not a valid git ref name/,
    ],
  ])("rejects %j with an annotated error", (text, message) => {
    expect(parse(text)).toThrow(message);
    try {
      parse(text)();
    } catch (thrown) {
      expect((thrown as { position?: { file: string } }).position?.file).toBe(".github/train.yml");
    }
  });
});
