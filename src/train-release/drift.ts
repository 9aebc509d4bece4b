import type { TrainConfig } from "./config.ts";
import type { HistoryReader, ReleasePlan } from "./plan.ts";
import { planRelease } from "./plan.ts";

export interface Drift {
  name: string;
  path: string;
  /** The manifest that still carries the released version. */
  manifest: string;
  released: string;
  commits: number;
  /** What the next train will release. */
  next: string;
}

/**
 * On a pull request: components that changed (releasably) since their last published version
 * without a version bump. The train will release them, but a reviewer sees it now, so an example
 * is never left unpublished silently.
 */
export async function findDrift(
  history: HistoryReader,
  config: TrainConfig,
  head: string,
): Promise<{ plan: ReleasePlan; drift: Drift[] }> {
  const plan = await planRelease(history, config, head);
  const drift = plan.departing
    .filter((item) => item.previous !== undefined && item.how !== "manual" && item.how !== "exact")
    .map((item) => ({
      name: item.name,
      path: item.path || ".",
      manifest: item.component.fields[0]?.path ?? item.path,
      released: item.previous as string,
      commits: item.commits.filter((commit) => commit.bump !== "none").length,
      next: item.version,
    }));
  return { plan, drift };
}
