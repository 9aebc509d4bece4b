import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { TestRepository } from "../harness/git.ts";
import { runCli } from "../harness/runner.ts";
import { readExample, repositoryWithExample } from "./example.ts";
import { oldGateIntentions, oldRequired } from "./old-gates.ts";

// Issue 19, how it is judged: for the same diffs, the migrated rules require the same checks as
// wasmCloud's old gates intended (derived from the corpus's path filters and `needs` in
// old-gates.ts), without their fail-open paths. The new side is `status-gate gate plan` on a
// repository holding examples/wasmcloud/.github, as a maintainer would run it.

/** Jobs renamed by the migration: the old job's place is taken by the new one. */
const RENAMED: Record<string, string> = {
  ".github/workflows/lint-workflows.yml zizmor": ".github/workflows/lint-workflows.yml harden",
};

const rules = (
  parse(readExample("status-gate.yml")) as {
    rules: { id: string; job: string; workflow: string }[];
  }
).rules;
const ruleJob = new Map(rules.map((rule) => [rule.id, `${rule.workflow} ${rule.job}`]));

let repo: TestRepository;
beforeAll(() => {
  repo = repositoryWithExample();
});
afterAll(() => repo?.[Symbol.dispose]());

/** `workflow job` of every rule `gate plan` requires for a pull request changing `files`. */
async function newRequired(
  files: readonly string[],
  options: { labels?: string[]; event?: string } = {},
): Promise<string[]> {
  repo.git("checkout", "--quiet", "-B", "change", "main");
  repo.commit({
    message: "a change",
    files: Object.fromEntries(files.map((file) => [file, `changed ${Math.random()}\n`])),
  });
  const labels = (options.labels ?? []).flatMap((label) => ["--label", label]);
  const run = await runCli(
    [
      "gate",
      "plan",
      "--base",
      "main",
      "--event",
      options.event ?? "pull_request",
      ...labels,
      "--format",
      "json",
    ],
    { cwd: repo.path },
  );
  repo.git("checkout", "--quiet", "main");
  expect(run.exitCode, run.stderr).toBe(0);
  const plan = JSON.parse(run.stdout) as { required: { rule: string }[] };
  return [...new Set(plan.required.map(({ rule }) => ruleJob.get(rule) as string))].sort();
}

/**
 * The old gates' intention as the migration keeps it: renamed jobs under their new names, and the
 * examples and templates `matrix` jobs (the build plan and the ITEMS coverage check) only where
 * their build applies, since nothing else changes what they decide (they ran on every pull
 * request before).
 */
function migrated(pairs: string[]): string[] {
  const renamed = pairs.map((pair) => RENAMED[pair] ?? pair);
  return renamed
    .filter(
      (pair) => !pair.endsWith(" matrix") || renamed.includes(pair.replace(/ matrix$/, " build")),
    )
    .sort();
}

/** Representative pull requests of wasmCloud: one area each, and a few that cross areas. */
const DIFFS: Record<string, string[]> = {
  "wash only": ["crates/wash/src/cli/mod.rs"],
  "wash-runtime's generated protobuf bindings": [
    "crates/wash-runtime/src/washlet/generated/wasmcloud.runtime.v2.rs",
  ],
  "the workspace lock file": ["Cargo.lock"],
  "an example crate's manifest": ["examples/qrcode/Cargo.toml"],
  "the Helm chart": ["charts/runtime-operator/values.yaml"],
  "the operator's CRDs": ["runtime-operator/config/crd/bases/runtime.wasmcloud.dev_hosts.yaml"],
  "the operator's Go code": ["runtime-operator/internal/controller/host.go"],
  "the operator's e2e suite": ["runtime-operator/test/e2e/e2e_test.go"],
  "the gateway": ["runtime-gateway/main.go"],
  "go.work": ["go.work"],
  "a proto file": ["proto/wasmcloud/runtime/v2/host.proto"],
  "the xtask": ["xtask/src/main.rs"],
  "the pinned tool versions": [".github/tool-versions.env"],
  "a WIT package": ["wit/keyvalue/wit/world.wit"],
  "the install scripts": ["install.sh"],
  "one example": ["examples/blobby/src/lib.rs"],
  "the grpc example's client": ["examples/grpc-hello-world/component-client/src/main.rs"],
  "one template": ["templates/http-client/src/lib.rs"],
  "the kind config": ["deploy/kind/kind-config.yaml"],
  "the top Makefile": ["Makefile"],
  "documentation only": ["README.md", "docs/architecture.md"],
  "rust-toolchain.toml": ["rust-toolchain.toml"],
  "wash and the chart together": [
    "crates/wash-runtime/src/lib.rs",
    "charts/runtime-operator/Chart.yaml",
  ],
};

describe("required checks, old gates against the migrated rules", () => {
  it("the old gates' intentions cover every job of their needs", () => {
    // 11 gate jobs wait for 36 jobs; wit's gate also waits for its `changes` filter, the rest
    // for what their filters decide.
    expect(oldGateIntentions()).toHaveLength(35);
  });

  it.each(Object.entries(DIFFS))("a pull request changing %s", async (_, files) => {
    expect(await newRequired(files)).toEqual(migrated(oldRequired(files)));
  });

  it("a pull request that touches nothing the filters name requires nothing", async () => {
    const old = oldRequired(["LICENSE"]);
    // Before, the examples and templates matrices ran on every pull request.
    expect(old).toEqual([
      ".github/workflows/examples.yml matrix",
      ".github/workflows/templates.yml matrix",
    ]);
    expect(await newRequired(["LICENSE"])).toEqual([]);
  });

  it("the canary label requires what the old label conditions ran, and now the jobs the canaries need", async () => {
    const labelled = await newRequired(["README.md"], { labels: ["canary"] });
    const old = migrated(oldRequired(["README.md"], ["canary"]));
    expect(old).toEqual(
      expect.arrayContaining([
        ".github/workflows/runtime-operator.yml lint",
        ".github/workflows/runtime-operator.yml test-e2e",
      ]),
    );
    // Deliberately more: the gateway's and the chart's canaries need these to pass, and a
    // labelled pull request publishes them (before, it silently skipped the canaries).
    expect(labelled).toEqual(
      [
        ...old,
        ".github/workflows/charts.yml canary",
        ".github/workflows/charts.yml test",
        ".github/workflows/runtime-gateway.yml canary",
        ".github/workflows/runtime-gateway.yml lint",
        ".github/workflows/runtime-gateway.yml test",
        ".github/workflows/runtime-operator.yml canary",
      ].sort(),
    );
  });

  it("the examples and templates labels build every example or template", async () => {
    for (const [label, workflow] of [
      ["examples-canary", ".github/workflows/examples.yml build"],
      ["templates-canary", ".github/workflows/templates.yml build"],
    ] as const) {
      const required = await newRequired(["README.md"], { labels: [label] });
      expect(required).toEqual(migrated(oldRequired(["README.md"], [label])));
      expect(required).toContain(workflow);
    }
  });

  it("a workflow edit requires every rule, more than the old filter of that one workflow", async () => {
    const files = [".github/workflows/wash.yml"];
    const old = migrated(oldRequired(files));
    expect(old).toContain(".github/workflows/wash.yml canary-binaries");
    const now = await newRequired(files);
    // Any workflow or local action decides what every check does, so every rule applies.
    expect(now).toEqual(expect.arrayContaining(old));
    expect(now).toContain(".github/workflows/proto.yml check-generated-rust");
    expect(now).not.toContain(".github/workflows/wash.yml canary-publish"); // push only
  });

  it("in the merge queue the same diff requires the same checks as on its pull request", async () => {
    for (const files of Object.values(DIFFS)) {
      expect(await newRequired(files, { event: "merge_group" })).toEqual(await newRequired(files));
    }
  });

  it("on a push to main every canary is required, whatever the push changed", async () => {
    const required = await newRequired(["README.md"], { event: "push" });
    expect(required).toEqual(
      [
        ".github/workflows/charts.yml canary",
        ".github/workflows/examples.yml publish",
        ".github/workflows/runtime-gateway.yml canary",
        ".github/workflows/runtime-operator.yml canary",
        ".github/workflows/wash.yml canary-binaries",
        ".github/workflows/wash.yml canary-publish",
        ".github/workflows/wash.yml wash-image-amd64",
      ].sort(),
    );
  });
});
