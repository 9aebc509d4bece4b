import type { CliCommand } from "./command.ts";

/**
 * Every subcommand, loaded only when it is called so that `status-gate gate ...` never pays for
 * the S3 client or Sigstore. Each action's issue adds its line here.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  permissions: {
    summary: "check (and fix) GITHUB_TOKEN permissions in workflows",
    load: () => import("../permissions/cli.ts").then((m) => m.command),
  },
  bench: {
    summary: "read, compare and store benchmark results; build the dashboard",
    load: () => import("../bench/cli.ts").then((m) => m.command),
  },
  gate: {
    summary: "which rules a local diff requires; check the rules (doctor), write them (init)",
    load: () => import("../gate/cli.ts").then((m) => m.command),
  },
  zizmor: {
    summary: "run a verified zizmor, or render a zizmor JSON report, with a severity gate",
    load: () => import("../zizmor/cli.ts").then((m) => m.command),
  },
  harden: {
    summary: "the permissions enforcer and a verified zizmor in one run, with one verdict",
    load: () => import("../harden/cli.ts").then((m) => m.command),
  },
  train: {
    summary: "plan the release train (due slot, next versions) from local history",
    load: () => import("../train-release/cli.ts").then((m) => m.command),
  },
  attest: {
    summary: "attest OCI images and wasm components, or verify their attestations",
    load: () => import("../attest-oci/cli.ts").then((m) => m.command),
  },
};
