import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanup, runAction } from "../harness/runner.ts";
import { temporaryDirectory } from "./helpers.ts";

// The example's `report` job checks out the pull request's head (for the merge base) and holds
// OIDC and write tokens. Nothing the pull request ships may run there. rustup's `rustc` proxy
// reads `rust-toolchain.toml` from the current directory upward and, with `path = "..."`, runs
// that toolchain's rustc (rustup's documentation, "Overrides"). This double of the proxy does the
// same, so a version probe run inside the checkout would run the pull request's program.

const workspace = temporaryDirectory("sg-bench-pr-checkout-");
const tools = temporaryDirectory("sg-bench-rustup-");
const storage = temporaryDirectory("sg-bench-trusted-store-");
afterAll(() => {
  workspace[Symbol.dispose]();
  tools[Symbol.dispose]();
  storage[Symbol.dispose]();
});

const RUSTUP_PROXY = `#!/bin/sh
dir=$(pwd)
while :; do
  if [ -f "$dir/rust-toolchain.toml" ]; then
    toolchain=$(sed -n 's/^path *= *"\\(.*\\)"/\\1/p' "$dir/rust-toolchain.toml")
    if [ -n "$toolchain" ]; then
      case "$toolchain" in /*) ;; *) toolchain="$dir/$toolchain" ;; esac
      exec "$toolchain/bin/rustc" "$@"
    fi
    break
  fi
  [ "$dir" = / ] && break
  dir=$(dirname "$dir")
done
echo "rustc 1.85.0 (4d91de4e4 2025-02-17)"
`;

describe("the trusted job runs nothing from the pull request's checkout", () => {
  it("probes rustc outside the checkout, so its rust-toolchain.toml cannot pick the program", async () => {
    mkdirSync(join(tools.path, "bin"));
    writeFileSync(join(tools.path, "bin/rustc"), RUSTUP_PROXY);
    chmodSync(join(tools.path, "bin/rustc"), 0o755);
    // What the pull request ships: a toolchain file naming its own "toolchain".
    const pwned = join(workspace.path, "pwned");
    writeFileSync(join(workspace.path, "rust-toolchain.toml"), '[toolchain]\npath = "evil"\n');
    mkdirSync(join(workspace.path, "evil/bin"), { recursive: true });
    writeFileSync(
      join(workspace.path, "evil/bin/rustc"),
      `#!/bin/sh\ntouch "${pwned}"\necho "rustc 0.0.0-evil"\n`,
    );
    chmodSync(join(workspace.path, "evil/bin/rustc"), 0o755);
    writeFileSync(
      join(workspace.path, "sizes.json"),
      JSON.stringify([{ name: "binary", value: 1, unit: "bytes" }]),
    );
    const store = storage.path;
    const run = await runAction({
      action: "actions/bench",
      workspace: workspace.path,
      sha: "a".repeat(40),
      ref: "refs/heads/main",
      env: { PATH: `${join(tools.path, "bin")}:${process.env.PATH ?? ""}` },
      event: { name: "push", payload: { repository: { default_branch: "main" } } },
      inputs: { results: "sizes.json", storage: store },
    });
    cleanup(run);
    expect(run.exitCode, run.stdout).toBe(0);
    expect(existsSync(pwned)).toBe(false);
    const stored = JSON.parse(readFileSync(join(store, run.outputs["run-key"] as string), "utf8"));
    expect(stored.run.tools.rustc).toBe("rustc 1.85.0 (4d91de4e4 2025-02-17)");
  });
});
