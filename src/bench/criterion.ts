import {
  type BenchmarkResult,
  finiteNumber,
  isObject,
  type JsonObject,
  malformed,
  parseJsonText,
  toNanoseconds,
} from "./results.ts";

/** The texts of one `new/` directory of a Criterion tree. */
export interface CriterionMeasurement {
  benchmarkFile: string;
  benchmarkJson: string;
  estimatesFile: string;
  estimatesJson: string;
  sampleFile?: string;
  sampleJson?: string;
}

interface Estimate {
  value: number;
  lower: number | null;
  upper: number | null;
}

/**
 * Results of one Criterion benchmark. The typical value is Criterion's own choice: the slope of
 * the linear regression when it has one, else the mean; its 95% confidence interval is kept.
 */
export function parseCriterionMeasurement(measurement: CriterionMeasurement): BenchmarkResult[] {
  const benchmark = parseJsonText(measurement.benchmarkJson, measurement.benchmarkFile);
  if (!isObject(benchmark) || typeof benchmark.full_id !== "string" || benchmark.full_id === "") {
    throw malformed(measurement.benchmarkFile, 1, "expected an object with a string 'full_id'");
  }
  const estimates = parseJsonText(measurement.estimatesJson, measurement.estimatesFile);
  if (!isObject(estimates)) {
    throw malformed(measurement.estimatesFile, 1, "expected an object of estimates");
  }
  const typical =
    estimateOf(estimates.slope, measurement.estimatesFile, "slope") ??
    estimateOf(estimates.mean, measurement.estimatesFile, "mean");
  if (!typical) {
    throw malformed(measurement.estimatesFile, 1, "neither 'slope' nor 'mean' holds an estimate");
  }
  if (measurement.sampleJson !== undefined && measurement.sampleFile !== undefined) {
    checkSample(measurement.sampleJson, measurement.sampleFile);
  }
  const id = benchmark.full_id;
  const source = measurement.estimatesFile;
  const results: BenchmarkResult[] = [{ id, metric: "wall-time", unit: "ns", source, ...typical }];
  const throughput = throughputOf(benchmark.throughput, typical);
  if (throughput) results.push({ id, metric: "throughput", source, ...throughput });
  return results;
}

function estimateOf(value: unknown, file: string, name: string): Estimate | undefined {
  if (value === null || value === undefined) return undefined;
  const point = isObject(value) ? finiteNumber(value.point_estimate) : undefined;
  if (!isObject(value) || point === undefined) {
    throw malformed(file, 1, `'${name}' has no numeric 'point_estimate'`);
  }
  const interval = isObject(value.confidence_interval) ? value.confidence_interval : {};
  return {
    value: point,
    lower: finiteNumber(interval.lower_bound) ?? null,
    upper: finiteNumber(interval.upper_bound) ?? null,
  };
}

/** Elements or bytes per iteration turned into a rate per second, interval inverted. */
export function throughputOf(
  throughput: unknown,
  time: Estimate,
): Omit<BenchmarkResult, "id" | "metric" | "source"> | undefined {
  if (!isObject(throughput)) return undefined;
  const [kind, amount] = Object.entries(throughput as JsonObject)[0] ?? [];
  const perIteration = finiteNumber(amount);
  if (perIteration === undefined || time.value <= 0) return undefined;
  const unit = /bytes/i.test(kind ?? "") ? "bytes/s" : "elements/s";
  const rate = (nanoseconds: number | null) =>
    nanoseconds && nanoseconds > 0 ? (perIteration * 1e9) / nanoseconds : null;
  return {
    unit,
    value: rate(time.value) as number,
    lower: rate(time.upper),
    upper: rate(time.lower),
  };
}

function checkSample(text: string, file: string): void {
  const sample = parseJsonText(text, file);
  const iterations = isObject(sample) ? sample.iters : undefined;
  const times = isObject(sample) ? sample.times : undefined;
  if (!Array.isArray(iterations) || !Array.isArray(times) || iterations.length !== times.length) {
    throw malformed(file, 1, "expected 'iters' and 'times' arrays of the same length");
  }
}

/**
 * cargo-criterion's `--message-format=json` lines. Only `benchmark-complete` messages carry
 * results; `measured_values` are per-sample totals, so the typical value is used, not them.
 */
export function parseCargoCriterionLines(text: string, file: string): BenchmarkResult[] {
  const results: BenchmarkResult[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const message = parseJsonText(line, file, index + 1);
    if (!isObject(message) || message.reason !== "benchmark-complete") return;
    const where = index + 1;
    if (typeof message.id !== "string") throw malformed(file, where, "a message without 'id'");
    const typical = cargoEstimate(message.typical, file, where);
    results.push({ id: message.id, metric: "wall-time", unit: "ns", source: file, ...typical });
    const [first] = Array.isArray(message.throughput) ? message.throughput : [];
    if (isObject(first)) {
      const kind =
        first.unit === "bytes" ? { Bytes: first.per_iteration } : { Elements: first.per_iteration };
      const rate = throughputOf(kind, typical);
      if (rate) results.push({ id: message.id, metric: "throughput", source: file, ...rate });
    }
  });
  if (results.length === 0) {
    throw malformed(file, lines.length, "no 'benchmark-complete' message (truncated output?)");
  }
  return results;
}

function cargoEstimate(value: unknown, file: string, line: number): Estimate {
  const estimate = isObject(value) ? finiteNumber(value.estimate) : undefined;
  if (!isObject(value) || estimate === undefined || typeof value.unit !== "string") {
    throw malformed(file, line, "'typical' needs a numeric 'estimate' and a 'unit'");
  }
  const unit = value.unit;
  const convert = (number: unknown) => {
    const finite = finiteNumber(number);
    return finite === undefined ? null : (toNanoseconds(finite, unit) ?? null);
  };
  const nanoseconds = toNanoseconds(estimate, unit);
  if (nanoseconds === undefined) throw malformed(file, line, `unknown time unit '${unit}'`);
  return {
    value: nanoseconds,
    lower: convert(value.lower_bound),
    upper: convert(value.upper_bound),
  };
}
