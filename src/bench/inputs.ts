import { ConfigurationError } from "../core/errors.ts";
import type { Inputs } from "../core/inputs.ts";
import { DEFAULT_THRESHOLDS, type Thresholds } from "./compare.ts";
import type { BenchInputs } from "./run.ts";
import type { S3Location } from "./store.ts";

/**
 * `1%`, `0.5 %` or a fraction such as `0.01`; the error names where the value came from. A bare
 * number above 1 is refused rather than read as a fraction: `5` almost always means 5%, and
 * reading it as 500% would call every regression unchanged.
 */
export function parseFraction(value: string, source: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(value.trim());
  const fraction = match ? Number(match[1]) / (match[2] ? 100 : 1) : Number.NaN;
  if (match && !match[2] && fraction > 1) {
    throw new ConfigurationError(
      `${source} is '${value}', a fraction above 1; write ${match[1]}% for a percentage, or a fraction such as 0.05`,
    );
  }
  if (!match || !Number.isFinite(fraction) || fraction < 0 || fraction > 10) {
    throw new ConfigurationError(`${source} is '${value}'; use a percentage such as 1% or 0.5%`);
  }
  return fraction;
}

export function parseCount(value: string, source: string): number {
  if (!/^\d+$/.test(value.trim())) {
    throw new ConfigurationError(`${source} is '${value}'; use a whole number such as 100`);
  }
  return Number(value.trim());
}

export function readThresholds(
  read: (name: string) => string | undefined,
  label: (name: string) => string,
): Thresholds {
  const value = (name: string) => read(name);
  const countRelative = value("instruction-threshold");
  const countAbsolute = value("instruction-floor");
  const timeRelative = value("time-threshold");
  return {
    countRelative:
      countRelative === undefined
        ? DEFAULT_THRESHOLDS.countRelative
        : parseFraction(countRelative, label("instruction-threshold")),
    countAbsolute:
      countAbsolute === undefined
        ? DEFAULT_THRESHOLDS.countAbsolute
        : parseCount(countAbsolute, label("instruction-floor")),
    timeRelative:
      timeRelative === undefined
        ? DEFAULT_THRESHOLDS.timeRelative
        : parseFraction(timeRelative, label("time-threshold")),
  };
}

/** Every input of action.yml, read once into one typed object. */
export function readBenchInputs(inputs: Inputs, event: Record<string, unknown>): BenchInputs {
  const repository = event.repository as { default_branch?: unknown } | undefined;
  const pull = event.pull_request as { base?: { ref?: unknown } } | undefined;
  const defaultBranch =
    typeof repository?.default_branch === "string" ? repository.default_branch : "main";
  const baseBranch = typeof pull?.base?.ref === "string" ? pull.base.ref : defaultBranch;
  return {
    results: inputs.list("results"),
    mode: inputs.enumeration("mode", ["auto", "upload", "compare"] as const, "auto"),
    thresholds: readThresholds(
      (name) => inputs.optional(name),
      (name) => `input '${name}'`,
    ),
    failOnRegression: inputs.boolean("fail-on-regression", true),
    comment: inputs.boolean("comment", true),
    storePullRequests: inputs.boolean("store-pull-requests", true),
    publishPullRequests: inputs.boolean("publish-pull-requests", false),
    mainBranch: inputs.string("main-branch", defaultBranch),
    baseRef: inputs.string("base-ref", `origin/${baseBranch}`),
    historyWindow: inputs.integer("history-window", 1000, { min: 10, max: 100_000 }),
    siteDirectory: inputs.optional("site-directory"),
  };
}

/** Everything else action.yml takes: where to store, how to reach GitHub, what to record. */
export interface ActionSettings {
  bench: BenchInputs;
  storage: { location: string; s3: Omit<S3Location, "bucket" | "prefix"> } | undefined;
  token: string | undefined;
  machine: string | undefined;
  toolVersions: string[];
}

export function readActionSettings(inputs: Inputs, event: Record<string, unknown>): ActionSettings {
  const location = inputs.optional("storage");
  return {
    bench: readBenchInputs(inputs, event),
    storage: location
      ? {
          location,
          s3: {
            region: inputs.optional("s3-region"),
            endpoint: inputs.optional("s3-endpoint"),
            pathStyle: inputs.boolean("s3-path-style", false),
          },
        }
      : undefined,
    token: inputs.optional("token"),
    machine: inputs.optional("machine"),
    toolVersions: inputs.list("tool-versions"),
  };
}
