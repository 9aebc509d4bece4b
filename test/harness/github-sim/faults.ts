export type FaultKind =
  | "server-error"
  | "secondary-rate-limit"
  | "connection-reset"
  | "latency"
  | "short-page";

export interface FaultSpec {
  /** `"GET /repos/{owner}/{repo}/commits/{ref}/check-runs"`, an operation id, or `"POST /graphql"`. */
  route: string;
  kind: FaultKind;
  /** How many matching requests it hits before it disarms (default 1; `Infinity` for always). */
  times?: number;
  /** For `server-error` (default 502). */
  status?: number;
  /** For `secondary-rate-limit` (default 1). */
  retryAfterSeconds?: number;
  /** For `latency`: the request is answered normally after this delay (default 1000). */
  latencyMs?: number;
  /**
   * For `short-page`: a list answered with this many fewer items than the page holds (default 1)
   * while `total_count` still counts them, as GitHub answers when it filters a page after cutting
   * it (`filter=latest` check runs): a short page that is not the last.
   */
  drop?: number;
}

export interface InjectedFault {
  readonly spec: Readonly<FaultSpec>;
  /** Requests it has hit so far. */
  readonly hits: number;
  readonly remaining: number;
  remove(): void;
}

interface ArmedFault extends InjectedFault {
  hits: number;
  remaining: number;
  /** The route as the server names it, whichever form the test used. */
  routeKey: string;
}

/**
 * Faults armed per route. A request takes at most one fault, the oldest armed for its route,
 * so "fail twice, then succeed" is `times: 2`.
 */
export class FaultInjector {
  private readonly armed: ArmedFault[] = [];
  private readonly resolveRoute: (route: string) => string;

  /** @param resolveRoute names a route canonically, or throws for one the simulator lacks. */
  constructor(resolveRoute: (route: string) => string) {
    this.resolveRoute = resolveRoute;
  }

  inject(spec: FaultSpec): InjectedFault {
    const routeKey = this.resolveRoute(spec.route);
    const fault: ArmedFault = {
      spec: { ...spec },
      routeKey,
      hits: 0,
      remaining: spec.times ?? 1,
      remove: () => {
        const index = this.armed.indexOf(fault);
        if (index >= 0) this.armed.splice(index, 1);
      },
    };
    this.armed.push(fault);
    return fault;
  }

  /** The fault this request suffers, if any; counts the hit. */
  take(routeKey: string): Readonly<FaultSpec> | undefined {
    const fault = this.armed.find((candidate) => candidate.routeKey === routeKey);
    if (!fault) return undefined;
    fault.hits += 1;
    fault.remaining -= 1;
    if (fault.remaining <= 0) fault.remove();
    return fault.spec;
  }

  clear(): void {
    this.armed.length = 0;
  }
}

/** GitHub's body for a secondary rate limit; Octokit's throttling plugin matches its wording. */
export function secondaryRateLimitBody(requestId: string): Record<string, string> {
  return {
    message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    documentation_url:
      "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    status: "403",
  };
}
