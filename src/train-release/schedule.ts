/**
 * When trains leave. Slots are counted from an anchor date in whole periods of days, so the
 * cadence never depends on ISO week numbers (2026 has a week 53, which makes "odd weeks" send two
 * trains back to back at New Year).
 */

export interface Schedule {
  /** The first departure's local date, `YYYY-MM-DD`. */
  anchor: string;
  /** Days between departures. */
  periodDays: number;
  /** Local departure time, `HH:MM`. */
  at: string;
  /** IANA time zone of `anchor` and `at`. */
  timezone: string;
  /** How long after a departure time a late run may still depart that slot (ms). */
  catchUpMs: number;
  /** Local dates (`YYYY-MM-DD`, inclusive ranges) on which no train leaves. */
  freeze: readonly FreezeWindow[];
}

export interface FreezeWindow {
  from: string;
  to: string;
}

export interface Slot {
  /** How many periods after the anchor. */
  index: number;
  /** The slot's local date, which names it: "train 2026-12-01". */
  date: string;
  /** The departure instant. */
  departsAt: Date;
}

export type ScheduleDecision =
  | { due: true; slot: Slot; reason: "scheduled" | "caught-up"; lateMs: number }
  | { due: false; slot: Slot | undefined; reason: "not-due" | "missed" | "frozen"; next: Slot };

const DAY_MS = 86_400_000;
/** Scheduled runs usually start minutes late; only a delay beyond this is called a catch-up. */
const PUNCTUAL_MS = 60 * 60_000;
/**
 * The shortest catch-up window a schedule may have: anything shorter calls ordinary cron delays
 * "missed" (a window of 0 would miss nearly every run).
 */
export const MIN_CATCH_UP_MS = PUNCTUAL_MS;

export function dayNumber(date: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC offset (ms) of a time zone at an instant, from the platform's time zone database. */
export function zoneOffsetMs(instant: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(
    value("year"),
    value("month") - 1,
    value("day"),
    value("hour"),
    value("minute"),
    value("second"),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens in a zone. A time skipped by a daylight-saving jump
 * moves forward by the jump; a repeated time takes its first occurrence.
 */
export function localToInstant(date: string, time: string, timezone: string): Date {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const wall = dayNumber(date) * DAY_MS + (hour * 60 + minute) * 60_000;
  const before = wall - zoneOffsetMs(wall - DAY_MS, timezone);
  const after = wall - zoneOffsetMs(wall + DAY_MS, timezone);
  const valid = [before, after].filter(
    (instant) => instant + zoneOffsetMs(instant, timezone) === wall,
  );
  // No valid instant: the time falls in a spring-forward gap; the old offset lands after the jump.
  return new Date(valid.length > 0 ? Math.min(...valid) : before);
}

/** The local date of an instant in a zone. */
export function localDate(instant: Date, timezone: string): string {
  return new Date(instant.getTime() + zoneOffsetMs(instant.getTime(), timezone))
    .toISOString()
    .slice(0, 10);
}

export function slotAt(schedule: Schedule, index: number): Slot {
  const date = dateOfDay(dayNumber(schedule.anchor) + index * schedule.periodDays);
  return { index, date, departsAt: localToInstant(date, schedule.at, schedule.timezone) };
}

/** The latest slot whose departure time is at or before `now` (undefined before the anchor). */
export function latestSlot(schedule: Schedule, now: Date): Slot | undefined {
  const localDay = dayNumber(localDate(now, schedule.timezone));
  let index = Math.floor((localDay - dayNumber(schedule.anchor)) / schedule.periodDays);
  if (index < 0) return undefined;
  let slot = slotAt(schedule, index);
  while (slot.departsAt.getTime() > now.getTime()) {
    index -= 1;
    if (index < 0) return undefined;
    slot = slotAt(schedule, index);
  }
  return slot;
}

export function nextSlot(schedule: Schedule, now: Date): Slot {
  const latest = latestSlot(schedule, now);
  return slotAt(schedule, latest ? latest.index + 1 : 0);
}

export function frozenBy(schedule: Schedule, date: string): FreezeWindow | undefined {
  return schedule.freeze.find((window) => window.from <= date && date <= window.to);
}

/**
 * Whether a scheduled run at `now` should depart, and as which slot. A run that arrives late but
 * inside the catch-up window departs as the slot it missed, not as "now". Past the window the
 * slot is `missed` here; the train calls it `not-due` instead when the slot's marker shows it
 * departed.
 */
export function decideSchedule(schedule: Schedule, now: Date): ScheduleDecision {
  const slot = latestSlot(schedule, now);
  const next = nextSlot(schedule, now);
  if (!slot) return { due: false, slot: undefined, reason: "not-due", next };
  const lateMs = now.getTime() - slot.departsAt.getTime();
  // A frozen slot stays frozen after its window too: it was never going to leave.
  if (frozenBy(schedule, slot.date)) return { due: false, slot, reason: "frozen", next };
  if (lateMs > schedule.catchUpMs) return { due: false, slot, reason: "missed", next };
  return { due: true, slot, reason: lateMs > PUNCTUAL_MS ? "caught-up" : "scheduled", lateMs };
}

/** The 1-based ISO week of a date, for explaining the schedule next to the old parity rule. */
export function isoWeek(date: string): number {
  const day = dayNumber(date);
  const weekday = (((day + 3) % 7) + 7) % 7; // Monday 0 (1970-01-01 was a Thursday)
  const thursday = day - weekday + 3;
  const yearStart = dayNumber(`${dateOfDay(thursday).slice(0, 4)}-01-01`);
  return Math.floor((thursday - yearStart) / 7) + 1;
}
