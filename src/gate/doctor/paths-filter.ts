import { parse } from "yaml";
import type { Job, Step } from "../../core/workflow.ts";
import { pathGlobProblem } from "../globs.ts";

/** One filter group of a `dorny/paths-filter` step: its globs, and anything that makes them inexact. */
export interface FilterGroup {
  name: string;
  patterns: string[];
  /** Why the globs do not say exactly when the group matches (change types, negations). */
  caveats: string[];
}

/** A `dorny/paths-filter` step (any version). */
export function isPathsFilter(step: Step): boolean {
  return /^dorny\/paths-filter@/i.test(step.uses ?? "");
}

/** Reads a filter file the step points at (`filters: .github/filters.yml`); undefined when absent. */
export type FileReader = (path: string) => string | undefined;

/**
 * The groups of a paths-filter step, from its inline `filters:` block or the file it names.
 * Undefined when the filters are computed at run time (an expression, a generated file).
 */
export function filterGroups(step: Step, read: FileReader): FilterGroup[] | undefined {
  const source = step.with.filters ?? "";
  if (source.includes("${{")) return undefined;
  const text = /^[^\n:]+\.ya?ml\s*$/i.test(source.trim()) ? read(source.trim()) : source;
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const every = step.with["predicate-quantifier"] === "every";
  return Object.entries(data).map(([name, value]) => groupOf(name, value, every));
}

function groupOf(name: string, value: unknown, every: boolean): FilterGroup {
  const patterns: string[] = [];
  const caveats = new Set<string>();
  const visit = (item: unknown) => {
    if (typeof item === "string") patterns.push(item);
    else if (Array.isArray(item)) item.forEach(visit);
    else if (item && typeof item === "object") {
      // `added|modified: 'src/**'` limits a glob to some kinds of change.
      for (const [types, globs] of Object.entries(item)) {
        caveats.add(`only ${types.replace(/\|/g, ", ")} files count for some of its globs`);
        visit(globs);
      }
    }
  };
  visit(value);
  // A glob the rules file would refuse (braces past its limit, a `..` segment) cannot become a
  // rule's paths.
  for (const pattern of patterns) {
    const problem = pathGlobProblem(pattern);
    if (problem)
      caveats.add(`its glob '${pattern.slice(0, 80)}' is not a rules-file glob: ${problem}`);
  }
  const negated = patterns.filter((pattern) => pattern.startsWith("!"));
  if (negated.length > 0 && !(every && negated.length === patterns.length - 1)) {
    caveats.add(
      every
        ? "it requires every one of several globs"
        : "with the default predicate-quantifier a '!' glob matches every other file",
    );
  }
  if (every && negated.length === 0 && patterns.length > 1)
    caveats.add("it requires every one of several globs");
  return { name, patterns, caveats: [...caveats] };
}

/** The paths-filter step a job output comes from: `${{ steps.<id>.outputs.<group> }}`. */
export function filterOutput(job: Job, output: string): { step: Step; group: string } | undefined {
  const text = Object.entries(job.outputs).find(([name]) => name.toLowerCase() === output)?.[1];
  const match = /^\s*\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}\s*$/.exec(
    text ?? "",
  );
  if (!match) return undefined;
  const step = job.steps.find((candidate) => candidate.id === match[1]);
  if (!step || !isPathsFilter(step)) return undefined;
  return { step, group: match[2] as string };
}
