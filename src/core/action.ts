import * as core from "@actions/core";
import { ConfigurationError, describeThrown } from "./errors.ts";
import { annotate, info } from "./log.ts";

/**
 * The one top-level catch of every action entry. Anything thrown, not only an `Error`, fails
 * the step as `<action>: <message>`. A configuration error is the user's to fix: it is annotated at
 * its file position when it has one and prints no stack. Anything else is a bug and prints one.
 */
export async function runAction(actionName: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (thrown) {
    reportFailure(actionName, thrown);
  }
}

export function reportFailure(actionName: string, thrown: unknown): void {
  const message = `${actionName}: ${describeThrown(thrown)}`;
  if (thrown instanceof ConfigurationError) {
    if (thrown.position) {
      annotate({
        level: "error",
        title: `${actionName} configuration`,
        message,
        ...thrown.position,
      });
      process.exitCode = 1;
      return;
    }
    core.setFailed(message);
    return;
  }
  if (thrown instanceof Error && thrown.stack) info(thrown.stack);
  core.setFailed(message);
}
