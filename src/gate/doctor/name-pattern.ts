/**
 * Check names as token lists, so that a rule's pattern can be compared with a name that is only
 * partly known (a matrix computed at run time, a name cut by GitHub): two patterns overlap when
 * some check name matches both. Rule patterns follow `compileName` in globs.ts: `*` any run of
 * characters, `?` one, `[...]` a class (`[!...]` negated); everything else is literal.
 */
export type NameToken =
  | { kind: "char"; char: string }
  | { kind: "one" }
  | { kind: "star" }
  | { kind: "class"; test: (char: string) => boolean; sample: string };

export function literalTokens(text: string): NameToken[] {
  return [...text].map((char) => ({ kind: "char", char }));
}

export const STAR: NameToken = { kind: "star" };

/** A rule's check pattern as tokens, read exactly as `compileName` reads it. */
export function patternTokens(pattern: string): NameToken[] {
  const tokens: NameToken[] = [];
  const chars = [...pattern];
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] as string;
    const end = char === "[" ? chars.indexOf("]", index + 2) : -1;
    if (char === "*") tokens.push(STAR);
    else if (char === "?") tokens.push({ kind: "one" });
    else if (end > index) {
      const body = chars.slice(index + 1, end).join("");
      const negated = body.startsWith("!");
      const set = (negated ? body.slice(1) : body).replace(/[\\\]^[]/g, "\\$&");
      let re: RegExp;
      try {
        re = new RegExp(`^[${negated ? "^" : ""}${set}]$`, "s");
      } catch {
        re = /^$/;
      }
      tokens.push({ kind: "class", test: (c) => re.test(c), sample: body });
      index = end;
    } else tokens.push({ kind: "char", char });
  }
  return tokens;
}

/** Characters worth trying when two classes meet: every printable ASCII character. */
const PROBES = Array.from({ length: 95 }, (_, code) => String.fromCharCode(code + 32));

function meet(a: NameToken, b: NameToken): boolean {
  if (a.kind === "star" || a.kind === "one") return true;
  if (b.kind === "star" || b.kind === "one") return true;
  if (a.kind === "char") return b.kind === "char" ? a.char === b.char : b.test(a.char);
  if (b.kind === "char") return a.test(b.char);
  return [...PROBES, ...a.sample, ...b.sample].some((char) => a.test(char) && b.test(char));
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
    if (a?.kind === "star") stack.push([i + 1, j]);
    if (b?.kind === "star") stack.push([i, j + 1]);
    if (a && b && meet(a, b)) {
      if (a.kind === "star" && b.kind === "star") continue;
      stack.push([a.kind === "star" ? i : i + 1, b.kind === "star" ? j : j + 1]);
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
