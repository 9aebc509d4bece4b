import type { Marker } from "./markers.ts";
import type { Train } from "./train.ts";
import type { DepartureContext } from "./train-state.ts";

/**
 * Trains leave one after another, each following the latest departed one. A slot's marker is
 * the lock against a second run of the same slot; two trains of different names (a forced
 * dispatch while the cron departs) would each take their own marker and release the same versions
 * from two release commits. So a train also takes the succession of the train it follows: a tag
 * `<prefix>after/<slot of the train it follows>` whose message names it. Creating a ref is atomic,
 * so only one train follows each; the other gives its marker back before it has written anything.
 */
export function successionLock(prefix: string, after: string | null): string {
  return `${prefix}after/${after === null ? "none" : after.slice(prefix.length)}`;
}

/** The latest departed train's marker, which a new train follows. */
export function predecessor(markers: readonly Marker[]): string | null {
  return markers.at(-1)?.tag ?? null;
}

/**
 * Takes the succession for a train whose marker records what it follows; returns the marker of
 * the train that holds it instead, or undefined when this train holds it (now or already). A
 * marker written before successions existed holds it by definition.
 */
export async function takeSuccession(
  context: DepartureContext,
  train: Train,
): Promise<string | undefined> {
  const { after } = train.record;
  if (after === undefined) return undefined;
  const lock = successionLock(context.config.markerPrefix, after);
  const date = new Date(train.record.departsAt ?? `${train.record.slot}T00:00:00Z`);
  const taken = await context.remote.createAnnotatedTag(lock, train.record.cutoff, train.marker, {
    ...context.config.commit.author,
    date,
  });
  if (taken === "created") {
    context.writes.push(`create succession lock ${lock} for ${train.marker}`);
    return undefined;
  }
  const holder = (taken.message ?? "").trim();
  return holder === train.marker ? undefined : holder;
}

/** A train that lost the succession gives its marker back; it wrote nothing else. */
export async function giveBackMarker(
  context: DepartureContext,
  train: Train,
  holder: string,
): Promise<void> {
  await context.remote.deleteTag(train.marker);
  context.writes.push(`delete departure marker ${train.marker} (train ${holder} leaves instead)`);
  context.log(
    `train ${train.record.slot} gives way: ${holder} took the succession of ${train.record.after ?? "the first train"} first; its departure marker ${train.marker} is removed`,
  );
}
