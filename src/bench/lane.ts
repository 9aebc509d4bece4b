import type { RunMetadata } from "./history.ts";

// Browser-safe (the dashboard bundles it through site/helpers.ts): no Node.js imports here.

/**
 * Which series of measurements a run continues: its job and matrix leg (legs measure different
 * shards or machines, and on GitHub-hosted runners every job has a new runner name); for a run
 * stored before job and leg were recorded, its machine. Runs of one lane compare; others do not.
 */
export function laneOf(run: Pick<RunMetadata, "job" | "matrixLeg" | "machine">): string {
  return hasLane(run)
    ? `job ${run.job ?? ""}\u0000leg ${run.matrixLeg ?? ""}`
    : `machine ${run.machine}`;
}

export function hasLane(run: Pick<RunMetadata, "job" | "matrixLeg">): boolean {
  return !!run.job || !!run.matrixLeg;
}
