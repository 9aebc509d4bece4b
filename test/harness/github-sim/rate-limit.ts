/** GitHub counts REST ("core") and GraphQL requests against separate budgets. */
export type RateLimitResource = "core" | "graphql";

export interface RateLimitOptions {
  /** Requests per window; a `GITHUB_TOKEN` gets 1000 per hour per repository. */
  limit?: number;
  windowSeconds?: number;
}

export interface RateLimitSnapshot {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds when the window ends. */
  reset: number;
  resource: RateLimitResource;
}

interface Window {
  used: number;
  resetAt: number;
}

/** The primary rate limit: a fixed window that starts with the first request. */
export class RateLimiter {
  readonly limit: number;
  private readonly windowSeconds: number;
  private readonly windows = new Map<RateLimitResource, Window>();
  private readonly nowMs: () => number;

  constructor(options: RateLimitOptions = {}, nowMs: () => number = Date.now) {
    this.nowMs = nowMs;
    this.limit = options.limit ?? 1000;
    this.windowSeconds = options.windowSeconds ?? 3600;
  }

  snapshot(resource: RateLimitResource): RateLimitSnapshot {
    const window = this.window(resource);
    return {
      limit: this.limit,
      remaining: Math.max(0, this.limit - window.used),
      used: window.used,
      reset: window.resetAt,
      resource,
    };
  }

  isExhausted(resource: RateLimitResource): boolean {
    return this.snapshot(resource).remaining === 0;
  }

  consume(resource: RateLimitResource): void {
    this.window(resource).used += 1;
  }

  /** For tests that start near the limit: sets what is left in the current window. */
  setRemaining(resource: RateLimitResource, remaining: number): void {
    this.window(resource).used = Math.max(0, this.limit - remaining);
  }

  /** Ends the current window now, as if the reset time had passed. */
  reset(resource?: RateLimitResource): void {
    if (resource) this.windows.delete(resource);
    else this.windows.clear();
  }

  headers(resource: RateLimitResource): Record<string, string> {
    const snapshot = this.snapshot(resource);
    return {
      "x-ratelimit-limit": String(snapshot.limit),
      "x-ratelimit-remaining": String(snapshot.remaining),
      "x-ratelimit-reset": String(snapshot.reset),
      "x-ratelimit-used": String(snapshot.used),
      "x-ratelimit-resource": resource,
    };
  }

  private window(resource: RateLimitResource): Window {
    const nowSeconds = Math.floor(this.nowMs() / 1000);
    let window = this.windows.get(resource);
    if (!window || nowSeconds >= window.resetAt) {
      window = { used: 0, resetAt: nowSeconds + this.windowSeconds };
      this.windows.set(resource, window);
    }
    return window;
  }
}
