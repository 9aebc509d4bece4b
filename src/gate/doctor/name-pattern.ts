import { type Token, tokenize } from "../names.ts";

/**
 * Check names as token lists, so that a rule's pattern can be compared with a name that is only
 * partly known (a matrix computed at run time): two patterns overlap when some check name matches
 * both. Rule patterns are read by the gate's own `tokenize` (names.ts).
 */
export type NameToken = Token;

export const STAR: NameToken = { star: true };

export function literalTokens(text: string): NameToken[] {
  return [...text].map((char) => ({ star: false, test: (other) => other === char, literal: char }));
}

/** A rule's check pattern as tokens, exactly as the gate reads it. */
export function patternTokens(pattern: string): NameToken[] {
  return tokenize(pattern);
}

/** Characters worth trying when two classes meet: every printable ASCII character. */
const PROBES = Array.from({ length: 95 }, (_, code) => String.fromCharCode(code + 32));

function meet(a: NameToken, b: NameToken): boolean {
  if (a.star || b.star) return true;
  if (a.literal !== undefined) return b.test(a.literal);
  if (b.literal !== undefined) return a.test(b.literal);
  return PROBES.some((char) => a.test(char) && b.test(char));
}

/** Whether some name matches both token lists (a search over pairs of positions). */
export function overlap(left: readonly NameToken[], right: readonly NameToken[]): boolean {
  const seen = new Set<number>();
  const width = right.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop() as [number, number];
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === left.length && j === right.length) return true;
    const a = left[i];
    const b = right[j];
    if (a?.star) stack.push([i + 1, j]);
    if (b?.star) stack.push([i, j + 1]);
    if (a && b && meet(a, b)) {
      if (a.star && b.star) continue;
      stack.push([a.star ? i : i + 1, b.star ? j : j + 1]);
    }
  }
  return false;
}

/** A literal as a rule pattern: `*`, `?` and `[` written as one-character classes. */
export function escapeNamePattern(text: string): string {
  return text.replace(/[*?[]/g, (char) => `[${char}]`);
}

/**
 * One pattern for several: their common start and `*` (`build (*` and `build` give `build*`),
 * never cut inside a `[x]` escape.
 */
export function commonPattern(patterns: readonly string[]): string {
  if (patterns.length === 1) return patterns[0] as string;
  let start = patterns[0] ?? "";
  for (const pattern of patterns) while (!pattern.startsWith(start)) start = start.slice(0, -1);
  const open = start.lastIndexOf("[");
  if (open > start.lastIndexOf("]")) start = start.slice(0, open);
  return `${start.replace(/\*+$/, "")}*`;
}
