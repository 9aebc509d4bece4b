/**
 * A unified diff (`git apply` reads it) between two versions of a file. The fixer only inserts
 * lines and replaces a few, so the lines are compared after trimming the common head and tail.
 */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return "";
  const old = splitLines(before);
  const next = splitLines(after);
  const operations = diffLines(old, next);
  const hunks = groupHunks(operations, context);
  const header = `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n`;
  return header + hunks.join("");
}

interface Operation {
  kind: " " | "-" | "+";
  text: string;
  oldLine: number;
  newLine: number;
}

/** Lines with their line ending kept, so CRLF files round-trip through `git apply`. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function diffLines(old: string[], next: string[]): Operation[] {
  let head = 0;
  while (head < old.length && head < next.length && old[head] === next[head]) head++;
  let tail = 0;
  while (
    tail < old.length - head &&
    tail < next.length - head &&
    old[old.length - 1 - tail] === next[next.length - 1 - tail]
  ) {
    tail++;
  }
  const middle = lcsOperations(
    old.slice(head, old.length - tail),
    next.slice(head, next.length - tail),
  );
  const operations: Operation[] = [];
  let oldLine = 1;
  let newLine = 1;
  const push = (kind: Operation["kind"], text: string) => {
    operations.push({ kind, text, oldLine, newLine });
    if (kind !== "+") oldLine++;
    if (kind !== "-") newLine++;
  };
  for (const text of old.slice(0, head)) push(" ", text);
  for (const [kind, text] of middle) push(kind, text);
  for (const text of old.slice(old.length - tail)) push(" ", text);
  return operations;
}

function lcsOperations(old: string[], next: string[]): [Operation["kind"], string][] {
  const width = next.length + 1;
  const table = new Uint32Array((old.length + 1) * width);
  for (let i = old.length - 1; i >= 0; i--) {
    for (let j = next.length - 1; j >= 0; j--) {
      table[i * width + j] =
        old[i] === next[j]
          ? (table[(i + 1) * width + j + 1] as number) + 1
          : Math.max(table[(i + 1) * width + j] as number, table[i * width + j + 1] as number);
    }
  }
  const result: [Operation["kind"], string][] = [];
  let i = 0;
  let j = 0;
  while (i < old.length || j < next.length) {
    if (i < old.length && j < next.length && old[i] === next[j]) {
      result.push([" ", old[i++] as string]);
      j++;
    } else if (
      i < old.length &&
      (j === next.length ||
        (table[(i + 1) * width + j] as number) >= (table[i * width + j + 1] as number))
    ) {
      result.push(["-", old[i++] as string]);
    } else {
      result.push(["+", next[j++] as string]);
    }
  }
  return result;
}

function groupHunks(operations: Operation[], context: number): string[] {
  const changed = operations.flatMap((operation, index) => (operation.kind === " " ? [] : [index]));
  const hunks: string[] = [];
  let index = 0;
  while (index < changed.length) {
    const first = changed[index] as number;
    let last = first;
    while (index + 1 < changed.length && (changed[index + 1] as number) - last <= 2 * context + 1) {
      last = changed[++index] as number;
    }
    index++;
    const from = Math.max(0, first - context);
    const to = Math.min(operations.length, last + context + 1);
    hunks.push(hunk(operations.slice(from, to)));
  }
  return hunks;
}

function hunk(lines: Operation[]): string {
  const first = lines[0] as Operation;
  const oldCount = lines.filter((line) => line.kind !== "+").length;
  const newCount = lines.filter((line) => line.kind !== "-").length;
  const oldStart = oldCount === 0 ? first.oldLine - 1 : first.oldLine;
  const newStart = newCount === 0 ? first.newLine - 1 : first.newLine;
  const body = lines.map((line) => {
    const text = line.text.endsWith("\n")
      ? line.text
      : `${line.text}\n\\ No newline at end of file\n`;
    return `${line.kind}${text}`;
  });
  return `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@\n${body.join("")}`;
}
