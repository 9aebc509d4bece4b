/**
 * When a job runs, as a boolean formula over the facts a workflow cannot know in advance: which
 * `dorny/paths-filter` groups match the change, which labels the pull request has, and anything
 * else (kept as opaque text). Formulas are built in negation normal form and simplified as they
 * are built, so `true`/`false` come out whenever the known facts decide.
 */
export type Atom =
  /** A paths-filter group of a job's step matched the change (its output is 'true'). */
  | { kind: "filter"; key: string; job: string; step: string; group: string }
  /** The pull request carries this label. */
  | { kind: "label"; key: string; name: string }
  /** Something else, quoted as written. */
  | { kind: "unknown"; key: string; text: string };

export type Formula =
  | boolean
  | { atom: Atom; negated: boolean }
  | { all: Formula[] }
  | { any: Formula[] };

export function atom(value: Atom): Formula {
  return { atom: value, negated: false };
}

export function unknown(text: string): Formula {
  return atom({ kind: "unknown", key: `?${text}`, text });
}

export function not(formula: Formula): Formula {
  if (typeof formula === "boolean") return !formula;
  if ("atom" in formula) return { atom: formula.atom, negated: !formula.negated };
  if ("all" in formula) return any(...formula.all.map(not));
  return all(...formula.any.map(not));
}

export function all(...parts: Formula[]): Formula {
  const kept: Formula[] = [];
  for (const part of parts) {
    if (part === false) return false;
    if (part === true) continue;
    if (typeof part === "object" && "all" in part) kept.push(...part.all);
    else kept.push(part);
  }
  const unique = dedupe(kept);
  if (unique.length === 0) return true;
  return unique.length === 1 ? (unique[0] as Formula) : { all: unique };
}

export function any(...parts: Formula[]): Formula {
  const kept: Formula[] = [];
  for (const part of parts) {
    if (part === true) return true;
    if (part === false) continue;
    if (typeof part === "object" && "any" in part) kept.push(...part.any);
    else kept.push(part);
  }
  const unique = dedupe(kept);
  if (unique.length === 0) return false;
  return unique.length === 1 ? (unique[0] as Formula) : { any: unique };
}

function dedupe(parts: Formula[]): Formula[] {
  const seen = new Map<string, Formula>();
  for (const part of parts) seen.set(keyOf(part), part);
  return [...seen.values()];
}

export function keyOf(formula: Formula): string {
  if (typeof formula === "boolean") return String(formula);
  if ("atom" in formula) return `${formula.negated ? "!" : ""}${formula.atom.key}`;
  if ("all" in formula) return `(${formula.all.map(keyOf).sort().join(" & ")})`;
  return `(${formula.any.map(keyOf).sort().join(" | ")})`;
}

/** One conjunction of literals; the formula is true when any of its terms is. */
export type Term = { atom: Atom; negated: boolean }[];

const MAX_TERMS = 256;

/**
 * The formula as a disjunction of conjunctions; undefined when that would exceed a few hundred
 * terms (a condition no person writes, and one this analysis then treats as unknown).
 */
export function terms(formula: Formula): Term[] | undefined {
  if (formula === true) return [[]];
  if (formula === false) return [];
  if ("atom" in formula) return [[formula]];
  if ("any" in formula) {
    const result: Term[] = [];
    for (const part of formula.any) {
      const more = terms(part);
      if (!more || result.length + more.length > MAX_TERMS) return undefined;
      result.push(...more);
    }
    return result;
  }
  let result: Term[] = [[]];
  for (const part of formula.all) {
    const more = terms(part);
    if (!more || result.length * more.length > MAX_TERMS) return undefined;
    result = result.flatMap((left) => more.map((right) => [...left, ...right]));
  }
  // A term holding an atom and its negation can never hold.
  return result.filter(
    (term) =>
      !term.some((a) => term.some((b) => a.atom.key === b.atom.key && a.negated !== b.negated)),
  );
}

/** The formula in words, for comments and messages. */
export function describe(formula: Formula): string {
  if (typeof formula === "boolean") return String(formula);
  if ("atom" in formula) {
    const text = describeAtom(formula.atom);
    return formula.negated ? `not ${text}` : text;
  }
  if ("all" in formula) return formula.all.map((part) => wrap(part)).join(" and ");
  return formula.any.map((part) => wrap(part)).join(" or ");
}

function wrap(formula: Formula): string {
  return typeof formula === "object" && !("atom" in formula)
    ? `(${describe(formula)})`
    : describe(formula);
}

export function describeAtom(value: Atom): string {
  switch (value.kind) {
    case "filter":
      return `filter '${value.group}' of job '${value.job}' matches`;
    case "label":
      return `the pull request has the label '${value.name}'`;
    default:
      return value.text;
  }
}
