import {
  type BenchmarkResult,
  finiteNumber,
  isObject,
  malformed,
  parseJsonText,
} from "./results.ts";

/**
 * A gungraun (formerly iai-callgrind) JSON summary, schema v6. Each metric holds the new value
 * as `{"Left": v}` or `{"Both": [new, old]}`, where v is `{"Int": n}` or `{"Float": x}`; a
 * `Right`-only metric exists only in the old run and is not a result of this one.
 */
export function parseGungraunSummary(text: string, file: string): BenchmarkResult[] {
  const summary = parseJsonText(text, file);
  if (!isObject(summary) || summary.version !== "6") {
    const version = isObject(summary) ? JSON.stringify(summary.version) : "none";
    throw malformed(file, 1, `expected a gungraun summary with "version": "6", got ${version}`);
  }
  const path = typeof summary.module_path === "string" ? summary.module_path : undefined;
  if (!path) throw malformed(file, 1, "the summary has no 'module_path'");
  const id = typeof summary.id === "string" && summary.id !== "" ? `${path}::${summary.id}` : path;
  const profiles = Array.isArray(summary.profiles) ? summary.profiles : [];
  const results: BenchmarkResult[] = [];
  for (const profile of profiles) {
    const total = isObject(profile) ? dig(profile, "summaries", "total", "summary") : undefined;
    if (!isObject(total)) throw malformed(file, 1, "a profile without 'summaries.total.summary'");
    for (const [tool, metrics] of Object.entries(total)) {
      if (!isObject(metrics)) continue;
      for (const [name, entry] of Object.entries(metrics)) {
        const value = newValue(isObject(entry) ? entry.metrics : undefined, file, name);
        if (value === undefined) continue;
        results.push(gungraunResult(id, tool, name, value, file));
      }
    }
  }
  if (results.length === 0) throw malformed(file, 1, "the summary holds no metrics");
  return results;
}

function dig(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);
}

function newValue(metrics: unknown, file: string, name: string): number | undefined {
  if (!isObject(metrics)) throw malformed(file, 1, `metric '${name}' has no 'metrics'`);
  if ("Right" in metrics && !("Left" in metrics) && !("Both" in metrics)) return undefined;
  const side =
    "Left" in metrics ? metrics.Left : Array.isArray(metrics.Both) ? metrics.Both[0] : undefined;
  const number = isObject(side) ? (finiteNumber(side.Int) ?? finiteNumber(side.Float)) : undefined;
  if (number === undefined) throw malformed(file, 1, `metric '${name}' has no Int or Float value`);
  return number;
}

function gungraunResult(id: string, tool: string, name: string, value: number, file: string) {
  const prefix = tool === "Callgrind" ? "" : `${tool.toLowerCase()}.`;
  const result: BenchmarkResult =
    name === "Ir"
      ? {
          id,
          metric: "instructions",
          value,
          unit: "instructions",
          lower: value,
          upper: value,
          source: file,
        }
      : {
          id,
          metric: `${prefix}${name}`,
          value,
          unit: /Rate$/.test(name) ? "%" : "events",
          lower: value,
          upper: value,
          source: file,
        };
  return result;
}
