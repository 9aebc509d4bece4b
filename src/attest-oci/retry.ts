import { formatDuration } from "../core/duration.ts";

/** How a registry answer that may pass is retried: 5xx and 429, with backoff. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait; each further wait doubles (a `Retry-After` up to 30 s wins). */
  delayMs: number;
  /**
   * How long one request may take, its body included, before it is abandoned (and, when no
   * answer came at all, sent again): a stalled registry fails the step instead of holding it.
   */
  timeoutMs: number;
}

export const RETRY: RetryPolicy = { attempts: 4, delayMs: 500, timeoutMs: 60_000 };
const RETRIED = (status: number) => status === 429 || (status >= 500 && status <= 599);

function retryAfter(response: Response): number | undefined {
  const value = response.headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 30_000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(date - Date.now(), 0), 30_000);
}

/** A request the registry never answered: the connection failed or was closed first. */
export class Unreachable extends Error {}

/** Whether a fetch ended because its `AbortSignal.timeout` fired. */
export function timedOut(thrown: unknown): boolean {
  return (thrown as { name?: string }).name === "TimeoutError";
}

/**
 * Sends again after a 5xx or 429 answer (the registry's or its token service's), a connection
 * closed before any answer, or no answer within the timeout, with backoff; the last answer
 * stands. `what` names the request when it never got an answer.
 */
export async function withRetries(
  policy: RetryPolicy,
  registry: string,
  what: string,
  attempt: () => Promise<Response>,
  onRetry: () => void,
): Promise<Response> {
  for (let count = 1; ; count++) {
    const response = await attempt().catch((thrown: unknown) => {
      if (!timedOut(thrown) && !(thrown instanceof Unreachable)) throw thrown;
      if (count < policy.attempts) return undefined;
      if (thrown instanceof Unreachable) {
        throw new Error(`${thrown.message} for ${what} (${count} attempts)`);
      }
      throw new Error(
        `registry ${registry} did not answer ${what} within ${formatDuration(policy.timeoutMs)} (${count} attempts)`,
      );
    });
    if (response && (!RETRIED(response.status) || count >= policy.attempts)) return response;
    const wait = (response && retryAfter(response)) ?? policy.delayMs * 2 ** (count - 1);
    await response?.body?.cancel();
    onRetry();
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
