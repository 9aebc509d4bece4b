import { type Comparison, percent, type Verdict } from "./compare.ts";
import type { BenchmarkResult, Unit } from "./results.ts";

// Shared by the reports, the CLI and the dashboard's browser script (scripts/build.mjs bundles
// src/bench/site/helpers.ts, which re-exports these, into the site): one way to print a number.

export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === undefined || value === null) return "";
  if (unit === "ns") {
    const scales: [number, string][] = [
      [1e9, "s"],
      [1e6, "ms"],
      [1e3, "µs"],
      [1, "ns"],
    ];
    const [factor, name] = scales.find(([scale]) => Math.abs(value) >= scale) ?? [1, "ns"];
    return `${Number((value / factor).toPrecision(4))} ${name}`;
  }
  if (unit === "%") return `${Number(value.toPrecision(4))}%`;
  const rounded = Number.isInteger(value) ? value : Number(value.toPrecision(4));
  return `${rounded.toLocaleString("en-US")} ${unit}`;
}

/** `120 ns ± 2.1 ns`: the value and half its interval's width; exact counts have no ±. */
export function formatMeasurement(result: BenchmarkResult | undefined, unit: Unit): string {
  if (!result) return "";
  const value = formatValue(result.value, unit);
  if (result.lower === null || result.upper === null) return value;
  const spread = Math.max(result.upper - result.value, result.value - result.lower);
  if (!(spread > 0)) return value;
  const relative = result.value === 0 ? "" : ` (±${percent(spread / Math.abs(result.value))})`;
  return `${value} ± ${formatValue(spread, unit)}${relative}`;
}

export function formatChange(comparison: Pick<Comparison, "change" | "relativeChange">): string {
  if (comparison.relativeChange === undefined) return comparison.change === undefined ? "" : "∞";
  const sign = comparison.relativeChange > 0 ? "+" : "";
  return `${sign}${percent(comparison.relativeChange)}`;
}

/** A verdict as the reports and the dashboard show it. */
export const VERDICT_LABELS: Record<Verdict, string> = {
  regressed: "🔴 regressed",
  noisy: "🟡 noisy",
  removed: "⚪ removed",
  added: "🆕 added",
  improved: "🟢 improved",
  unchanged: "unchanged",
};
