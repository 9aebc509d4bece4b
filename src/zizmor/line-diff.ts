/**
 * Which lines of a file's new version are not lines of its old version kept in place: what a
 * diff shows as added or changed, by the new version's 1-based line numbers. Myers' algorithm
 * (time and memory grow with the number of differences, not with the file's size); past
 * `maxEdits` differences the answer is `"whole-file"`, which callers treat as all lines changed.
 */
export function changedLines(
  before: readonly string[],
  after: readonly string[],
  maxEdits = 2000,
): Set<number> | "whole-file" {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    tail++;
  }
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const kept = keptLines(a, b, maxEdits);
  if (kept === undefined) return "whole-file";
  const changed = new Set<number>();
  for (let index = 0; index < b.length; index++) {
    if (!kept.has(index)) changed.add(head + index + 1);
  }
  return changed;
}

/** Indexes of `b` matched to a line of `a` by a shortest edit script, or undefined past `max`. */
function keptLines(
  a: readonly string[],
  b: readonly string[],
  max: number,
): Set<number> | undefined {
  const n = a.length;
  const m = b.length;
  // v[k] is the furthest x on diagonal k (y = x - k); one snapshot of diagonals -d..d per round.
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  const rounds: Int32Array[] = [];
  for (let d = 0; d <= Math.min(n + m, max); d++) {
    rounds.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      const down =
        k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(rounds, d, n, m);
    }
  }
  return undefined;
}

function backtrack(rounds: readonly Int32Array[], last: number, n: number, m: number): Set<number> {
  const kept = new Set<number>();
  let x = n;
  let y = m;
  for (let d = last; d > 0; d--) {
    const round = rounds[d] as Int32Array;
    const at = (k: number) => round[k + d] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x--;
      y--;
      kept.add(y);
    }
    x = previousX;
    y = previousY;
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    kept.add(y);
  }
  return kept;
}
