import type { OperationId } from "../operations.ts";
import type { RateLimitResource } from "../rate-limit.ts";
import { fullRepositoryShape } from "../shapes/common.ts";
import { type RouteContext, type RouteHandler, repositoryOf } from "./route-kit.ts";

function budget(context: RouteContext, resource: RateLimitResource) {
  const { limit, remaining, reset, used } = context.rateLimits.snapshot(resource);
  return { limit, remaining, reset, used };
}

export const metaRoutes = {
  /** Free, as on GitHub: asking for the rate limit does not spend it. */
  "rate-limit/get": (context) => {
    const core = budget(context, "core");
    const untouched = { limit: 30, remaining: 30, reset: core.reset, used: 0 };
    return {
      status: 200,
      body: {
        resources: {
          core,
          graphql: budget(context, "graphql"),
          search: untouched,
          code_search: { ...untouched, limit: 10, remaining: 10 },
          integration_manifest: { ...untouched, limit: 5000, remaining: 5000 },
        },
        rate: core,
      },
    };
  },

  "repos/get": (context) => ({
    status: 200,
    body: fullRepositoryShape(context.links, repositoryOf(context)),
  }),
} satisfies Partial<Record<OperationId, RouteHandler>>;
