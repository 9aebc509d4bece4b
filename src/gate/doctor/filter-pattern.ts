import { pathGlobProblem } from "../globs.ts";

/**
 * GitHub's filter patterns, as workflows write them under `on.<event>.branches`, `tags` and
 * `paths` ("Filter pattern cheat sheet" of GitHub's workflow syntax): `*` matches any run of
 * characters but `/`, `**` any run at all (`**.rs` is every `.rs` file of the repository, and a
 * `**\/` segment any folders or none), `?` makes the character before it optional, `+` repeats
 * it, `[...]` is one listed character or range, `\` escapes, and everything else (braces and
 * parentheses included) is literal. They are not the rules file's globs: minimatch reads `**.rs`
 * as root files only and `?` as any one character.
 *
 * Both the patterns (a pull request's workflows) and the values (its changed paths) may be
 * hostile, so matching runs the pattern as a small automaton over the value, in time
 * proportional to their lengths multiplied.
 */
type Step =
  | { kind: "one"; test: (char: string) => boolean; text: string; repeat: "" | "?" | "+" }
  | { kind: "star"; crossesSlash: boolean }
  /** `**\/`: nothing, or any run that ends with `/` after at least one character. */
  | { kind: "folders" };

export function parseFilterPattern(pattern: string): Step[] {
  const steps: Step[] = [];
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    const last = steps.at(-1);
    if (char === "*") {
      if (pattern[index + 1] !== "*") steps.push({ kind: "star", crossesSlash: false });
      else if (pattern[index + 2] === "/") {
        steps.push({ kind: "folders" });
        index += 2;
      } else {
        steps.push({ kind: "star", crossesSlash: true });
        index += 1;
      }
    } else if ((char === "?" || char === "+") && last?.kind === "one" && last.repeat === "") {
      last.repeat = char;
    } else if (char === "[" && pattern.indexOf("]", index + 1) > index + 1) {
      const end = pattern.indexOf("]", index + 1);
      steps.push(classStep(pattern.slice(index + 1, end)));
      index = end;
    } else if (char === "\\" && index + 1 < pattern.length) {
      index += 1;
      steps.push(literalStep(pattern[index] as string));
    } else steps.push(literalStep(char));
  }
  return steps;
}

function literalStep(char: string): Step {
  return { kind: "one", test: (other) => other === char, text: char, repeat: "" };
}

function classStep(body: string): Step {
  const ranges: [string, string][] = [];
  for (let index = 0; index < body.length; index++) {
    const from = body[index] as string;
    const to = body[index + 2];
    if (body[index + 1] === "-" && to !== undefined) {
      ranges.push([from, to]);
      index += 2;
    } else ranges.push([from, from]);
  }
  return {
    kind: "one",
    test: (char) => ranges.some(([from, to]) => char >= from && char <= to),
    text: `[${body}]`,
    repeat: "",
  };
}

/** A compiled filter pattern (without its leading `!`). */
export function filterPatternTest(pattern: string): (value: string) => boolean {
  const steps = parseFilterPattern(pattern);
  return (value) => accepts(steps, value);
}

/**
 * The automaton: state `i` is "before step i"; state `n + 1 + i` is "inside step i" (past the
 * first of a `+` repetition, or inside a `**\/` run).
 */
function accepts(steps: readonly Step[], value: string): boolean {
  const size = steps.length + 1;
  let states = close(steps, start(size));
  for (let index = 0; index < value.length; index++) {
    const char = value[index] as string;
    const next = new Uint8Array(size * 2);
    let alive = false;
    for (let at = 0; at < steps.length; at++) {
      const step = steps[at] as Step;
      if (states[at]) alive = enter(step, at, char, next, size) || alive;
      if (states[size + at]) alive = stay(step, at, char, next, size) || alive;
    }
    if (!alive) return false;
    states = close(steps, next);
  }
  return states[steps.length] === 1;
}

function start(size: number): Uint8Array {
  const states = new Uint8Array(size * 2);
  states[0] = 1;
  return states;
}

/** Consumes `char` from before step `at`. */
function enter(step: Step, at: number, char: string, next: Uint8Array, size: number): boolean {
  if (step.kind === "star") {
    if (!step.crossesSlash && char === "/") return false;
    next[at] = 1;
    return true;
  }
  if (step.kind === "folders") {
    next[size + at] = 1;
    return true;
  }
  if (!step.test(char)) return false;
  next[step.repeat === "+" ? size + at : at + 1] = 1;
  return true;
}

/** Consumes `char` from inside step `at`. */
function stay(step: Step, at: number, char: string, next: Uint8Array, size: number): boolean {
  if (step.kind === "folders") {
    next[size + at] = 1;
    if (char === "/") next[at + 1] = 1;
    return true;
  }
  if (step.kind === "one" && step.test(char)) {
    next[size + at] = 1;
    return true;
  }
  return false;
}

/** Steps that may match nothing, and the end of a `+` repetition, lead on to the next step. */
function close(steps: readonly Step[], states: Uint8Array): Uint8Array {
  const size = steps.length + 1;
  for (let at = 0; at < steps.length; at++) {
    const step = steps[at] as Step;
    const optional = step.kind !== "one" || step.repeat === "?";
    if ((states[at] && optional) || states[size + at]) {
      if (step.kind !== "folders" || states[at]) states[at + 1] = 1;
    }
  }
  return states;
}

/** How many `**` runs inside one segment a pattern may have and still be written as a glob. */
const CROSSING_LIMIT = 3;

/**
 * The same set of paths as a rules-file glob (minimatch, `dot: true`), for `gate init`: `**.rs`
 * becomes `**\/*.rs`, `x?` becomes `?(x)`, `x+` becomes `+(x)`, and literal braces and
 * parentheses are escaped. Undefined when no glob of a reasonable size says the same.
 */
export function filterPatternGlob(pattern: string): string | undefined {
  const negated = pattern.startsWith("!");
  const body = negated ? pattern.slice(1) : pattern;
  const steps = joinStars(parseFilterPattern(body));
  // minimatch reads `[!a]` and `[^a]` as negated classes, GitHub as listing `!` or `^`.
  if (steps.some((step) => step.kind === "one" && /^\[[!^]/.test(step.text))) return undefined;
  // A glob's `?(...)` and `+(...)` stay inside one segment: an optional `/` has no glob.
  if (steps.some((step) => step.kind === "one" && step.repeat !== "" && step.test("/")))
    return undefined;
  // `a**\/` is `a` and then any run ending in `/` or nothing, which no glob segment says.
  const folders = steps.map((step, index) => (step.kind === "folders" ? index : -1));
  if (folders.some((index) => index >= 0 && !segmentStart(steps, index))) return undefined;
  const crossing = steps.filter(
    (step, index) => step.kind === "star" && step.crossesSlash && !segmentStart(steps, index),
  );
  if (crossing.length > CROSSING_LIMIT) return undefined;
  let alternatives = [""];
  steps.forEach((step, index) => {
    let parts: string[];
    if (step.kind === "folders") parts = ["**/"];
    else if (step.kind === "star" && !step.crossesSlash) parts = ["*"];
    else if (step.kind === "star" && wholeSegment(steps, index)) parts = ["**"];
    // At a segment's start, `**.rs` is `**\/*.rs`: `**\/` also matches no folder at all.
    else if (step.kind === "star" && segmentStart(steps, index)) parts = ["**/*"];
    else if (step.kind === "star") parts = ["*", "*/**/*"];
    else {
      const text = step.text.startsWith("[") ? step.text : escapeGlob(step.text);
      parts = [step.repeat === "" ? text : `${step.repeat === "?" ? "?" : "+"}(${text})`];
    }
    alternatives = alternatives.flatMap((before) => parts.map((part) => before + part));
  });
  const glob = alternatives.length === 1 ? alternatives[0] : `{${alternatives.join(",")}}`;
  // One the rules file would refuse (an empty, `.` or `..` segment) matches no changed file.
  if (glob === undefined || pathGlobProblem(glob) !== undefined) return undefined;
  return `${negated ? "!" : ""}${glob}`;
}

/** Stars side by side match what the widest of them does (`***` is `**`), and glob as one. */
function joinStars(steps: readonly Step[]): Step[] {
  const joined: Step[] = [];
  for (const step of steps) {
    const last = joined.at(-1);
    if (step.kind === "star" && last?.kind === "star") {
      joined[joined.length - 1] = {
        kind: "star",
        crossesSlash: last.crossesSlash || step.crossesSlash,
      };
    } else joined.push(step);
  }
  return joined;
}

/** Whether a `**` at `index` is a whole last segment (`a/**`, `**`; `a/**\/b` is `folders`). */
function wholeSegment(steps: readonly Step[], index: number): boolean {
  return segmentStart(steps, index) && index === steps.length - 1;
}

function segmentStart(steps: readonly Step[], index: number): boolean {
  const before = steps[index - 1];
  return before === undefined || isSlash(before) || before.kind === "folders";
}

function isSlash(step: Step): boolean {
  return step.kind === "one" && step.text === "/" && step.repeat === "";
}

function escapeGlob(char: string): string {
  return /[*?[\]{}()!+@|\\,]/.test(char) ? `\\${char}` : char;
}
