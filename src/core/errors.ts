/** Where in a user's file a problem sits (1-based line and column). */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/**
 * A mistake the user can fix (an input, a config file, a missing checkout). Reported without a
 * stack trace; anything else that is thrown is a bug and is reported with one.
 */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
  readonly position: SourcePosition | undefined;

  constructor(message: string, position?: SourcePosition) {
    super(message);
    this.position = position;
  }
}

export function isConfigurationError(error: unknown): error is ConfigurationError {
  return error instanceof ConfigurationError;
}

/** A message for anything thrown, including strings, objects and `undefined`. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  if (typeof thrown === "string") return thrown;
  const message = (thrown as { message?: unknown } | null | undefined)?.message;
  if (typeof message === "string" && message) return message;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}
