import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { createRepository, type TestRepository } from "../harness/git.ts";
import { cargoLock, crateToml } from "../train-release/repos.ts";
import type { TrainWorld } from "../train-release/world.ts";
import { EXAMPLE } from "./example.ts";

/** The released version of wasmCloud's workspace in these tests. */
export const RELEASED = "2.0.3";

const member = (name: string) =>
  `[package]\nname = "${name}"\nversion.workspace = true\nedition.workspace = true\n`;

/**
 * wasmCloud's tree in small: a Cargo workspace whose members share one version (wash,
 * wash-runtime: the `wasmcloud` group), a standalone crate with its own version, Criterion benches,
 * examples with their own lock files (one an example workspace), a template, the Helm chart, the
 * Go modules, proto, WIT and the install scripts.
 */
export const TREE: Record<string, string> = {
  "Cargo.toml": `[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[workspace.package]\nversion = "${RELEASED}" # the train bumps this\nedition = "2024"\n`,
  "Cargo.lock": cargoLock([
    ["wash", RELEASED, ["wash-runtime"]],
    ["wash-runtime", RELEASED],
    ["wasmcloud-macros", "0.3.1"],
  ]),
  "rust-toolchain.toml": '[toolchain]\nchannel = "1.90"\n',
  "crates/wash/Cargo.toml": member("wash"),
  "crates/wash/src/main.rs": "fn main() {}\n",
  "crates/wash-runtime/Cargo.toml": `${member("wash-runtime")}\n[[bench]]\nname = "http_invoke"\nharness = false\n\n[dev-dependencies]\ncriterion = "0.5"\n`,
  "crates/wash-runtime/src/lib.rs": "pub fn invoke() {}\n",
  "crates/wash-runtime/benches/http_invoke.rs":
    'use criterion::{criterion_group, criterion_main, Criterion};\nfn bench(c: &mut Criterion) { c.bench_function("http_invoke", |b| b.iter(wash_runtime::invoke)); }\ncriterion_group!(benches, bench);\ncriterion_main!(benches);\n',
  "crates/wasmcloud-macros/Cargo.toml": crateToml("wasmcloud-macros", "0.3.1"),
  "crates/wasmcloud-macros/src/lib.rs": "",
  "charts/runtime-operator/Chart.yaml": `apiVersion: v2\nname: runtime-operator\nversion: ${RELEASED}\nappVersion: "${RELEASED}"\n`,
  "charts/runtime-operator/values.yaml": "replicas: 1\n",
  "examples/blobby/Cargo.toml": crateToml("blobby", "0.1.0"),
  "examples/blobby/Cargo.lock": cargoLock([["blobby", "0.1.0"]]),
  "examples/blobby/src/lib.rs": "",
  "examples/grpc-hello-world/Cargo.toml":
    '[workspace]\nmembers = ["component-client", "component-server"]\nresolver = "2"\n',
  "examples/grpc-hello-world/Cargo.lock": cargoLock([
    ["component-client", "0.1.0"],
    ["component-server", "0.1.0"],
  ]),
  "examples/grpc-hello-world/component-client/Cargo.toml": crateToml("component-client", "0.1.0"),
  "examples/grpc-hello-world/component-client/src/lib.rs": "",
  "examples/grpc-hello-world/component-server/Cargo.toml": crateToml("component-server", "0.1.0"),
  "examples/grpc-hello-world/component-server/src/lib.rs": "",
  "templates/http-hello-world/Cargo.toml": crateToml("http-hello-world", "0.1.0"),
  "templates/http-hello-world/Cargo.lock": cargoLock([["http-hello-world", "0.1.0"]]),
  "templates/http-hello-world/src/lib.rs": "",
  "runtime-operator/go.mod": "module go.wasmcloud.dev/runtime-operator\n\ngo 1.26\n",
  "runtime-gateway/go.mod": "module go.wasmcloud.dev/runtime-gateway\n\ngo 1.26\n",
  "proto/wasmcloud/runtime/v2/host.proto": 'syntax = "proto3";\n',
  "wit/keyvalue/wit/world.wit": "package wasmcloud:keyvalue@0.1.0;\n",
  "install.sh": "#!/bin/sh\n",
  "README.md": "# wasmCloud\n",
};

/** The example's `.github` as files, each passed through `patch` (a test's edge settings). */
function exampleFiles(patch: (path: string, text: string) => string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const inRepo = join(".github", relative(EXAMPLE, path));
        files[inRepo] = patch(inRepo, readFileSync(path, "utf8"));
      }
    }
  };
  walk(EXAMPLE);
  return files;
}

/**
 * A wasmCloud-shaped repository that copied examples/wasmcloud/.github, released as v2.0.3 on
 * 2026-11-01 (with `patch` applied to the copied files), then a feature in wash and a fix in
 * wash-runtime before the 2026-12-01 train.
 */
export function wasmcloudShaped(
  patch: (path: string, text: string) => string = (_, text) => text,
): TestRepository {
  const repo = createRepository();
  repo.commit({
    message: "chore: wasmCloud with status-gate",
    date: "2026-11-01T10:00:00Z",
    files: { ...TREE, ...exampleFiles(patch) },
  });
  repo.tag(`v${RELEASED}`, "HEAD", `Release v${RELEASED}`);
  repo.tag("wasmcloud-macros-v0.3.1", "HEAD", "Release wasmcloud-macros-v0.3.1");
  repo.commit({
    message: "feat(wash): plugins (#5101)",
    files: { "crates/wash/src/main.rs": "fn main() { plugins(); }\nfn plugins() {}\n" },
    date: "2026-11-20T10:00:00Z",
  });
  repo.commit({
    message: "fix(wash-runtime): close bodies (#5102)",
    files: { "crates/wash-runtime/src/lib.rs": "pub fn invoke() { /* closed */ }\n" },
    date: "2026-11-21T10:00:00Z",
  });
  return repo;
}

/**
 * A pull request of wasmcloud/wasmcloud from `branch` (one commit changing `files`, pushed to
 * origin) into main, and its `pull_request` event (`synchronize`) as GitHub sends it.
 */
export async function openPullRequest(
  w: TrainWorld,
  options: { branch: string; number: number; files: Record<string, string>; message: string },
) {
  const { branch, number } = options;
  w.repo.checkout("main");
  w.repo.checkout(branch, { create: true });
  const head = w.repo.commit({ message: options.message, files: options.files });
  await w.push(branch);
  w.repo.checkout("main");
  const base = w.repo.git("rev-parse", "main");
  const pull = w.github.addPullRequest({ head: branch, base: "main", number });
  const payload = {
    action: "synchronize",
    number,
    pull_request: {
      number,
      head: { sha: head, ref: branch, repo: { fork: false } },
      base: { sha: base, ref: "main" },
      labels: [],
      updated_at: pull.updatedAt,
    },
    repository: { default_branch: "main", full_name: "wasmcloud/wasmcloud" },
  };
  return { head, base, event: { name: "pull_request", payload } };
}

/** Writes `text` over a file of the repository's working tree. */
export function overwrite(repo: TestRepository, path: string, text: string): void {
  writeFileSync(join(repo.path, path), text);
}

export { cpSync };
