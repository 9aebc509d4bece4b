import { parseInterleavedCommands, type WorkflowCommand } from "./workflow-commands.ts";

/**
 * Text that runs as workflow commands if printed raw into a step's log: the `::` form at a line
 * start (after white space, U+0085 included), the legacy `##[` form anywhere, a mask that would
 * hide the log, an output that would be set, and a bidi override that reorders what people read.
 */
export const HOSTILE = [
  "x",
  "::error file=a.yml,line=1::injected error",
  "  ::add-mask::hidden",
  "\u0085::set-output name=result::success",
  "text ##[warning]legacy warning",
  "::stop-commands::attacker",
  "::endgroup::",
  "\u202Eevil\u202C",
].join("\n");

/**
 * Commands the runner would execute from a CLI run's standard output and error, which it
 * processes together in an order of its own: every command some interleaving of their lines runs
 * (each stream read alone is one of them).
 */
export function executedCommands(output: { stdout: string; stderr: string }): WorkflowCommand[] {
  return parseInterleavedCommands(output.stdout, output.stderr);
}

/** The environment of a CLI run inside a GitHub Actions step. */
export const IN_ACTIONS = { GITHUB_ACTIONS: "true" } as const;
