/**
 * Check-name patterns: `*` matches any run of characters (including `/`, so reusable workflows'
 * `caller / callee` names and matrix suffixes such as `test (ubuntu, 1.80)` match), `?` one
 * character, `[...]` a class (`[!...]` or `[^...]` negated, `a-z` ranges); everything else,
 * parentheses included, is literal.
 *
 * Names come from the pull request's own workflows, so matching never backtracks: a pattern is a
 * small automaton run once over the name, in time proportional to the name times the pattern.
 *
 * GitHub cuts a check name longer than 100 characters to its first 97 and `...`; a name of that
 * shape also matches when the pattern matches some longer name it could have been cut from.
 */
export type NameTest = (name: string) => boolean;

/** GitHub's longest check name, and what it keeps of a longer one before the `...`. */
export const NAME_LIMIT = 100;
const KEPT = NAME_LIMIT - 3;
const ELLIPSIS = "...";

type Token = { star: true } | { star: false; test: (char: string) => boolean; literal?: string };

/** Whether a check name is a pattern rather than one literal name. */
function isNamePattern(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Why a name pattern can never be compiled as meant, or undefined when it is fine. */
export function namePatternProblem(pattern: string): string | undefined {
  const problems: string[] = [];
  tokenize(pattern, problems);
  return problems[0];
}

export function compileName(pattern: string): NameTest {
  if (!isNamePattern(pattern)) {
    const cut = pattern.length > NAME_LIMIT ? `${pattern.slice(0, KEPT)}${ELLIPSIS}` : undefined;
    return (name) => name === pattern || name === cut;
  }
  const tokens = tokenize(pattern);
  const whole = wholeMatcher(tokens);
  return (name) => whole(name) || (isCutName(name) && matchesSomeLongerName(tokens, name));
}

function isCutName(name: string): boolean {
  return name.length === NAME_LIMIT && name.endsWith(ELLIPSIS);
}

/** A fast test for the common shapes (`test (*)`), else the automaton. */
function wholeMatcher(tokens: readonly Token[]): NameTest {
  const stars = tokens.filter((token) => token.star).length;
  const literal = tokens.every((token) => token.star || token.literal !== undefined);
  if (literal && stars === 1) {
    const at = tokens.findIndex((token) => token.star);
    const text = (from: number, to: number) =>
      tokens
        .slice(from, to)
        .map((token) => (token.star ? "" : token.literal))
        .join("");
    const head = text(0, at);
    const tail = text(at + 1, tokens.length);
    return (name) =>
      name.length >= head.length + tail.length && name.startsWith(head) && name.endsWith(tail);
  }
  return (name) => accepts(tokens, run(tokens, start(tokens), name));
}

/**
 * A cut name `<97 characters>...` matches when the pattern, having read those 97 characters, can
 * still match at least four more (the cut name stood for one of at least 101).
 */
function matchesSomeLongerName(tokens: readonly Token[], name: string): boolean {
  const states = run(tokens, start(tokens), name.slice(0, KEPT));
  for (let state = 0; state <= tokens.length; state++) {
    if (!states[state]) continue;
    const rest = tokens.slice(state);
    if (rest.some((token) => token.star) || rest.length >= NAME_LIMIT + 1 - KEPT) return true;
  }
  return false;
}

function start(tokens: readonly Token[]): Uint8Array {
  const states = new Uint8Array(tokens.length + 1);
  states[0] = 1;
  return close(tokens, states);
}

/** A star may match nothing: being before it is also being after it. */
function close(tokens: readonly Token[], states: Uint8Array): Uint8Array {
  for (let state = 0; state < tokens.length; state++) {
    if (states[state] && tokens[state]?.star) states[state + 1] = 1;
  }
  return states;
}

function run(tokens: readonly Token[], from: Uint8Array, text: string): Uint8Array {
  let states = from;
  for (let at = 0; at < text.length; at++) {
    const char = text[at] as string;
    const next = new Uint8Array(tokens.length + 1);
    let alive = false;
    for (let state = 0; state < tokens.length; state++) {
      if (!states[state]) continue;
      const token = tokens[state] as Token;
      if (token.star) next[state] = 1;
      else if (token.test(char)) next[state + 1] = 1;
      else continue;
      alive = true;
    }
    if (!alive) return next;
    states = close(tokens, next);
  }
  return states;
}

function accepts(tokens: readonly Token[], states: Uint8Array): boolean {
  return states[tokens.length] === 1;
}

function tokenize(pattern: string, problems: string[] = []): Token[] {
  const tokens: Token[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    const end = char === "[" ? pattern.indexOf("]", index + 2) : -1;
    if (char === "*") {
      if (!tokens.at(-1)?.star) tokens.push({ star: true });
    } else if (char === "?") tokens.push({ star: false, test: () => true });
    else if (end > index) {
      tokens.push({ star: false, test: classTest(pattern.slice(index + 1, end), problems) });
      index = end;
    } else tokens.push({ star: false, test: (other) => other === char, literal: char });
  }
  return tokens;
}

/**
 * `[abc]`, `[a-z]`, `[!a-z]` or `[^a-z]`. A backwards range matches nothing and is a problem,
 * which the rules file reports at its line.
 */
function classTest(text: string, problems: string[]): (char: string) => boolean {
  const negated = text.startsWith("!") || text.startsWith("^");
  const body = negated ? text.slice(1) : text;
  const ranges: [string, string][] = [];
  for (let index = 0; index < body.length; index++) {
    const from = body[index] as string;
    const to = body[index + 2];
    if (body[index + 1] === "-" && to !== undefined) {
      if (to < from) problems.push(`the range '${from}-${to}' is backwards; write '${to}-${from}'`);
      ranges.push([from, to]);
      index += 2;
    } else ranges.push([from, from]);
  }
  return (char) => ranges.some(([from, to]) => char >= from && char <= to) !== negated;
}
