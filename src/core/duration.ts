/**
 * The one duration grammar of the suite (inputs and every config file): amounts with units in
 * descending order, each unit at most once: `w` weeks, `d` days, `h` hours, `m` minutes, `s`
 * seconds, `ms` milliseconds. `90s`, `15m`, `2h`, `2d`, `1w`, `1h30m`, `1.5h`. A bare number is
 * seconds, as the actions' inputs always accepted. docs/durations.md says the same for users.
 */
const UNITS = [
  ["w", 604_800_000],
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
  ["ms", 1],
] as const;

const DURATION = new RegExp(
  `^${UNITS.map(([unit]) => `(?:(\\d+(?:\\.\\d+)?)${unit}(?![a-z]))?`).join("")}$`,
);

/** Longer than any schedule or timeout means anything: ten years. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000;

export const DURATION_HINT = "a duration such as 90s, 15m, 2h, 2d, 1w or 1h30m";

/** Milliseconds, or undefined when the text is not a duration or is longer than ten years. */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (value === "") return undefined;
  let total: number;
  if (/^\d+(?:\.\d+)?$/.test(value)) total = Number(value) * 1000;
  else {
    const match = DURATION.exec(value);
    if (!match) return undefined;
    total = 0;
    UNITS.forEach(([, unitMs], index) => {
      const amount = match[index + 1];
      if (amount !== undefined) total += Number(amount) * unitMs;
    });
  }
  const rounded = Math.round(total);
  return Number.isFinite(rounded) && rounded <= MAX_DURATION_MS ? rounded : undefined;
}

/**
 * Why a duration is refused, to follow "is": `'10min'; use a duration such as ...`. Undefined when
 * the text is a valid duration.
 */
export function durationProblem(text: string): string | undefined {
  if (parseDuration(text) !== undefined) return undefined;
  const shaped = parseDuration(text.replace(/\d+(?:\.\d+)?/g, "0")) === 0;
  return `'${text}'${shaped ? ", longer than ten years" : ""}; use ${DURATION_HINT}`;
}

/** `42s`, `1m30s`, `2h5m`, `3d4h`: for people reading a log. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ""}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ""}`;
  return `${Math.floor(hours / 24)}d${hours % 24 ? `${hours % 24}h` : ""}`;
}
