import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { executedCommands, HOSTILE, IN_ACTIONS } from "../harness/inert.ts";
import { runCli } from "../harness/runner.ts";

// Every flag of `status-gate attest` that reaches a message, given text the runner would execute.

const DIR = join(import.meta.dirname, "fixtures/real/cli-cli");
const ROOT = join(DIR, "trusted_root.json");
const at = (name: string) => join(DIR, name);

describe("status-gate attest inside GitHub Actions", () => {
  it("runs no workflow command from hostile input inside Actions", async () => {
    for (const args of [
      ["verify", "--repo", "a/b", "--subjects", HOSTILE],
      ["verify", "--repo", "a/b", "--file", HOSTILE],
      ["verify", "--repo", HOSTILE, "--file", at("custom-issuer-artifact")],
      [
        "verify",
        "--repo",
        "a/b",
        "--digest",
        HOSTILE,
        "--bundle",
        at("custom-issuer.sigstore.json"),
      ],
      ["verify", "--repo", "a/b", "--workflow", HOSTILE, "--file", at("custom-issuer-artifact")],
      ["push", "--subject-path", HOSTILE],
      [
        "verify",
        "--repo",
        "a/b",
        "--format",
        "json",
        "--bundle",
        HOSTILE,
        "--digest",
        `sha256:${"a".repeat(64)}`,
      ],
    ]) {
      const result = await runCli(["attest", ...args, "--trusted-root", ROOT], { env: IN_ACTIONS });
      expect(result.exitCode).toBeGreaterThan(0);
      expect(executedCommands(result)).toEqual([]);
    }
  });
});
