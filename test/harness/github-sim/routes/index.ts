import type { OperationId } from "../operations.ts";
import { actionsRoutes } from "./actions.ts";
import { attestationRoutes } from "./attestations.ts";
import { checkRoutes } from "./checks.ts";
import { commitCommentRoutes } from "./commit-comments.ts";
import { commitRoutes } from "./commits.ts";
import { contentRoutes } from "./contents.ts";
import { gitRoutes } from "./git.ts";
import { issueRoutes } from "./issues.ts";
import { metaRoutes } from "./meta.ts";
import { pullRoutes } from "./pulls.ts";
import { releaseRoutes } from "./releases.ts";
import type { RouteHandler } from "./route-kit.ts";
import { statusRoutes } from "./statuses.ts";

/** One handler per served operation; the type fails to compile when one is missing. */
export const ROUTE_HANDLERS: Record<OperationId, RouteHandler> = {
  ...metaRoutes,
  ...gitRoutes,
  ...commitRoutes,
  ...contentRoutes,
  ...pullRoutes,
  ...checkRoutes,
  ...statusRoutes,
  ...actionsRoutes,
  ...releaseRoutes,
  ...issueRoutes,
  ...attestationRoutes,
  ...commitCommentRoutes,
};
