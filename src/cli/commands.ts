import type { CliCommand } from "./command.ts";

/**
 * Every subcommand, loaded only when it is called so that `status-gate gate ...` never pays for
 * the S3 client or Sigstore. Each action's issue adds its line here.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {};
