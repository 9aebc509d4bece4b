import { ConfigurationError } from "../core/errors.ts";
import type { TrainConfig } from "./config.ts";
import type { Marker, Reason } from "./markers.ts";
import { idle, type TrainResult } from "./result.ts";
import type { TrainInputs } from "./run.ts";
import { decideSchedule } from "./schedule.ts";

export type SlotDecision =
  | { slot: string; departsAt: Date; reason: Reason }
  | { result: TrainResult };

/**
 * Which slot this run departs. A forced train is named after its run. A scheduled run's slot is
 * the run's: a re-run (attempt 2 or later) decides at its first attempt's start, never at the
 * re-run's wall clock, so re-running an old run cannot depart today's slot.
 */
export async function decideSlot(
  inputs: Pick<TrainInputs, "force" | "runId" | "runAttempt" | "now">,
  config: TrainConfig,
  markers: readonly Marker[],
  deps: { runCreatedAt: (runId: number) => Promise<Date | undefined>; log: (line: string) => void },
): Promise<SlotDecision> {
  if (inputs.force) return { slot: `run-${inputs.runId}`, departsAt: inputs.now, reason: "forced" };
  let instant = inputs.now;
  if (inputs.runAttempt > 1 && /^\d+$/.test(inputs.runId)) {
    const first = await deps.runCreatedAt(Number(inputs.runId));
    // Deciding by this attempt's clock could depart today's slot from the old run's checkout.
    if (!first) {
      throw new ConfigurationError(
        `attempt ${inputs.runAttempt} of run ${inputs.runId} cannot decide as its first attempt did: GitHub does not know run ${inputs.runId} (GET /repos/{owner}/{repo}/actions/runs/${inputs.runId} answered 404), so nothing was written; start a new run instead of re-running this one`,
      );
    }
    instant = first;
    deps.log(
      `attempt ${inputs.runAttempt} of run ${inputs.runId}: deciding as its first attempt did, at ${first.toISOString()}`,
    );
  }
  const scheduled = decideSchedule(config.schedule, instant);
  const next = scheduled.due ? undefined : scheduled.next.date;
  const stay = (reason: Reason, detail: string) => ({
    result: { ...idle(scheduled.slot?.date ?? "", reason, detail), next },
  });
  const later = markers.find(
    (marker) =>
      /^\d{4}-\d{2}-\d{2}$/.test(marker.record.slot) &&
      marker.record.slot > (scheduled.slot?.date ?? ""),
  );
  if (scheduled.due && later) {
    return stay(
      "missed",
      `train ${scheduled.slot.date} was overtaken: train ${later.record.slot} departed after it; nothing to do`,
    );
  }
  if (scheduled.due) {
    return {
      slot: scheduled.slot.date,
      departsAt: scheduled.slot.departsAt,
      reason: scheduled.reason,
    };
  }
  const date = scheduled.slot?.date;
  if (scheduled.reason === "frozen") {
    return stay(
      "frozen",
      `train ${date} is frozen; the next train (${scheduled.next.date}) carries everything`,
    );
  }
  const departed = markers.some((marker) => marker.record.slot === date);
  if (scheduled.reason === "missed" && !departed) {
    return stay(
      "missed",
      `train ${date} was missed: this run is past the catch-up window; next train ${scheduled.next.date}`,
    );
  }
  return stay(
    "not-due",
    `no train is due; the next leaves ${scheduled.next.departsAt.toISOString()} (${scheduled.next.date})`,
  );
}
