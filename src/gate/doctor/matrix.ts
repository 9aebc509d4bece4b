import { isMap, isScalar, isSeq, type Node } from "yaml";
import { keyText, resolved } from "../../core/workflow.ts";
import type { YamlFile } from "../../core/yaml-file.ts";
import { UnknownValue } from "./evaluate.ts";

/** One leg of a matrix: its values in the order GitHub lists them in the job's name. */
export type MatrixLeg = [key: string, value: unknown][];

/** Legs past this many are refused by GitHub; a bigger product is treated as unknown. */
const MAX_LEGS = 256;

/**
 * The legs of `strategy.matrix` as far as they are static: the product of its lists, less
 * `exclude`, with `include` entries added as GitHub does (extending every leg whose original
 * values they agree with, else as legs of their own). Undefined when the matrix, or a list of
 * it, is an expression computed at run time. A value holding an expression is an
 * {@link UnknownValue}.
 */
export function matrixLegs(file: YamlFile, node: Node | undefined): MatrixLeg[] | undefined {
  if (!node) return [[]];
  if (!isMap(node)) return undefined;
  const dimensions: [string, unknown[]][] = [];
  let include: Record<string, unknown>[] = [];
  let exclude: Record<string, unknown>[] = [];
  for (const pair of node.items) {
    const key = keyText(pair);
    const value = resolved(file, pair.value as Node | null);
    if (key === "include" || key === "exclude") {
      const entries = entryList(file, value);
      if (!entries) return undefined;
      if (key === "include") include = entries;
      else exclude = entries;
      continue;
    }
    if (!isSeq(value)) return undefined;
    dimensions.push([key, value.items.map((item) => plainValue(file, item as Node))]);
  }
  let legs: MatrixLeg[] = dimensions.length === 0 ? [] : [[]];
  for (const [key, values] of dimensions) {
    legs = legs.flatMap((leg) => values.map((value): MatrixLeg => [...leg, [key, value]]));
    if (legs.length > MAX_LEGS) return undefined;
  }
  legs = legs.filter((leg) => !exclude.some((entry) => agrees(leg, entry, true)));
  const originalKeys = new Set(dimensions.map(([key]) => key));
  const extended = legs.map((leg) => [...leg]);
  const added: MatrixLeg[] = [];
  for (const entry of include) {
    let used = false;
    for (const [index, leg] of legs.entries()) {
      if (!agrees(leg, entry, false, originalKeys)) continue;
      used = true;
      const target = extended[index] as MatrixLeg;
      for (const [key, value] of Object.entries(entry)) {
        if (originalKeys.has(key)) continue;
        const at = target.findIndex(([name]) => name === key);
        if (at >= 0) target[at] = [key, value];
        else target.push([key, value]);
      }
    }
    if (!used) added.push(Object.entries(entry));
  }
  const all = [...extended, ...added];
  if (all.length > MAX_LEGS) return undefined;
  return all.length === 0 ? [[]] : all;
}

/** Whether an entry's values match a leg's (`exclude`), or do not overwrite its original values. */
function agrees(
  leg: MatrixLeg,
  entry: Record<string, unknown>,
  exact: boolean,
  originalKeys?: Set<string>,
): boolean {
  return Object.entries(entry).every(([key, value]) => {
    const found = leg.find(([name]) => name === key);
    if (!found) return !exact || false;
    if (originalKeys && !originalKeys.has(key)) return true;
    return sameValue(found[1], value);
  });
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof UnknownValue || b instanceof UnknownValue) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function entryList(file: YamlFile, node: Node | undefined): Record<string, unknown>[] | undefined {
  if (!isSeq(node)) return undefined;
  const entries: Record<string, unknown>[] = [];
  for (const item of node.items) {
    const value = plainValue(file, item as Node);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    if (value instanceof UnknownValue) return undefined;
    entries.push(value as Record<string, unknown>);
  }
  return entries;
}

/** A YAML value as plain data; any string holding `${{` is an {@link UnknownValue}. */
function plainValue(file: YamlFile, node: Node | null | undefined): unknown {
  const target = resolved(file, node);
  if (isScalar(target)) {
    const value = target.value;
    if (typeof value === "string" && value.includes("${{")) return new UnknownValue();
    return value ?? null;
  }
  if (isSeq(target)) return target.items.map((item) => plainValue(file, item as Node));
  if (isMap(target)) {
    const entries: Record<string, unknown> = {};
    for (const pair of target.items) entries[keyText(pair)] = plainValue(file, pair.value as Node);
    return entries;
  }
  return null;
}

/**
 * How GitHub shows a matrix value in a job's name: strings as they are, numbers and booleans
 * as written; undefined for objects, lists and expressions, whose rendering is not static.
 */
export function legValueText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "";
  return undefined;
}
