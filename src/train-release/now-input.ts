import { ConfigurationError } from "../core/errors.ts";

const WALL_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?/;
const OFFSET = /^(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * The moment to plan for (`--now`, the `now` input), e.g. `2026-12-01T16:00:00Z`. It must say its
 * offset: JavaScript reads a bare `2026-12-01T16:00` in the machine's own zone, so a laptop and a
 * runner would plan different trains from the same text.
 */
export function parseInstant(text: string, label: string): Date {
  const value = text.trim();
  const wall = WALL_TIME.exec(value);
  const zone = wall ? value.slice(wall[0].length) : "";
  if (wall && zone === "") {
    throw new ConfigurationError(
      `${label} is '${text}', which has no offset and would be read in this machine's time zone; ` +
        `add Z or an offset, e.g. ${value}Z or ${value}+01:00`,
    );
  }
  if (!wall || !OFFSET.test(zone) || !isCalendarDate(wall[1] as string)) {
    throw new ConfigurationError(
      `${label} is '${text}'; use an ISO time with Z or an offset, e.g. 2026-12-01T16:00:00Z`,
    );
  }
  return new Date(value);
}

function isCalendarDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}
