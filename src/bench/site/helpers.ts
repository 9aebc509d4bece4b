// The dashboard's shared helpers, bundled for the browser by scripts/build.mjs (as the global
// `BenchHelpers`, in site/helpers.js): the page judges and prints numbers with the very code the
// action and the PR comment use, so they cannot disagree.
export { byBenchmark, compareResults, DEFAULT_THRESHOLDS, percent } from "../compare.ts";
export { formatChange, formatMeasurement, formatValue, VERDICT_LABELS } from "../format.ts";
export { laneOf } from "../lane.ts";
export { higherIsBetter, isExactUnit } from "../results.ts";
