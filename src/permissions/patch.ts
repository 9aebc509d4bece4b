/** A replacement of `text[start, end)` by `text`, offsets into the file's text. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** One run of changed lines: the old lines from `oldStart` (0-based) replaced by `added`. */
interface Change {
  oldStart: number;
  removed: string[];
  added: string[];
}

/**
 * A unified diff (`git apply` reads it) of a file and the edits the fixer made to it. Built from
 * the edits rather than by comparing the two texts, so it takes time linear in the file's size
 * however many blocks were inserted.
 */
export function patchFromEdits(path: string, before: string, edits: Edit[], context = 3): string {
  if (edits.length === 0) return "";
  const lineStarts = [0];
  for (let index = before.indexOf("\n"); index >= 0; index = before.indexOf("\n", index + 1)) {
    if (index + 1 < before.length) lineStarts.push(index + 1);
  }
  const lines = splitLines(before);
  const lineOf = (offset: number) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const changes = groupEdits(
    before,
    [...edits].sort((a, b) => a.start - b.start),
    lineOf,
    lines,
  );
  const header = `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n`;
  return header + hunks(changes, lines, context).join("");
}

/** Lines with their endings kept, so CRLF files round-trip through `git apply`. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Whole-line changes: each edit widened to the lines it touches, touching edits merged. */
function groupEdits(
  before: string,
  edits: Edit[],
  lineOf: (offset: number) => number,
  lines: string[],
): Change[] {
  const changes: Change[] = [];
  let group: { from: number; to: number; edits: Edit[] } | undefined;
  const flush = () => {
    if (!group) return;
    const startOffset = offsetOfLine(lines, group.from);
    const endOffset = offsetOfLine(lines, group.to);
    let text = "";
    let cursor = startOffset;
    for (const edit of group.edits) {
      text += before.slice(cursor, edit.start) + edit.text;
      cursor = edit.end;
    }
    text += before.slice(cursor, endOffset);
    changes.push({
      oldStart: group.from,
      removed: lines.slice(group.from, group.to),
      added: splitLines(text),
    });
    group = undefined;
  };
  for (const edit of edits) {
    const from = lineOf(edit.start);
    const atLineStart = edit.start === offsetOfLine(lines, from);
    // An insertion of whole lines at a line start changes no existing line.
    const to =
      edit.start === edit.end && atLineStart && edit.text.endsWith("\n")
        ? from
        : edit.end > edit.start && isLineStart(before, edit.end)
          ? lineOf(edit.end - 1) + 1
          : Math.min(lines.length, lineOf(edit.end) + 1);
    if (group && from < group.to) {
      group.to = Math.max(group.to, to);
      group.edits.push(edit);
      continue;
    }
    flush();
    group = { from, to, edits: [edit] };
  }
  flush();
  return changes;
}

const offsets = new WeakMap<string[], number[]>();

function offsetOfLine(lines: string[], index: number): number {
  let table = offsets.get(lines);
  if (!table) {
    table = [0];
    for (const line of lines) table.push((table[table.length - 1] as number) + line.length);
    offsets.set(lines, table);
  }
  return table[Math.min(index, lines.length)] as number;
}

function isLineStart(text: string, offset: number): boolean {
  return offset === 0 || text[offset - 1] === "\n";
}

function hunks(changes: Change[], lines: string[], context: number): string[] {
  const result: string[] = [];
  let index = 0;
  let shift = 0;
  while (index < changes.length) {
    const first = changes[index] as Change;
    let last = first;
    const members = [first];
    while (index + 1 < changes.length) {
      const next = changes[index + 1] as Change;
      if (next.oldStart - (last.oldStart + last.removed.length) > 2 * context) break;
      members.push(next);
      last = next;
      index++;
    }
    index++;
    const from = Math.max(0, first.oldStart - context);
    const to = Math.min(lines.length, last.oldStart + last.removed.length + context);
    const body: string[] = [];
    let cursor = from;
    let oldCount = 0;
    let newCount = 0;
    for (const change of members) {
      for (; cursor < change.oldStart; cursor++, oldCount++, newCount++) {
        body.push(diffLine(" ", lines[cursor] as string));
      }
      for (const line of change.removed) body.push(diffLine("-", line));
      for (const line of change.added) body.push(diffLine("+", line));
      oldCount += change.removed.length;
      newCount += change.added.length;
      cursor = change.oldStart + change.removed.length;
    }
    for (; cursor < to; cursor++, oldCount++, newCount++) {
      body.push(diffLine(" ", lines[cursor] as string));
    }
    const oldStart = oldCount === 0 ? from : from + 1;
    const newStart = newCount === 0 ? from + shift : from + shift + 1;
    result.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@\n${body.join("")}`);
    for (const change of members) shift += change.added.length - change.removed.length;
  }
  return result;
}

function diffLine(kind: " " | "-" | "+", text: string): string {
  return text.endsWith("\n") ? `${kind}${text}` : `${kind}${text}\n\\ No newline at end of file\n`;
}
