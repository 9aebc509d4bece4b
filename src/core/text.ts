/**
 * Characters that change how text reads without showing themselves: bidirectional embeddings,
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069), directional marks (U+200E, U+200F,
 * U+061C), zero-width characters and joiners (U+200B-U+200D, U+2060), the byte-order mark
 * (U+FEFF), the other invisible format characters (U+2061-U+2064, U+206A-U+206F, U+180B-U+180F,
 * U+00AD, U+034F, U+115F, U+1160, U+17B4, U+17B5, U+3164, U+FFA0, U+FFF9-U+FFFB, U+1D173-U+1D17A)
 * and the tag characters (U+E0000-U+E007F), which spell ASCII no one sees. A check or benchmark
 * name holding U+202E can make `pass` read as `ssap`, or hide what a reviewer approves.
 */
export const INVISIBLE_CLASS =
  "\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u206F\\u3164\\uFEFF\\uFFA0\\uFFF9-\\uFFFB\\u{1D173}-\\u{1D17A}\\u{E0000}-\\u{E007F}";
const INVISIBLE = new RegExp(`[${INVISIBLE_CLASS}]`, "gu");
// DEL and C1 controls too: JSON.stringify escapes only C0 ones, and a terminal may act on them.
const JSON_ESCAPED = new RegExp(`[#\\u007F-\\u009F\\u2028\\u2029${INVISIBLE_CLASS}]`, "gu");

/** Whether text holds a character that {@link showInvisible} would rewrite. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(text);
  INVISIBLE.lastIndex = 0;
  return found;
}

/** Every invisible format character written out as `<U+202E>`, so a reader sees it is there. */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, codePoint);
}

/** `<U+202E>`: a character by its code point, for a reader. */
function codePoint(char: string): string {
  return `<U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}>`;
}

/**
 * Control characters a terminal or the step's log acts on instead of showing (ANSI escapes that
 * colour text like the background, erase a line or move the cursor; a lone CR that overwrites a
 * line; C1 controls): C0 but tab and line feed (and CR before LF), DEL and C1. The colour
 * sequences the CLI paints with (see `paint`) are kept; they can only colour text.
 */
const CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its job
  /\u001b\[(?:0|1|2|31|32|33)m|\r(?!\n)|[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Every control character but the CLI's own colours written out as `<U+001B>` (see CONTROL). */
export function showTerminalControls(text: string): string {
  return text.replace(CONTROL, (match) => (match.length > 1 ? match : codePoint(match)));
}

/**
 * Text as a person should see it in a terminal or a log, the CLI's own lines and colours kept:
 * invisible and control characters shown.
 */
export function showForReader(text: string): string {
  return showTerminalControls(showInvisible(text));
}

/**
 * Text from a repository, a file or an API as a terminal or a log may show it: control
 * characters (C0, DEL, C1: an escape sequence can erase a line and print another in its place,
 * retitle the window or write the clipboard; a line break can fake a line of output) written out
 * as `<U+001B>`, tabs kept, and invisible format characters shown ({@link showInvisible}). Line
 * feeds are kept only when asked for, for a multi-line message whose lines are each shown.
 */
export function showControls(text: string, keep: { lineFeeds?: boolean } = {}): string {
  return showInvisible(text).replace(
    keep.lineFeeds ? /[^\P{Cc}\t\n]/gu : /[^\P{Cc}\t]/gu,
    codePoint,
  );
}

/** Every character that means something in a regular expression, escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/** `items.map(work)` with at most `limit` pieces of work in flight; results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * The closest candidate to a mistyped word (case aside), when it is close enough to be a likely
 * typo: by default a third of the word's length, at least one edit.
 */
export function closest(
  word: string,
  candidates: Iterable<string>,
  maxDistance = Math.max(1, Math.floor(word.length / 3)),
): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= maxDistance && (!best || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** `; did you mean 'x'?` or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const suggestion = closest(word, candidates);
  return suggestion === undefined ? "" : `; did you mean '${suggestion}'?`;
}

/** Edit distance with adjacent transpositions (`prase` is one edit from `parse`). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * Text the runner might read as a workflow command: a line (ended by LF, CR or CRLF) that starts
 * with `::` after leading white space (.NET's, which includes U+0085), or the legacy `##[` form,
 * which the runner honours anywhere in a line.
 */
export function mayHoldCommand(text: string): boolean {
  return text.includes("##[") || /(?:^|[\r\n])[\s\u0085]*::/.test(text);
}

/**
 * Text made safe for a step's log: invisible and control characters shown, and, when a line could be
 * read as a workflow command, the whole text fenced with `stop-commands` under a random token, so
 * it is shown as written and executed never. The CLI writes through this too inside Actions.
 */
export function inertLog(text: string): string {
  const shown = showForReader(text);
  if (!mayHoldCommand(shown)) return shown;
  // Loaded here, not at the top: a process that must start fast need not load crypto first.
  const { randomBytes } = process.getBuiltinModule("node:crypto") as typeof import("node:crypto");
  const token = randomBytes(16).toString("hex");
  const body = shown.endsWith("\n") ? shown.slice(0, -1) : shown;
  return `::stop-commands::${token}\n${body}\n::${token}::${shown.endsWith("\n") ? "\n" : ""}`;
}

/**
 * Text made safe for a step's log line by line, without a fence: invisible and control characters
 * shown, a backslash before a line's leading `::` and `##[` written `##\[`, so no line of it is a
 * command, whatever the runner reads in between. The CLI's standard error uses it: the runner
 * processes the lines of both streams with one command processor, in an order of its own, so a
 * fence on standard output could end one on standard error while its lines are still to come.
 */
export function escapeCommandLines(text: string): string {
  return showForReader(text)
    .replace(/(^|[\r\n])([\s\u0085]*)::/g, "$1$2\\::")
    .replace(/##\[/g, "##\\[");
}

/**
 * JSON for `--format json`, inert in a step's log without a fence: `#` (which could start a legacy
 * `##[` command anywhere in a line), DEL, C1 and invisible format characters are written as `\u` escapes,
 * which every JSON reader decodes back to the same text; no line of it can start with `::`.
 */
export function inertJson(value: unknown, indent = 2): string {
  // A character beyond the first plane is written as its two UTF-16 halves, as JSON spells it.
  const asEscapes = (char: string) => {
    let units = "";
    for (let index = 0; index < char.length; index++) {
      units += `\\u${char.charCodeAt(index).toString(16).padStart(4, "0")}`;
    }
    return units;
  };
  return `${JSON.stringify(value, null, indent).replace(JSON_ESCAPED, asEscapes)}\n`;
}
